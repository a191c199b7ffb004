// Highway kernel of the channels-first correlation fast path (correlation_simd.hpp): dot products over
// channels of two shifted image rows, vectorised over output columns, so that no horizontal reduction is
// needed (the channels-last kernels reduce every dot product across lanes, which dominates when there are
// few channels). Compiled once per instruction set and dispatched at run time.
#include "ops/correlation/detail/correlation_simd.hpp"

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

// K shifts of b at once: each load of a serves K FMA chains ((1 + K) / K loads per FMA instead of 2).
template <int K>
void ShiftedRowDotsK(const float* HWY_RESTRICT a, int64_t a_offset, const float* HWY_RESTRICT b,
                     const int64_t* b_offsets, int64_t channels, int64_t plane, int64_t first, int64_t last,
                     float* const* outs) {
    const hn::ScalableTag<float> d;
    const auto N = static_cast<int64_t>(hn::Lanes(d));
    int64_t x = first;
    for (; x + 2 * N <= last; x += 2 * N) {
        hn::Vec<decltype(d)> lo[K], hi[K];
        for (int k = 0; k < K; ++k) lo[k] = hi[k] = hn::Zero(d);
        for (int64_t c = 0; c < channels; ++c) {
            const float* pa = a + (c * plane + a_offset + x);
            const auto a0 = hn::LoadU(d, pa), a1 = hn::LoadU(d, pa + N);
            for (int k = 0; k < K; ++k) {
                const float* pb = b + (c * plane + b_offsets[k] + x);
                lo[k] = hn::MulAdd(a0, hn::LoadU(d, pb), lo[k]);
                hi[k] = hn::MulAdd(a1, hn::LoadU(d, pb + N), hi[k]);
            }
        }
        for (int k = 0; k < K; ++k) {
            hn::StoreU(lo[k], d, outs[k] + x);
            hn::StoreU(hi[k], d, outs[k] + x + N);
        }
    }
    for (int k = 0; k < K; ++k)
        ShiftedRowDots(a, a_offset, b, b_offsets[k], channels, plane, x, last, outs[k]);
}

void ShiftedRowDotsMany(const float* a, int64_t a_offset, const float* b, const int64_t* b_offsets, int count,
                        int64_t channels, int64_t plane, int64_t first, int64_t last, float* const* outs) {
    int k = 0;
    for (; k + 4 <= count; k += 4)
        ShiftedRowDotsK<4>(a, a_offset, b, b_offsets + k, channels, plane, first, last, outs + k);
    for (; k + 2 <= count; k += 2)
        ShiftedRowDotsK<2>(a, a_offset, b, b_offsets + k, channels, plane, first, last, outs + k);
    for (; k < count; ++k)
        ShiftedRowDots(a, a_offset, b, b_offsets[k], channels, plane, first, last, outs[k]);
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(ShiftedRowDots);
HWY_EXPORT(ShiftedRowDotsMany);

void shifted_row_dots(const float* a, int64_t a_offset, const float* b, int64_t b_offset, int64_t channels,
                      int64_t plane, int64_t first, int64_t last, float* out) {
    HWY_DYNAMIC_DISPATCH(ShiftedRowDots)(a, a_offset, b, b_offset, channels, plane, first, last, out);
}

void shifted_row_dots_many(const float* a, int64_t a_offset, const float* b, const int64_t* b_offsets,
                           int count, int64_t channels, int64_t plane, int64_t first, int64_t last,
                           float* const* outs) {
    HWY_DYNAMIC_DISPATCH(ShiftedRowDotsMany)
    (a, a_offset, b, b_offsets, count, channels, plane, first, last, outs);
}

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
