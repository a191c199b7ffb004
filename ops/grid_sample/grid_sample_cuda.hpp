#pragma once
// CUDA reference of grid_sample (built when CMake finds the CUDA toolkit). Same contract as the CPU
// reference; host pointers in and out. Throws BackendUnavailable when built without CUDA or when no
// CUDA device is present.
#include "ops/grid_sample/grid_sample_reference.hpp"

namespace tilesim::ops {

void grid_sample_forward_cuda(const float* input, const float* grid, float* output, const GridSampleShape& shape,
                              ChannelLayout layout, const GridSampleOptions& options);
void grid_sample_backward_cuda(const float* grad_output, const float* input, const float* grid, float* grad_input,
                               float* grad_grid, const GridSampleShape& shape, ChannelLayout layout,
                               const GridSampleOptions& options);

}  // namespace tilesim::ops
