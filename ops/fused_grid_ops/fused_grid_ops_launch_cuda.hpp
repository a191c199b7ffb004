#pragma once
// sample_sum / sample_dot CUDA kernels on device pointers (data already on the GPU), for the host
// wrappers of fused_grid_ops_cuda.hpp and for benchmarks that time the kernels alone. Each call enqueues
// its kernels on the default stream and returns without waiting; launch errors are thrown. Sizes must be
// valid (as the CPU references check them); they are not re-checked. Plain C++17 for nvcc and host code.
#include <cstdint>

namespace tilesim::ops {

// images [batch, channels, height, width]; samples [batch, queries, depth, 2]; weights or grad_output
// [batch, heads, queries, depth or channels]; queries [batch, heads, queries, channels - 2 num_octaves];
// depths [batch, queries, depth]. num_octaves is used by sample_dot only.
struct FusedGridCudaDims {
    int64_t batch, channels, height, width, queries, depth, heads, num_octaves;
};

void launch_sample_sum_forward_cuda(const float* images, const float* samples, const float* weights,
                                    float* output, const FusedGridCudaDims& dims);
void launch_sample_sum_backward_cuda(const float* images, const float* samples, const float* weights,
                                     const float* grad_output, float* grad_images, float* grad_samples,
                                     float* grad_weights, const FusedGridCudaDims& dims);

void launch_sample_dot_forward_cuda(const float* images, const float* samples, const float* queries,
                                    const float* depths, float* output, const FusedGridCudaDims& dims);
void launch_sample_dot_backward_cuda(const float* images, const float* samples, const float* queries,
                                     const float* depths, const float* grad_output, float* grad_images,
                                     float* grad_samples, float* grad_queries, float* grad_depths,
                                     const FusedGridCudaDims& dims);

}  // namespace tilesim::ops
