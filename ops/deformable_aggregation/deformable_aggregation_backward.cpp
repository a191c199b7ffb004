// Backward of the fused deformable aggregation, deterministic by construction (SparseDrive's kernel uses
// atomicAdd, whose order changes the rounding): two passes, each output element with a single owner.
//  1. per map, per (b, anchor) row: grad_weights and grad_sampling_location of that row's samples;
//  2. per (b, group of maps, channel block): the scatter into grad_mc_ms_feat, every sample in a fixed
//     order.
#include <algorithm>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/deformable_aggregation/detail/channel_kernels.hpp"
#include "ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"

namespace tilesim::ops {
namespace {

using detail::deformable_taps;
using detail::DeformableDims;
using detail::location_is_sampled;
using oneapi::tbb::blocked_range;
using oneapi::tbb::parallel_for;

struct Inputs {
    const float* feat;
    const float* loc;
    const float* weights;
    const float* grad_out;
};

// d/d weight = grad · value and d/d loc of one sample at one scale. With e[i][g] = Σ_{c in g} grad[c] *
// tap_i[c]: grad_weight[g] = Σ_i w_i e[i][g], and SparseDrive's d loc_x = W * Σ_c grad[c] * weight[g(c)] *
// dval/dx[c] = W * Σ_i dw_i/dx Σ_g weight[g] e[i][g] (same for y with H); d loc sums over the scales.
void add_sample_grads(const DeformableDims& d, const Inputs& in, int64_t row, int64_t pt, int64_t cam,
                      int64_t sc, float* e, float* grad_loc, float* grad_weights) {
    const ChannelKernels& k = channel_kernels();
    const float* xy = in.loc + d.location_offset(row, pt, cam);
    const auto& m = d.map(cam, sc);
    const float* map = in.feat + ((row / d.num_anchor) * d.num_feat + m.start) * d.channels;
    const float* grad_row = in.grad_out + row * d.channels;
    const int64_t G = d.num_groups;
    const PixelTaps t = deformable_taps(xy[0], xy[1], m);
    for (int i = 0; i < 4; ++i) {
        if (t.pixel[i] < 0) {
            std::fill(e + i * G, e + (i + 1) * G, 0.f);  // an outside tap reads 0: no gradient
        } else {
            k.grouped_dot(grad_row, map + t.pixel[i] * d.channels, G, d.group_size, e + i * G);
        }
    }
    const int64_t w_off = d.weight_offset(row, pt, cam, sc);
    const float* gw = in.weights + w_off;
    float dvx = 0.f, dvy = 0.f;
    for (int i = 0; i < 4; ++i) {
        float di = 0.f;
        for (int64_t g = 0; g < G; ++g) di += gw[g] * e[i * G + g];
        dvx += t.dweight_dx[i] * di;
        dvy += t.dweight_dy[i] * di;
    }
    for (int64_t g = 0; g < G; ++g) {
        float v = 0.f;
        for (int i = 0; i < 4; ++i) v += t.weight[i] * e[i * G + g];
        grad_weights[w_off + g] = v;
    }
    grad_loc[d.location_offset(row, pt, cam)] += static_cast<float>(m.width) * dvx;
    grad_loc[d.location_offset(row, pt, cam) + 1] += static_cast<float>(m.height) * dvy;
}

void location_and_weight_grads(const DeformableDims& d, const Inputs& in, float* grad_loc,
                               float* grad_weights) {
    detail::for_each_map_and_row(d, [&](int64_t cam, int64_t sc, const blocked_range<int64_t>& rows) {
        std::vector<float> e(static_cast<size_t>(4 * d.num_groups));
        for (int64_t row = rows.begin(); row != rows.end(); ++row) {
            for (int64_t pt = 0; pt < d.num_pts; ++pt) {
                const float* xy = in.loc + d.location_offset(row, pt, cam);
                // Skipped samples keep zero gradients, as in SparseDrive's kernel.
                if (location_is_sampled(xy[0], xy[1]))
                    add_sample_grads(d, in, row, pt, cam, sc, e.data(), grad_loc, grad_weights);
            }
        }
    });
}

// grad_mc_ms_feat[tap i, c] += w_i * weight[g(c)] * grad_row[c] for the channels of `block`, one group
// segment at a time (SparseDrive scatters w_i * (grad * weight)).
void scatter_sample(const DeformableDims& d, const PixelTaps& t, const float* grad_row, const float* weight,
                    ChannelBlock block, float* map_grad) {
    for (int64_t c = block.begin; c < block.end;) {
        const int64_t g = c / d.group_size, end = std::min(block.end, (g + 1) * d.group_size);
        const float w[4] = {t.weight[0] * weight[g], t.weight[1] * weight[g], t.weight[2] * weight[g],
                            t.weight[3] * weight[g]};
        float* rows[4];
        tap_rows(t, map_grad, d.channels, c, rows);
        channel_kernels().scatter4(rows, w, grad_row + c, end - c);
        c = end;
    }
}

// The scatter into grad_mc_ms_feat for batch b, the maps in `maps` and the channels of `block`; this task
// is the only writer of those elements.
void scatter_feature_grads(const DeformableDims& d, const Inputs& in, int64_t b,
                           const std::vector<int64_t>& maps, ChannelBlock block, float* grad_feat) {
    for (int64_t mi : maps) {
        const int64_t cam = mi / d.num_scale, sc = mi % d.num_scale;
        const auto& m = d.map(cam, sc);
        float* map_grad = grad_feat + (b * d.num_feat + m.start) * d.channels;
        for (int64_t row = b * d.num_anchor; row < (b + 1) * d.num_anchor; ++row) {
            for (int64_t pt = 0; pt < d.num_pts; ++pt) {
                const float* xy = in.loc + d.location_offset(row, pt, cam);
                if (!location_is_sampled(xy[0], xy[1])) continue;
                scatter_sample(d, deformable_taps(xy[0], xy[1], m), in.grad_out + row * d.channels,
                               in.weights + d.weight_offset(row, pt, cam, sc), block, map_grad);
            }
        }
    }
}

void feature_grads(const DeformableDims& d, const Inputs& in, float* grad_feat) {
    const auto map_groups = detail::maps_with_disjoint_regions(d);
    const auto blocks = channel_blocks(d.channels);
    const auto n_groups = static_cast<int64_t>(map_groups.size()),
               n_blocks = static_cast<int64_t>(blocks.size());
    parallel_for(blocked_range<int64_t>(0, d.bs * n_groups * n_blocks, 1),
                 [&](const blocked_range<int64_t>& r) {
                     for (int64_t task = r.begin(); task != r.end(); ++task) {
                         const int64_t blk = task % n_blocks, grp = (task / n_blocks) % n_groups,
                                       b = task / (n_blocks * n_groups);
                         scatter_feature_grads(d, in, b, map_groups[static_cast<size_t>(grp)],
                                               blocks[static_cast<size_t>(blk)], grad_feat);
                     }
                 });
}

}  // namespace

DeformableAggregationGrads deformable_aggregation_backward_cpu(const ArrayView<float>& mc_ms_feat,
                                                               const ArrayView<int32_t>& spatial_shape,
                                                               const ArrayView<int32_t>& scale_start_index,
                                                               const ArrayView<float>& sampling_location,
                                                               const ArrayView<float>& weights,
                                                               const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "deformable_aggregation_backward";
    const DeformableDims d = detail::validate_deformable_inputs(
        op, mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights);
    check_shape(op, "grad_output", grad_output, {d.bs, d.num_anchor, d.channels}, "[bs, num_anchor, C]");
    DeformableAggregationGrads grads{HostArray<float>(mc_ms_feat.shape),
                                     HostArray<float>(sampling_location.shape),
                                     HostArray<float>(weights.shape)};
    const Inputs in{mc_ms_feat.data.data(), sampling_location.data.data(), weights.data.data(),
                    grad_output.data.data()};
    location_and_weight_grads(d, in, grads.grad_sampling_location.data.data(),
                              grads.grad_weights.data.data());
    feature_grads(d, in, grads.grad_mc_ms_feat.data.data());
    return grads;
}

}  // namespace tilesim::ops
