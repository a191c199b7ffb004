#pragma once
// CPU reference of SparseDrive's deformable aggregation (swc-17/SparseDrive,
// projects/mmdet3d_plugin/ops): feature_maps_format, the fused forward and backward as the CUDA kernels
// define them, and the pure "grid_sample per camera and scale, then weighted sum" formulation.
// Semantics: tilesim's op spec §5. Multi-threaded with oneTBB; results do not depend on the thread count.
//
// Shapes (SparseDrive's names):
//   mc_ms_feat         [bs, num_feat, C]       every camera's and scale's map, channels-last, concatenated
//   spatial_shape      [num_cams, num_scale, 2] (H, W) of each map, int32
//   scale_start_index  [num_cams, num_scale]    first feature of each map in num_feat, int32
//   sampling_location  [bs, num_anchor, num_pts, num_cams, 2]   normalised (x, y); used when both are in
//                                                               (0, 1) exclusive, skipped otherwise
//   weights            [bs, num_anchor, num_pts, num_cams, num_scale, num_groups]; C % num_groups == 0
//   output             [bs, num_anchor, C]
#include <cstdint>
#include <span>

#include "ops/common/host_array.hpp"

namespace tilesim::ops {

struct FormattedFeatureMaps {
    HostArray<float> mc_ms_feat;           // [bs, num_cams * Σ_scale H*W, C]
    HostArray<int32_t> spatial_shape;      // [num_cams, num_scale, 2]
    HostArray<int32_t> scale_start_index;  // [num_cams, num_scale]
};

// SparseDrive's feature_maps_format: per-scale maps [bs, num_cams, C, H, W] -> one channels-last array,
// camera-major then scale (camera k's scales follow each other; camera k+1 starts after camera k's last
// scale), with each map's (H, W) and start index.
FormattedFeatureMaps feature_maps_format(std::span<const ArrayView<float>> feature_maps);

// out[b, a, c] = Σ_{pt, cam, scale} weights[b, a, pt, cam, scale, c / (C / num_groups)] *
//                bilinear(map(cam, scale), y = loc_y * H - 0.5, x = loc_x * W - 0.5)[c]
HostArray<float> deformable_aggregation_forward_cpu(const ArrayView<float>& mc_ms_feat,
                                                    const ArrayView<int32_t>& spatial_shape,
                                                    const ArrayView<int32_t>& scale_start_index,
                                                    const ArrayView<float>& sampling_location,
                                                    const ArrayView<float>& weights);

struct DeformableAggregationGrads {
    HostArray<float> grad_mc_ms_feat;         // like mc_ms_feat
    HostArray<float> grad_sampling_location;  // like sampling_location (0 for skipped samples)
    HostArray<float> grad_weights;            // like weights (0 for skipped samples)
};

// Gradients as SparseDrive's backward kernel defines them: d loc_x = W * dval/dx, d loc_y = H * dval/dy
// (times weight and grad_output), d weight = grad_output · sampled value. grad_output is [bs, num_anchor, C].
DeformableAggregationGrads deformable_aggregation_backward_cpu(const ArrayView<float>& mc_ms_feat,
                                                               const ArrayView<int32_t>& spatial_shape,
                                                               const ArrayView<int32_t>& scale_start_index,
                                                               const ArrayView<float>& sampling_location,
                                                               const ArrayView<float>& weights,
                                                               const ArrayView<float>& grad_output);

// The formulation SparseDrive uses without its CUDA op: for each camera and scale, grid_sample (bilinear,
// zeros padding, align_corners=False) at grid = 2 * loc - 1, then the group-weighted sum over points,
// cameras and scales, with the fused kernel's (0, 1) mask applied to the weights. Same result as
// deformable_aggregation_forward_cpu up to float rounding of the coordinates.
HostArray<float> deformable_aggregation_fallback_cpu(const ArrayView<float>& mc_ms_feat,
                                                     const ArrayView<int32_t>& spatial_shape,
                                                     const ArrayView<int32_t>& scale_start_index,
                                                     const ArrayView<float>& sampling_location,
                                                     const ArrayView<float>& weights);

}  // namespace tilesim::ops
