#pragma once
// Deformable aggregation's CUDA kernels on device pointers (data already on the GPU), for the host
// wrappers of deformable_aggregation_cuda.hpp and for benchmarks that time the kernels alone. Each call
// enqueues its kernels on the default stream and returns without waiting; launch errors are thrown.
// The sizes must be valid (validate_deformable_inputs); they are not re-checked. Plain C++17, so nvcc and
// any host code may include it.
#include <cstdint>

namespace tilesim::ops {

// Sizes of SparseDrive's arrays (see deformable_aggregation_reference.hpp for the layouts).
struct DeformableAggregationCudaDims {
    int64_t bs, num_feat, channels, num_cams, num_scale, num_anchor, num_pts, num_groups;
};

// spatial_shape [num_cams, num_scale, 2] and scale_start_index [num_cams, num_scale] are int32 device
// arrays, as SparseDrive's kernel takes them. output [bs, num_anchor, C] is overwritten.
void launch_deformable_aggregation_forward_cuda(const float* mc_ms_feat, const int32_t* spatial_shape,
                                                const int32_t* scale_start_index,
                                                const float* sampling_location, const float* weights,
                                                float* output, const DeformableAggregationCudaDims& dims);

// The three gradients are overwritten (shapes of mc_ms_feat, sampling_location, weights).
void launch_deformable_aggregation_backward_cuda(const float* mc_ms_feat, const int32_t* spatial_shape,
                                                 const int32_t* scale_start_index,
                                                 const float* sampling_location, const float* weights,
                                                 const float* grad_output, float* grad_mc_ms_feat,
                                                 float* grad_sampling_location, float* grad_weights,
                                                 const DeformableAggregationCudaDims& dims);

}  // namespace tilesim::ops
