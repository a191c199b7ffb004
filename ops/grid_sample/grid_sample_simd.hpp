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

// NCHW loops: one channel plane and a row of P points, vectorised over groups of L = simd_float_lanes()
// consecutive points; taps structure-of-arrays, tap t of point p at [t * S + p] (S = tap_stride >= P).

// Lanes of a float vector in the instruction set the kernels below run with.
int64_t simd_float_lanes();

// Windows per tap and group in window_gather_row.
inline constexpr int kMaxWindows = 8;

// out[p] = sum_t weight[t * S + p] * value of tap t (weight == nullptr: one tap of weight 1, copied). For
// each full group g (points g * L ..) and tap t, windows[t * window_stride + kMaxWindows * g + r] is the
// first pixel of the r-th L-wide window of the plane (-1: unused) and index holds r * L + lane; the group
// reads each window with one load and a lane permute. When the first window is -1 the group gathers and
// index holds plane indices, as it does for the last, partial group. The caller points outside taps at a
// valid pixel with weight 0 and fixes those points up afterwards.
void window_gather_row(const float* plane, const int32_t* index, const float* weight, const int32_t* windows,
                       int taps, int64_t tap_stride, int64_t window_stride, int64_t points, float* out);
// dots[t * S + p] += gout[p] * plane[index[t * S + p]]
void gather_dots_row(const float* plane, const int32_t* index, const float* gout, int taps,
                     int64_t tap_stride, int64_t points, float* dots);

}  // namespace tilesim::ops::detail
