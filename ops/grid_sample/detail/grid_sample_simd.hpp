#pragma once
// Channels-last inner loops of the grid_sample CPU reference, vectorised with Highway and dispatched at run
// time to the best instruction set of the host (grid_sample_simd.cpp). Each call handles one row of P output
// points whose taps are given as stencils; an outside tap (pixel < 0) reads `zeros` (C zeros) or writes
// `scratch`, which keeps the loops branch-free and gives PyTorch's 0 * weight for outside taps.
#include <cstdint>

#include "ops/grid_sample/detail/grid_sample_stencil.hpp"

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
// NCHW by gathering taps (grid_sample_forward_nchw_gather.cpp). The next two read taps for points [0,
// round_up(P, L)) (the caller pads them) and write out[0, P); every point takes the channels-last kernel's
// arithmetic (w0 * v0, then fused multiply-adds in tap order; an outside tap reads 0). out[p] = sum_t
// weight[t * S + p] * (index[t * S + p] >= 0 ? plane[index[t * S + p]] : 0); weight == nullptr: one tap of
// weight 1, copied.
void masked_gather_row(const float* plane, const int32_t* index, const float* weight, int taps,
                       int64_t tap_stride, int64_t points, float* out);
// Bilinear, reading each stencil row (j = 0 top, 1 bottom) as one 64-bit gather of the pixel pair at
// base[j * S + p] (always a valid pair of the plane). code[p]: bit (1 << t) set when tap t (nw, ne, sw, se)
// is inside; kPairShiftLeft: the pair holds (ne, -) (the left tap is column -1); kPairShiftRight: it holds
// (-, nw) (the right tap is column W).
inline constexpr int32_t kPairShiftLeft = 16, kPairShiftRight = 32;
void bilinear_pair_row(const float* plane, const int32_t* base, const int32_t* code, const float* weight,
                       int64_t stride, int64_t points, float* out);
// Channels of one image in blocks of kChannelBlockWidth, channels-last inside a block:
// blocked[pixel * kChannelBlockWidth + c]. out[c * out_stride + p] = sum_t weight[t * S + p] *
// blocked[index[t * S + p] * kChannelBlockWidth + c] for c < kChannelBlockWidth, with `zeros`
// (kChannelBlockWidth zeros) read where index < 0; the arithmetic above. taps: 1 (weight == nullptr, copied),
// 4 or 16.
inline constexpr int64_t kChannelBlockWidth = 16;
void blocked_gather_planes(const float* blocked, const float* zeros, const int32_t* index,
                           const float* weight, int taps, int64_t tap_stride, int64_t points, float* out,
                           int64_t out_stride);
// out[p * kChannelBlockWidth + c] = in[c * in_stride + p] for p < pixels, c < channels (at most
// kChannelBlockWidth); the lanes c >= channels are set to 0.
void block_channels(const float* in, int64_t in_stride, int64_t channels, int64_t pixels, float* out);
// The inverse: out[c * out_stride + p] = in[p * kChannelBlockWidth + c] for p < pixels, c < channels.
void unblock_channels(const float* in, int64_t pixels, int64_t channels, float* out, int64_t out_stride);
// make_stencil()'s pixels (-1 outside) and weights for zeros padding, nearest (taps 1, weight unused) or
// bilinear (taps 4), as index[t * stride + p] and weight[t * stride + p], for the first points of the grid
// (x, y pairs) that fill whole vectors; returns how many (the caller does the rest).
int64_t zeros_padding_taps(const float* grid, int64_t points, int64_t h, int64_t w, bool align_corners,
                           int taps, int32_t* index, float* weight, int64_t stride);
// dots[t * S + p] += gout[p] * plane[index[t * S + p]]
void gather_dots_row(const float* plane, const int32_t* index, const float* gout, int taps,
                     int64_t tap_stride, int64_t points, float* dots);

// NCHW backward in channel blocks (grid_sample_backward_nchw.cpp): one image's blocks of 16 channels,
// channels-last inside a block, block b of `in` at in + b * in_block_stride (pixel i at + i * 16) and of
// `gout` at gout + b * gout_block_stride (point p at + p * 16); taps as above (index < 0: outside).
// dots[p * taps + t] = sum over blocks b and lanes c of gout[b][p][c] * in[b][index[t * S + p]][c]
// (outside taps read 0), for taps 4 or 16.
void blocked_tap_dots(const float* in, int64_t in_block_stride, const float* gout, int64_t gout_block_stride,
                      int64_t blocks, const int32_t* index, int taps, int64_t stride, int64_t points,
                      float* dots);
// acc[(index[t * S + p] - first_pixel) * 16 + c] += weight[t * S + p] * gout[p * 16 + c] for p < points in
// order, then t, for the taps that read pixels [first_pixel, first_pixel + pixels) (the others add into
// scratch, kBlockedScatterScratchRows * 16 floats); weight == nullptr: one tap of weight 1, added.
inline constexpr int64_t kBlockedScatterScratchRows = 8;
void blocked_scatter(float* acc, float* scratch, const float* gout, const int32_t* index, const float* weight,
                     int taps, int64_t stride, int64_t points, int32_t first_pixel, int32_t pixels);

}  // namespace tilesim::ops::detail
