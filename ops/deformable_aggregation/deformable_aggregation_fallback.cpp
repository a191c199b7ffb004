// The unfused formulation of deformable aggregation, as SparseDrive writes it without its CUDA op
// (DeformableFeatureAggregation.feature_sampling + multi_view_level_fusion): for each camera and scale,
// grid_sample the map at grid = 2 * loc - 1 into a [num_anchor, num_pts, C] buffer, then add the
// group-weighted samples into the output. The fused kernel's (0, 1) mask is applied to the weights.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/deformable_aggregation/detail/channel_kernels.hpp"
#include "ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"

namespace tilesim::ops {
namespace {

using detail::DeformableDims;
using oneapi::tbb::blocked_range;
using oneapi::tbb::parallel_for;

// grid_sample(map, grid = 2 * loc - 1), bilinear, zeros padding, align_corners=False, channels-last:
// sampled[a, pt, :] for every anchor and point of batch b.
void grid_sample_map(const DeformableDims& d, const float* map, const detail::FeatureMapGeometry& m,
                     const float* loc, int64_t b, int64_t cam, const float* zero_row, float* sampled) {
    const ChannelKernels& k = channel_kernels();
    parallel_for(blocked_range<int64_t>(0, d.num_anchor), [&](const blocked_range<int64_t>& r) {
        for (int64_t a = r.begin(); a != r.end(); ++a) {
            for (int64_t pt = 0; pt < d.num_pts; ++pt) {
                const float* xy = loc + d.location_offset(b * d.num_anchor + a, pt, cam);
                const PixelTaps t = pixel_taps(unnormalize_align_corners_false(xy[1] * 2.f - 1.f, m.height),
                                               unnormalize_align_corners_false(xy[0] * 2.f - 1.f, m.width),
                                               m.height, m.width);
                const float* rows[4];
                tap_rows(t, map, d.channels, 0, zero_row, rows);
                k.blend4(rows, t.weight, d.channels, sampled + (a * d.num_pts + pt) * d.channels);
            }
        }
    });
}

// out[b, a, c] += Σ_pt mask * weights[b, a, pt, cam, scale, g(c)] * sampled[a, pt, c]
void add_weighted_samples(const DeformableDims& d, const float* sampled, const float* loc,
                          const float* weights, int64_t b, int64_t cam, int64_t sc, float* out) {
    const ChannelKernels& k = channel_kernels();
    parallel_for(blocked_range<int64_t>(0, d.num_anchor), [&](const blocked_range<int64_t>& r) {
        for (int64_t a = r.begin(); a != r.end(); ++a) {
            const int64_t row = b * d.num_anchor + a;
            for (int64_t pt = 0; pt < d.num_pts; ++pt) {
                const float* xy = loc + d.location_offset(row, pt, cam);
                if (!detail::location_is_sampled(xy[0], xy[1])) continue;
                k.grouped_axpy(weights + d.weight_offset(row, pt, cam, sc),
                               sampled + (a * d.num_pts + pt) * d.channels, d.num_groups, d.group_size,
                               out + row * d.channels);
            }
        }
    });
}

}  // namespace

HostArray<float> deformable_aggregation_fallback_cpu(const ArrayView<float>& mc_ms_feat,
                                                     const ArrayView<int32_t>& spatial_shape,
                                                     const ArrayView<int32_t>& scale_start_index,
                                                     const ArrayView<float>& sampling_location,
                                                     const ArrayView<float>& weights) {
    const DeformableDims d =
        detail::validate_deformable_inputs("deformable_aggregation_fallback", mc_ms_feat, spatial_shape,
                                           scale_start_index, sampling_location, weights);
    HostArray<float> out({d.bs, d.num_anchor, d.channels});
    std::vector<float> sampled(static_cast<size_t>(d.num_anchor * d.num_pts * d.channels));
    const std::vector<float> zero_row(static_cast<size_t>(d.channels), 0.f);
    for (int64_t b = 0; b < d.bs; ++b) {
        for (int64_t cam = 0; cam < d.num_cams; ++cam) {
            for (int64_t sc = 0; sc < d.num_scale; ++sc) {
                const auto& m = d.map(cam, sc);
                const float* map = mc_ms_feat.data.data() + (b * d.num_feat + m.start) * d.channels;
                grid_sample_map(d, map, m, sampling_location.data.data(), b, cam, zero_row.data(),
                                sampled.data());
                add_weighted_samples(d, sampled.data(), sampling_location.data.data(), weights.data.data(), b,
                                     cam, sc, out.data.data());
            }
        }
    }
    return out;
}

}  // namespace tilesim::ops
