// Highway kernel for the channel transposes (channel_layout.cpp): one block of a row-major matrix
// written transposed, in 4 x 4 tiles of 128-bit vectors (every target but the scalar one has them; a
// 4 x 4 transpose is eight lane shuffles). Compiled once per instruction set, dispatched at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/common/transpose_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/common/detail/transpose_simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET != HWY_SCALAR
// The 4 x 4 tile at (r, c): rows r..r+3 of `in`, columns c..c+3, written as rows c..c+3 of `out`.
HWY_INLINE void Transpose4x4(const float* HWY_RESTRICT in, size_t in_stride, float* HWY_RESTRICT out,
                             size_t out_stride) {
    const hn::Full128<float> d;
    const hn::Full128<double> d64;
    const auto r0 = hn::LoadU(d, in), r1 = hn::LoadU(d, in + in_stride);
    const auto r2 = hn::LoadU(d, in + 2 * in_stride), r3 = hn::LoadU(d, in + 3 * in_stride);
    // (a0 b0 a1 b1), (c0 d0 c1 d1), (a2 b2 a3 b3), (c2 d2 c3 d3); then pairs of 64-bit halves.
    const auto ab01 = hn::BitCast(d64, hn::InterleaveLower(d, r0, r1));
    const auto cd01 = hn::BitCast(d64, hn::InterleaveLower(d, r2, r3));
    const auto ab23 = hn::BitCast(d64, hn::InterleaveUpper(d, r0, r1));
    const auto cd23 = hn::BitCast(d64, hn::InterleaveUpper(d, r2, r3));
    hn::StoreU(hn::BitCast(d, hn::InterleaveLower(d64, ab01, cd01)), d, out);
    hn::StoreU(hn::BitCast(d, hn::InterleaveUpper(d64, ab01, cd01)), d, out + out_stride);
    hn::StoreU(hn::BitCast(d, hn::InterleaveLower(d64, ab23, cd23)), d, out + 2 * out_stride);
    hn::StoreU(hn::BitCast(d, hn::InterleaveUpper(d64, ab23, cd23)), d, out + 3 * out_stride);
}
#endif

void TransposeBlock(const float* HWY_RESTRICT in, size_t in_stride, float* HWY_RESTRICT out,
                    size_t out_stride, size_t rows, size_t cols) {
    size_t full_rows = 0, full_cols = 0;
#if HWY_TARGET != HWY_SCALAR  // the scalar target has no 128-bit vectors: it takes the edge loops below
    full_rows = rows / 4 * 4;
    full_cols = cols / 4 * 4;
    // The inner loop runs along the side with the larger stride, so that at any time only four of its
    // lines are in flight: large power-of-two strides map every line of a column to one cache set.
    if (out_stride > in_stride) {
        for (size_t c = 0; c < full_cols; c += 4)
            for (size_t r = 0; r < full_rows; r += 4)
                Transpose4x4(in + r * in_stride + c, in_stride, out + c * out_stride + r, out_stride);
    } else {
        for (size_t r = 0; r < full_rows; r += 4)
            for (size_t c = 0; c < full_cols; c += 4)
                Transpose4x4(in + r * in_stride + c, in_stride, out + c * out_stride + r, out_stride);
    }
#endif
    for (size_t r = 0; r < full_rows; ++r)  // ragged right edge
        for (size_t c = full_cols; c < cols; ++c) out[c * out_stride + r] = in[r * in_stride + c];
    for (size_t r = full_rows; r < rows; ++r)  // ragged bottom edge
        for (size_t c = 0; c < cols; ++c) out[c * out_stride + r] = in[r * in_stride + c];
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {
HWY_EXPORT(TransposeBlock);

void transpose_block(const float* in, size_t in_stride, float* out, size_t out_stride, size_t rows,
                     size_t cols) {
    HWY_DYNAMIC_DISPATCH(TransposeBlock)(in, in_stride, out, out_stride, rows, cols);
}

void transpose_planes(const float* in, float* out, size_t planes, size_t rows, size_t cols) {
    constexpr size_t kBlock = 64;  // 64 x 64 floats: both sides of a block stay in the first-level cache
    const size_t plane = rows * cols;
    const size_t col_blocks = (cols + kBlock - 1) / kBlock;
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<size_t>(0, planes * col_blocks, 16), [&](const auto& range) {
            for (size_t job = range.begin(); job < range.end(); ++job) {
                const float* s = in + (job / col_blocks) * plane;
                float* d = out + (job / col_blocks) * plane;
                const size_t b0 = (job % col_blocks) * kBlock, b1 = std::min(cols, b0 + kBlock);
                for (size_t a0 = 0; a0 < rows; a0 += kBlock) {
                    const size_t a1 = std::min(rows, a0 + kBlock);
                    transpose_block(s + a0 * cols + b0, cols, d + b0 * rows + a0, rows, a1 - a0, b1 - b0);
                }
            }
        });
}
}  // namespace tilesim::ops::detail
#endif
