// Highway kernel of the channels-first correlation fast path (correlation_simd.hpp): dot products over
// channels of two shifted image rows, vectorised over output columns, so that no horizontal reduction is
// needed (the channels-last kernels reduce every dot product across lanes, which dominates when there are
// few channels). Compiled once per instruction set and dispatched at run time.
#include "ops/correlation/correlation_simd.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/correlation/correlation_nchw_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void ShiftedRowDots(const float* HWY_RESTRICT a, int64_t a_offset, const float* HWY_RESTRICT b,
                    int64_t b_offset, int64_t channels, int64_t plane, int64_t first, int64_t last,
                    float* HWY_RESTRICT out) {
    const hn::ScalableTag<float> d;
    const auto N = static_cast<int64_t>(hn::Lanes(d));
    int64_t x = first;
    // Four vectors of outputs at a time: four independent FMA chains over the channels.
    for (; x + 4 * N <= last; x += 4 * N) {
        auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
        for (int64_t c = 0; c < channels; ++c) {
            const float* pa = a + (c * plane + a_offset + x);
            const float* pb = b + (c * plane + b_offset + x);
            s0 = hn::MulAdd(hn::LoadU(d, pa), hn::LoadU(d, pb), s0);
            s1 = hn::MulAdd(hn::LoadU(d, pa + N), hn::LoadU(d, pb + N), s1);
            s2 = hn::MulAdd(hn::LoadU(d, pa + 2 * N), hn::LoadU(d, pb + 2 * N), s2);
            s3 = hn::MulAdd(hn::LoadU(d, pa + 3 * N), hn::LoadU(d, pb + 3 * N), s3);
        }
        hn::StoreU(s0, d, out + x);
        hn::StoreU(s1, d, out + x + N);
        hn::StoreU(s2, d, out + x + 2 * N);
        hn::StoreU(s3, d, out + x + 3 * N);
    }
    for (; x + N <= last; x += N) {
        auto s = hn::Zero(d);
        for (int64_t c = 0; c < channels; ++c)
            s = hn::MulAdd(hn::LoadU(d, a + (c * plane + a_offset + x)),
                           hn::LoadU(d, b + (c * plane + b_offset + x)), s);
        hn::StoreU(s, d, out + x);
    }
    for (; x < last; ++x) {
        float s = 0.f;
        for (int64_t c = 0; c < channels; ++c) s += a[c * plane + a_offset + x] * b[c * plane + b_offset + x];
        out[x] = s;
    }
}

// Two shifts of b at once: each load of a serves two FMA chains (1.5 loads per FMA instead of 2).
void ShiftedRowDotsPair(const float* HWY_RESTRICT a, int64_t a_offset, const float* HWY_RESTRICT b,
                        int64_t b_offset0, int64_t b_offset1, int64_t channels, int64_t plane, int64_t first,
                        int64_t last, float* HWY_RESTRICT out0, float* HWY_RESTRICT out1) {
    const hn::ScalableTag<float> d;
    const auto N = static_cast<int64_t>(hn::Lanes(d));
    int64_t x = first;
    for (; x + 2 * N <= last; x += 2 * N) {
        auto s0 = hn::Zero(d), s1 = hn::Zero(d), t0 = hn::Zero(d), t1 = hn::Zero(d);
        for (int64_t c = 0; c < channels; ++c) {
            const float* pa = a + (c * plane + a_offset + x);
            const float* pb0 = b + (c * plane + b_offset0 + x);
            const float* pb1 = b + (c * plane + b_offset1 + x);
            const auto a0 = hn::LoadU(d, pa), a1 = hn::LoadU(d, pa + N);
            s0 = hn::MulAdd(a0, hn::LoadU(d, pb0), s0);
            s1 = hn::MulAdd(a1, hn::LoadU(d, pb0 + N), s1);
            t0 = hn::MulAdd(a0, hn::LoadU(d, pb1), t0);
            t1 = hn::MulAdd(a1, hn::LoadU(d, pb1 + N), t1);
        }
        hn::StoreU(s0, d, out0 + x);
        hn::StoreU(s1, d, out0 + x + N);
        hn::StoreU(t0, d, out1 + x);
        hn::StoreU(t1, d, out1 + x + N);
    }
    ShiftedRowDots(a, a_offset, b, b_offset0, channels, plane, x, last, out0);
    ShiftedRowDots(a, a_offset, b, b_offset1, channels, plane, x, last, out1);
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(ShiftedRowDots);
HWY_EXPORT(ShiftedRowDotsPair);

void shifted_row_dots_pair(const float* a, int64_t a_offset, const float* b, int64_t b_offset0,
                           int64_t b_offset1, int64_t channels, int64_t plane, int64_t first, int64_t last,
                           float* out0, float* out1) {
    HWY_DYNAMIC_DISPATCH(ShiftedRowDotsPair)
    (a, a_offset, b, b_offset0, b_offset1, channels, plane, first, last, out0, out1);
}

void shifted_row_dots(const float* a, int64_t a_offset, const float* b, int64_t b_offset, int64_t channels,
                      int64_t plane, int64_t first, int64_t last, float* out) {
    HWY_DYNAMIC_DISPATCH(ShiftedRowDots)(a, a_offset, b, b_offset, channels, plane, first, last, out);
}

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
