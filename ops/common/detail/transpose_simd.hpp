#pragma once
// out[c * out_stride + r] = in[r * in_stride + c] for r < rows, c < cols: one block of a float matrix
// transposed with SIMD shuffles (transpose_simd.cpp). The blocks of a large transpose are the caller's.
#include <cstddef>

namespace tilesim::ops::detail {

void transpose_block(const float* in, std::size_t in_stride, float* out, std::size_t out_stride,
                     std::size_t rows, std::size_t cols);

// out[p][c][r] = in[p][r][c] for each of `planes` planes of rows x cols values: 64 x 64 blocks of
// transpose_block, in parallel on oneTBB's threads.
void transpose_planes(const float* in, float* out, std::size_t planes, std::size_t rows, std::size_t cols);

}  // namespace tilesim::ops::detail
