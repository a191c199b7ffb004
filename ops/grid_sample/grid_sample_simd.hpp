#pragma once
// Channels-last inner loops of the grid_sample CPU reference, vectorised with Highway and dispatched at run
// time to the best instruction set of the host (grid_sample_simd.cpp). Each call handles one row of P output
// points whose taps are given as stencils; an outside tap (pixel < 0) reads `zeros` (C zeros) or writes
// `scratch`, which keeps the loops branch-free and gives PyTorch's 0 * weight for outside taps.
#include <cstdint>

#include "ops/grid_sample/grid_sample_stencil.hpp"

namespace tilesim::ops::detail {

// out[p * C + c] = sum_t st[p].weight[t] * in[st[p].pixel[t] * C + c]
#define TILESIM_GRID_SAMPLE_SIMD_DECLARE(K)                                                               \
    void forward_nhwc_row(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros,  \
                          int64_t channels, float* out);                                                  \
    /* dots[p * T + t] = sum_c gout[p * C + c] * in[st[p].pixel[t] * C + c] (T = K * K) */                \
    void tap_dots_nhwc_row(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros, \
                           int64_t channels, const float* gout, float* dots);                             \
    /* gin[st[p].pixel[t] * C + c0 + c] += st[p].weight[t] * gout[p * C + c0 + c] for c < count, in the   \
     * order */                                                                                           \
    /* p, t (outside taps add into scratch) */                                                            \
    void scatter_nhwc_row(const GridStencil<K>* st, int64_t points, float* gin, float* scratch,           \
                          int64_t channels, int64_t c0, int64_t count, const float* gout);

TILESIM_GRID_SAMPLE_SIMD_DECLARE(1)
TILESIM_GRID_SAMPLE_SIMD_DECLARE(2)
TILESIM_GRID_SAMPLE_SIMD_DECLARE(4)
#undef TILESIM_GRID_SAMPLE_SIMD_DECLARE

// NCHW loops over one channel plane and a row of P points, taps given structure-of-arrays: tap t of point p
// reads plane[index[t * S + p]] with weight[t * S + p], S = tap_stride >= P (the caller points outside taps
// at a valid pixel with weight 0 and fixes those points up afterwards). Vectorised over points with gathers.
// out[p] = sum_t weight[t * S + p] * plane[index[t * S + p]]
void gather_weighted_row(const float* plane, const int32_t* index, const float* weight, int taps,
                         int64_t tap_stride, int64_t points, float* out);
// out[p] = plane[index[p]] (nearest: one tap of weight 1, copied as PyTorch copies it)
void gather_row(const float* plane, const int32_t* index, int64_t points, float* out);
// Bilinear taps that are all inside (pixel o, o + 1, o + W, o + W + 1), read as two adjacent pairs:
// out[p] = (w_top[2p] * plane[o] + w_bottom[2p] * plane[o + W]) + (w_top[2p+1] * plane[o + 1] +
// w_bottom[2p+1] * plane[o + W + 1]) with o = byte_offset[p] / 4 and W = row_bytes / 4. Half the gathered
// elements of the generic loop.
void bilinear_pairs_row(const float* plane, const int64_t* byte_offset, int64_t row_bytes, const float* w_top,
                        const float* w_bottom, int64_t points, float* out);
// dots[t * S + p] += gout[p] * plane[index[t * S + p]]
void gather_dots_row(const float* plane, const int32_t* index, const float* gout, int taps,
                     int64_t tap_stride, int64_t points, float* dots);

}  // namespace tilesim::ops::detail
