#pragma once
// Vectorised inner loops of the correlation family (Highway, dispatched at run time to the best
// instruction set of the host: SSE4 / AVX2 / AVX-512). Every loop runs over a contiguous channel axis
// of channels-last data and accumulates in fp32. The per-element order of the gradient reductions
// (weighted_sum_rows, weighted_sign_diff_rows, scatter_scaled) is the order of `k`, whatever the
// vector width, so those results are identical from run to run and across thread counts.
#include <cstdint>

namespace tilesim::ops::detail {

// out[k] += sum_c a[c] * rows[k][c]          for k < count, c < n.
void dot_rows(const float* a, const float* const* rows, int count, int64_t n, float* out);

// out[k] += sum_c |a[c] - rows[k][c]|        (FlowNet's subtraction correlation).
void abs_diff_rows(const float* a, const float* const* rows, int count, int64_t n, float* out);

// out[c] += sum_k weights[k] * rows[k][c]    (k in order).
void weighted_sum_rows(const float* weights, const float* const* rows, int count, int64_t n, float* out);

// out[c] += sum_k weights[k] * sign(self[c] - rows[k][c]), sign(0) = 0 (the derivative of |self - row|
// that autograd uses).
void weighted_sign_diff_rows(const float* self, const float* weights, const float* const* rows, int count,
                             int64_t n, float* out);

// outs[k][c] += weights[k] * x[c]             (one source scattered into `count` rows).
void scatter_scaled(const float* x, const float* weights, float* const* outs, int count, int64_t n);

// out[i * ldo + j] = (sum_c a[i * lda + c] * b[c * ldb + j]) / divisor  for i < m, j < cols, c < depth:
// A (rows channels-last) times B (channels-first), as torch.matmul(f1ᵀ, f2) in RAFT's CorrBlock.
void matmul_rows_by_channels_first(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m,
                                   int64_t cols, int64_t depth, float divisor, float* out, int64_t ldo);

// Channels-first: out[x] = sum_c a[c * plane + a_offset + x] * b[c * plane + b_offset + x] for x in
// [first, last), c in order (one FMA chain per output): the dot products of two shifted image rows over
// every channel plane, vectorised over x.
void shifted_row_dots(const float* a, int64_t a_offset, const float* b, int64_t b_offset, int64_t channels,
                      int64_t plane, int64_t first, int64_t last, float* out);
// The same for `count` shifts of b over one range of x (outs[k] with b_offsets[k]): input1's rows are
// loaded once for up to four shifts.
void shifted_row_dots_many(const float* a, int64_t a_offset, const float* b, const int64_t* b_offsets,
                           int count, int64_t channels, int64_t plane, int64_t first, int64_t last,
                           float* const* outs);

}  // namespace tilesim::ops::detail
