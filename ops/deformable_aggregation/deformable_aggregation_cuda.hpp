#pragma once
// CUDA reference of SparseDrive's deformable aggregation (kernels in deformable_aggregation_cuda.cu, built
// when CMake finds the CUDA toolkit). Same contract, shapes and checks as the CPU reference
// (deformable_aggregation_reference.hpp); host arrays in and out. Throws BackendUnavailable (one line naming
// the op) when tilesim was built without CUDA or no CUDA device is present.
//
// Note (deformsim branch): declared here so the op front end can dispatch to it; the .cu implementation and
// its stubs come from the `cuda` branch, which owns this header's final form.
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"

namespace tilesim::ops {

HostArray<float> deformable_aggregation_forward_cuda(const ArrayView<float>& mc_ms_feat,
                                                     const ArrayView<int32_t>& spatial_shape,
                                                     const ArrayView<int32_t>& scale_start_index,
                                                     const ArrayView<float>& sampling_location,
                                                     const ArrayView<float>& weights);

DeformableAggregationGrads deformable_aggregation_backward_cuda(const ArrayView<float>& mc_ms_feat,
                                                                const ArrayView<int32_t>& spatial_shape,
                                                                const ArrayView<int32_t>& scale_start_index,
                                                                const ArrayView<float>& sampling_location,
                                                                const ArrayView<float>& weights,
                                                                const ArrayView<float>& grad_output);

}  // namespace tilesim::ops
