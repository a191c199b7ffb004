#pragma once
// Marks small inline math helpers that the CPU reference, the CUDA reference and the simulated kernels
// share, so that the three paths cannot drift apart.
#if defined(__CUDACC__)
#define TILESIM_HD __host__ __device__ __forceinline__
#else
#define TILESIM_HD inline
#endif
