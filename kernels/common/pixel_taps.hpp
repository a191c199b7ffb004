#pragma once
// Bilinear taps of one sample on a channels-last map ([H, W, C]): the four corner pixels (or -1 outside the
// map), their weights and the derivatives of the weights. Built on kernels/common/bilinear.hpp; shared by the
// CPU references of deformable aggregation and sample_sum / sample_dot (ops/deformable_aggregation/
// channels_last_taps.hpp), their CUDA references (ops/common/cuda_bilinear.cuh) and their simulated
// kernels, so the paths cannot drift apart. Dependency-free (host and device) so that kernels and .cu
// files may include it.
#include <cstdint>

#include "kernels/common/bilinear.hpp"
#include "kernels/common/grid_sample_math.hpp"
#include "kernels/common/host_device.hpp"

namespace tilesim::ops {

// The four corners around (y, x), in bilinear_taps' order (nw, ne, sw, se).
struct PixelTaps {
    int64_t pixel[4];     // y * W + x of each corner; -1 where the corner is outside the map
    float weight[4];      // bilinear weights
    float dweight_dx[4];  // d weight / d x (pixels)
    float dweight_dy[4];  // d weight / d y (pixels)
};

// Taps of the sample at (y, x) pixels in an H x W map. A coordinate that is NaN, infinite or far outside
// gives four outside corners (reads 0, receives no gradient), as PyTorch's zeros padding does.
TILESIM_HD PixelTaps pixel_taps(float y, float x, int64_t height, int64_t width) {
    PixelTaps t{};
    if (!coordinate_is_usable(y) || !coordinate_is_usable(x)) {
        for (int i = 0; i < 4; ++i) t.pixel[i] = -1;
        return t;
    }
    const BilinearTaps b = bilinear_taps(y, x);
    const int64_t ys[4] = {b.y0, b.y0, b.y0 + 1, b.y0 + 1};
    const int64_t xs[4] = {b.x0, b.x0 + 1, b.x0, b.x0 + 1};
    for (int i = 0; i < 4; ++i) {
        t.pixel[i] = in_bounds(ys[i], xs[i], height, width) ? ys[i] * width + xs[i] : -1;
    }
    t.weight[0] = b.w_nw;
    t.weight[1] = b.w_ne;
    t.weight[2] = b.w_sw;
    t.weight[3] = b.w_se;
    // Distances to the corners as bilinear_taps forms them: w_nw = lx * ly, w_ne = hx * ly, ...
    const float hy = y - static_cast<float>(b.y0), ly = static_cast<float>(b.y0 + 1) - y;
    const float hx = x - static_cast<float>(b.x0), lx = static_cast<float>(b.x0 + 1) - x;
    const float dx[4] = {-ly, ly, -hy, hy};
    const float dy[4] = {-lx, -hx, lx, hx};
    for (int i = 0; i < 4; ++i) {
        t.dweight_dx[i] = dx[i];
        t.dweight_dy[i] = dy[i];
    }
    return t;
}

// PyTorch grid_sample, align_corners=False: pixel coordinate of a normalised grid coordinate in [-1, 1]. One
// spelling for every op: grid_sample's own unnormalize.
TILESIM_HD float unnormalize_align_corners_false(float g, int64_t size) {
    return grid_sampler_unnormalize(g, size, false);
}

}  // namespace tilesim::ops
