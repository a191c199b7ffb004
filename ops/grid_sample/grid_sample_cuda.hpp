#pragma once
// CUDA reference of grid_sample (kernels in grid_sample_cuda.cu, built when CMake finds the CUDA toolkit).
// Same contract and the same coordinate math (grid_sample_math.hpp, grid_sample_stencil.hpp) as the CPU
// reference. Throws InvalidArgument for an invalid shape, and BackendUnavailable (one line naming the op)
// when tilesim was built without CUDA or no CUDA device is present.
#include "ops/grid_sample/grid_sample_reference.hpp"

namespace tilesim::ops {

// Host pointers in and out (copied to and from the GPU); layouts and shapes as grid_sample_forward_cpu.
void grid_sample_forward_cuda(const float* input, const float* grid, float* output,
                              const GridSampleShape& shape, ChannelLayout layout,
                              const GridSampleOptions& options);
// grad_input and grad_grid are overwritten. grad_input is accumulated with atomicAdd, so its rounding may
// differ from run to run (by a few ulp); grad_grid is computed per output point and is deterministic.
void grid_sample_backward_cuda(const float* grad_output, const float* input, const float* grid,
                               float* grad_input, float* grad_grid, const GridSampleShape& shape,
                               ChannelLayout layout, const GridSampleOptions& options);

// Lower-level entries on device pointers (data already on the GPU): enqueue the kernels on the default
// stream and return without waiting; launch errors are thrown. The shape must be valid (not re-checked).
// For benchmarks that time the kernels alone (CudaEventTimer, ops/common/cuda_device.hpp).
void launch_grid_sample_forward_cuda(const float* input, const float* grid, float* output,
                                     const GridSampleShape& shape, ChannelLayout layout,
                                     const GridSampleOptions& options);
void launch_grid_sample_backward_cuda(const float* grad_output, const float* input, const float* grid,
                                      float* grad_input, float* grad_grid, const GridSampleShape& shape,
                                      ChannelLayout layout, const GridSampleOptions& options);

}  // namespace tilesim::ops
