#pragma once
// SparseDrive's sampling rule for deformable aggregation: which samples are taken and their bilinear taps
// on a camera's feature map at one scale. Shared by the CPU reference, its backward and fallback paths
// (ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp), the CUDA reference and the simulated
// reader, so the paths cannot drift apart. Dependency-free (host and device) so that kernels and .cu files
// may include it.
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/pixel_taps.hpp"

namespace tilesim::ops::detail {

// One camera's feature map at one scale inside mc_ms_feat.
struct FeatureMapGeometry {
    int64_t height, width;
    int64_t start;  // first feature (pixel) of the map in num_feat
};

// SparseDrive skips a sample unless both normalised coordinates are strictly inside (0, 1)
// (`loc <= 0 || loc >= 1` returns early); NaN is skipped as well.
TILESIM_HD bool location_is_sampled(float loc_x, float loc_y) {
    return loc_x > 0.f && loc_x < 1.f && loc_y > 0.f && loc_y < 1.f;
}

// SparseDrive: h_im = loc_h * H - 0.5, w_im = loc_w * W - 0.5 (pixel centres sit at integer + 0.5).
TILESIM_HD PixelTaps deformable_taps(float loc_x, float loc_y, const FeatureMapGeometry& m) {
    return pixel_taps(loc_y * static_cast<float>(m.height) - 0.5f, loc_x * static_cast<float>(m.width) - 0.5f,
                      m.height, m.width);
}

}  // namespace tilesim::ops::detail
