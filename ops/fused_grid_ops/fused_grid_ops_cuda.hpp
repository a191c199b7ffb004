#pragma once
// CUDA reference of the fused grid ops sample_sum and sample_dot (kernels in fused_grid_ops_cuda.cu,
// built when CMake finds the CUDA toolkit). Same arguments, validation and results as the CPU references
// (fused_grid_ops_reference.hpp). Throws InvalidArgument for invalid inputs, and BackendUnavailable (one
// line naming the op) when tilesim was built without CUDA or no CUDA device is present. The
// device-pointer entries are in fused_grid_ops_launch_cuda.hpp.
//
// Forward passes and every gradient except grad_images are deterministic (each element has one thread,
// summing in the CPU reference's order); grad_images is scattered with atomicAdd, so its rounding may
// differ from run to run by a few ulp.
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
