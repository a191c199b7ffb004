#pragma once
// For .cu files only: checked CUDA calls and launches, and the launch geometry the reference kernels use.
// Every CUDA runtime call goes through TILESIM_CUDA_CHECK; every kernel launch is followed by
// TILESIM_CUDA_CHECK_LAUNCH() so a bad configuration is reported where it happened.
#include <cuda_runtime.h>

#include <cstdint>

namespace tilesim::ops::cuda {

// Throws tilesim::Error "CUDA error in <call> at <file>:<line>: <message>". Defined in cuda_device.cpp
// (plain C++, so that nvcc never compiles tilesim/error.hpp and fmt).
[[noreturn]] void throw_cuda_error(const char* file, int line, const char* call, const char* message);

inline constexpr int kBlockSize = 256;

// Blocks for `threads` threads of kBlockSize; kernels use grid-stride loops, so the count is capped.
inline unsigned blocks_for(int64_t threads) {
    const int64_t blocks = (threads + kBlockSize - 1) / kBlockSize;
    const int64_t cap = int64_t{1} << 20;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > cap ? cap : blocks));
}

// First index and stride of a grid-stride loop over [0, n) in 64-bit.
__device__ __forceinline__ int64_t grid_first() {
    return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t grid_stride() {
    return static_cast<int64_t>(gridDim.x) * blockDim.x;
}

}  // namespace tilesim::ops::cuda

#define TILESIM_CUDA_CHECK(expr)                                                              \
    do {                                                                                      \
        const cudaError_t tilesim_cuda_status_ = (expr);                                      \
        if (tilesim_cuda_status_ != cudaSuccess) {                                            \
            ::tilesim::ops::cuda::throw_cuda_error(__FILE__, __LINE__, #expr,                 \
                                                   cudaGetErrorString(tilesim_cuda_status_)); \
        }                                                                                     \
    } while (0)

// After a <<<...>>> launch: configuration errors are reported by cudaGetLastError.
#define TILESIM_CUDA_CHECK_LAUNCH() TILESIM_CUDA_CHECK(cudaGetLastError())

// Grid-stride loop over int64 indices [0, n).
#define TILESIM_CUDA_FOR(i, n) \
    for (int64_t i = ::tilesim::ops::cuda::grid_first(); i < (n); i += ::tilesim::ops::cuda::grid_stride())
