#pragma once
// CUDA references of sample_sum and sample_dot (kernels in fused_grid_ops_cuda.cu, built when CMake finds the
// CUDA toolkit). Same contract, shapes and checks as the CPU references (fused_grid_ops_reference.hpp); host
// arrays in and out. Throws BackendUnavailable (one line naming the op) when tilesim was built without CUDA
// or no CUDA device is present.
//
// Note (deformsim branch): declared here so the op front ends can dispatch to them; the .cu implementation
// and its stubs come from the `cuda` branch, which owns this header's final form.
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"

namespace tilesim::ops {

HostArray<float> sample_sum_forward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                         const ArrayView<float>& weights);
SampleSumGrads sample_sum_backward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& weights, const ArrayView<float>& grad_output);

HostArray<float> sample_dot_forward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                         const ArrayView<float>& queries, const ArrayView<float>& depths,
                                         int64_t num_octaves);
SampleDotGrads sample_dot_backward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& queries, const ArrayView<float>& depths,
                                        int64_t num_octaves, const ArrayView<float>& grad_output);

}  // namespace tilesim::ops
