// Highway kernel for the channel transposes (channel_layout.cpp): one block of a row-major matrix
// written transposed, in 4 x 4 tiles of 128-bit vectors (every target has them; a 4 x 4 transpose is
// eight lane shuffles). Compiled once per instruction set and dispatched at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/common/transpose_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/common/transpose_simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void TransposeBlock(const float* HWY_RESTRICT in, size_t in_stride, float* HWY_RESTRICT out,
                    size_t out_stride, size_t rows, size_t cols) {
    size_t r = 0;
#if HWY_TARGET != HWY_SCALAR  // the scalar target has no 128-bit vectors: it takes the edge loop below
    const hn::Full128<float> d;
    const hn::Full128<double> d64;
    for (; r + 4 <= rows; r += 4) {
        const float* s = in + r * in_stride;
        size_t c = 0;
        for (; c + 4 <= cols; c += 4) {
            const auto r0 = hn::LoadU(d, s + c), r1 = hn::LoadU(d, s + in_stride + c);
            const auto r2 = hn::LoadU(d, s + 2 * in_stride + c), r3 = hn::LoadU(d, s + 3 * in_stride + c);
            // (a0 b0 a1 b1), (c0 d0 c1 d1), (a2 b2 a3 b3), (c2 d2 c3 d3); then pairs of 64-bit halves.
            const auto ab01 = hn::BitCast(d64, hn::InterleaveLower(d, r0, r1));
            const auto cd01 = hn::BitCast(d64, hn::InterleaveLower(d, r2, r3));
            const auto ab23 = hn::BitCast(d64, hn::InterleaveUpper(d, r0, r1));
            const auto cd23 = hn::BitCast(d64, hn::InterleaveUpper(d, r2, r3));
            float* o = out + c * out_stride + r;
            hn::StoreU(hn::BitCast(d, hn::InterleaveLower(d64, ab01, cd01)), d, o);
            hn::StoreU(hn::BitCast(d, hn::InterleaveUpper(d64, ab01, cd01)), d, o + out_stride);
            hn::StoreU(hn::BitCast(d, hn::InterleaveLower(d64, ab23, cd23)), d, o + 2 * out_stride);
            hn::StoreU(hn::BitCast(d, hn::InterleaveUpper(d64, ab23, cd23)), d, o + 3 * out_stride);
        }
        for (; c < cols; ++c)
            for (size_t i = 0; i < 4; ++i) out[c * out_stride + r + i] = s[i * in_stride + c];
    }
#endif
    for (; r < rows; ++r)
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
}  // namespace tilesim::ops::detail
#endif
