#pragma once
// CUDA reference of SparseDrive's deformable aggregation (kernels in deformable_aggregation_cuda.cu,
// built when CMake finds the CUDA toolkit). Same arguments, validation and results as the CPU reference
// (deformable_aggregation_reference.hpp). Throws InvalidArgument for invalid inputs, and
// BackendUnavailable (one line naming the op) when tilesim was built without CUDA or no CUDA device is
// present. The device-pointer entries are in deformable_aggregation_launch_cuda.hpp.
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"

namespace tilesim::ops {

// Deterministic: one thread per output element sums its samples in the CPU reference's order.
HostArray<float> deformable_aggregation_forward_cuda(const ArrayView<float>& mc_ms_feat,
                                                     const ArrayView<int32_t>& spatial_shape,
                                                     const ArrayView<int32_t>& scale_start_index,
                                                     const ArrayView<float>& sampling_location,
                                                     const ArrayView<float>& weights);

// grad_sampling_location and grad_weights are deterministic (one thread per sample);
// grad_mc_ms_feat is accumulated with atomicAdd, as SparseDrive's kernel does, so its rounding may
// differ from run to run by a few ulp.
DeformableAggregationGrads deformable_aggregation_backward_cuda(const ArrayView<float>& mc_ms_feat,
                                                                const ArrayView<int32_t>& spatial_shape,
                                                                const ArrayView<int32_t>& scale_start_index,
                                                                const ArrayView<float>& sampling_location,
                                                                const ArrayView<float>& weights,
                                                                const ArrayView<float>& grad_output);

}  // namespace tilesim::ops
