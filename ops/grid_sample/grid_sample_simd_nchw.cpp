// Highway kernels for grid_sample's NCHW loops (see grid_sample_simd.hpp): one channel plane, a row of
// points, vectorised over points. Compiled once per instruction set (hwy/foreach_target.h) and dispatched
// at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/grid_sample/grid_sample_simd_nchw.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/grid_sample/detail/grid_sample_simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

int64_t FloatLanes() {
    return static_cast<int64_t>(hn::Lanes(hn::ScalableTag<float>()));
}

// Values of one tap for the L points of a group: a load and a lane permute per window of the plane that
// holds some of the group's sources, or a gather.
template <class D, class VI>
HWY_INLINE hn::Vec<D> tap_values(D d, const float* plane, VI idx, const int32_t* window) {
    if (window[0] < 0) return hn::GatherIndex(d, plane, idx);
    const hn::RebindToSigned<D> di;
    const int32_t lanes = static_cast<int32_t>(hn::Lanes(d));
    const auto lane = hn::IndicesFromVec(d, hn::And(idx, hn::Set(di, lanes - 1)));
    auto v = hn::TableLookupLanes(hn::LoadU(d, plane + window[0]), lane);
    for (int r = 1; r < kMaxWindows && window[r] >= 0; ++r) {
        const auto earlier = hn::RebindMask(d, hn::Lt(idx, hn::Set(di, r * lanes)));
        v = hn::IfThenElse(earlier, v, hn::TableLookupLanes(hn::LoadU(d, plane + window[r]), lane));
    }
    return v;
}

void WindowGatherRow(const float* plane, const int32_t* index, const float* weight, const int32_t* windows,
                     int taps, int64_t tap_stride, int64_t window_stride, int64_t points, float* out) {
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    int64_t p = 0;
    for (int64_t g = 0; p + lanes <= points; p += lanes, ++g) {
        auto acc = tap_values(d, plane, hn::LoadU(di, index + p), windows + kMaxWindows * g);
        if (weight) acc = hn::Mul(hn::LoadU(d, weight + p), acc);
        for (int t = 1; t < taps; ++t) {
            const int64_t o = t * tap_stride + p;
            acc = hn::MulAdd(
                hn::LoadU(d, weight + o),
                tap_values(d, plane, hn::LoadU(di, index + o), windows + t * window_stride + kMaxWindows * g),
                acc);
        }
        hn::StoreU(acc, d, out + p);
    }
    for (; p < points; ++p) {  // the last, partial group: plane indices
        float acc = weight ? weight[p] * plane[index[p]] : plane[index[p]];
        for (int t = 1; t < taps; ++t) acc += weight[t * tap_stride + p] * plane[index[t * tap_stride + p]];
        out[p] = acc;
    }
}

// Partial last group: the full-vector arithmetic on padded taps, storing only the points that exist, so that
// every point gets the same operations whatever its position.
template <class D, class V>
HWY_INLINE void store_points(D d, V v, int64_t count, float* out) {
    if (count >= static_cast<int64_t>(hn::Lanes(d))) {
        hn::StoreU(v, d, out);
    } else {
        hn::BlendedStore(v, hn::FirstN(d, static_cast<size_t>(count)), d, out);
    }
}

void MaskedGatherRow(const float* plane, const int32_t* index, const float* weight, int taps,
                     int64_t tap_stride, int64_t points, float* out) {
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    for (int64_t p = 0; p < points; p += lanes) {
        auto acc = hn::Zero(d);
        for (int t = 0; t < taps; ++t) {
            const auto idx = hn::LoadU(di, index + t * tap_stride + p);
            const auto inside = hn::RebindMask(d, hn::Gt(idx, hn::Set(di, -1)));
            const auto v = hn::IfThenElseZero(inside, hn::GatherIndex(d, plane, hn::Max(idx, hn::Zero(di))));
            if (!weight) {
                acc = v;
            } else if (t == 0) {
                acc = hn::Mul(hn::LoadU(d, weight + p), v);
            } else {
                acc = hn::MulAdd(hn::LoadU(d, weight + t * tap_stride + p), v, acc);
            }
        }
        store_points(d, acc, points - p, out + p);
    }
}

// Pixel pairs of one stencil row for the L points at `base`: two 64-bit gathers, split into the left (lo)
// and right (hi) pixel of each pair.
template <class D>
HWY_INLINE void gather_pairs(D d, const float* plane, const int32_t* base, hn::Vec<D>& lo, hn::Vec<D>& hi) {
#if HWY_TARGET == HWY_SCALAR  // one lane: two loads
    lo = hn::Set(d, plane[base[0]]);
    hi = hn::Set(d, plane[base[0] + 1]);
#else
    const hn::Repartition<int64_t, D> d64;
    const hn::Repartition<uint64_t, D> du64;
    const hn::Rebind<int32_t, decltype(d64)> d32;
    const auto* plane64 = reinterpret_cast<const uint64_t*>(plane);  // byte offsets: pairs need no alignment
    const size_t half = hn::Lanes(d64);
    const auto first =
        hn::GatherOffset(du64, plane64, hn::ShiftLeft<2>(hn::PromoteTo(d64, hn::LoadU(d32, base))));
    const auto second =
        hn::GatherOffset(du64, plane64, hn::ShiftLeft<2>(hn::PromoteTo(d64, hn::LoadU(d32, base + half))));
    lo = hn::ConcatEven(d, hn::BitCast(d, second), hn::BitCast(d, first));
    hi = hn::ConcatOdd(d, hn::BitCast(d, second), hn::BitCast(d, first));
#endif
}

void BilinearPairRow(const float* plane, const int32_t* base, const int32_t* code, const float* weight,
                     int64_t stride, int64_t points, float* out) {
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    const auto bit = [&](const auto& c, int32_t b) {
        return hn::RebindMask(d, hn::TestBit(c, hn::Set(di, b)));
    };
    for (int64_t p = 0; p < points; p += lanes) {
        const auto c = hn::LoadU(di, code + p);
        const auto shift_left = bit(c, kPairShiftLeft), shift_right = bit(c, kPairShiftRight);
        hn::Vec<decltype(d)> lo, hi;
        gather_pairs(d, plane, base + p, lo, hi);
        auto acc = hn::Mul(hn::LoadU(d, weight + p),
                           hn::IfThenElseZero(bit(c, 1), hn::IfThenElse(shift_right, hi, lo)));
        acc = hn::MulAdd(hn::LoadU(d, weight + stride + p),
                         hn::IfThenElseZero(bit(c, 2), hn::IfThenElse(shift_left, lo, hi)), acc);
        gather_pairs(d, plane, base + stride + p, lo, hi);
        acc = hn::MulAdd(hn::LoadU(d, weight + 2 * stride + p),
                         hn::IfThenElseZero(bit(c, 4), hn::IfThenElse(shift_right, hi, lo)), acc);
        acc = hn::MulAdd(hn::LoadU(d, weight + 3 * stride + p),
                         hn::IfThenElseZero(bit(c, 8), hn::IfThenElse(shift_left, lo, hi)), acc);
        store_points(d, acc, points - p, out + p);
    }
}

// The 16 channels of one point from a channel block, as the channels-last kernel computes them.
template <int T, bool Weighted, class D>
HWY_INLINE hn::Vec<D> block_point(D d, const float* blocked, const float* zeros, const int32_t* index,
                                  const float* weight, int64_t stride, int64_t c) {
    const float* src[T];
    for (int t = 0; t < T; ++t) {
        const int32_t i = index[t * stride];
        src[t] = i >= 0 ? blocked + int64_t{i} * kChannelBlockWidth : zeros;
    }
    auto acc = hn::LoadU(d, src[0] + c);
    if constexpr (Weighted) {
        acc = hn::Mul(hn::Set(d, weight[0]), acc);
        for (int t = 1; t < T; ++t)
            acc = hn::MulAdd(hn::Set(d, weight[t * stride]), hn::LoadU(d, src[t] + c), acc);
    }
    return acc;
}

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// r[i][j] <- r[j][i] for a 16 x 16 block of floats in registers (unpack, then 128-bit lane shuffles).
HWY_INLINE void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; ++i) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; ++i) {
        const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 2]);
        const __m512d c = _mm512_castps_pd(t[4 * i + 1]), e = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, e));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, e));
    }
    for (int h = 0; h < 2; ++h) {
        for (int i = 0; i < 4; ++i) {
            t[8 * h + i] = _mm512_shuffle_f32x4(r[8 * h + i], r[8 * h + i + 4], 0x88);
            t[8 * h + i + 4] = _mm512_shuffle_f32x4(r[8 * h + i], r[8 * h + i + 4], 0xdd);
        }
    }
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}
#endif

template <int T, bool Weighted>
void blocked_gather_planes(const float* blocked, const float* zeros, const int32_t* index,
                           const float* weight, int64_t stride, int64_t points, float* out,
                           int64_t out_stride) {
    constexpr int64_t B = kChannelBlockWidth;
    const hn::CappedTag<float, B> d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    int64_t p = 0;
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL  // 16 x 16 in registers
    for (; p + B <= points; p += B) {  // 16 points: 16 x 16 values, transposed into the 16 planes
        __m512 r[B];
        for (int64_t k = 0; k < B; ++k)
            r[k] = block_point<T, Weighted>(d, blocked, zeros, index + p + k,
                                            Weighted ? weight + p + k : nullptr, stride, 0)
                       .raw;
        transpose16(r);
        for (int64_t c = 0; c < B; ++c) _mm512_storeu_ps(out + c * out_stride + p, r[c]);
    }
#endif
    alignas(64) float res[B];
    for (; p < points; ++p) {
        for (int64_t c = 0; c < B; c += lanes)
            hn::Store(block_point<T, Weighted>(d, blocked, zeros, index + p, Weighted ? weight + p : nullptr,
                                               stride, c),
                      d, res + c);
        for (int64_t c = 0; c < B; ++c) out[c * out_stride + p] = res[c];
    }
}

void BlockedGatherPlanes(const float* blocked, const float* zeros, const int32_t* index, const float* weight,
                         int taps, int64_t stride, int64_t points, float* out, int64_t out_stride) {
    if (!weight) {
        blocked_gather_planes<1, false>(blocked, zeros, index, weight, stride, points, out, out_stride);
    } else if (taps == 4) {
        blocked_gather_planes<4, true>(blocked, zeros, index, weight, stride, points, out, out_stride);
    } else {
        blocked_gather_planes<16, true>(blocked, zeros, index, weight, stride, points, out, out_stride);
    }
}

void BlockChannels(const float* in, int64_t in_stride, int64_t channels, int64_t pixels, float* out) {
    constexpr int64_t B = kChannelBlockWidth;
    int64_t p = 0;
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL  // 16 x 16 in registers
    for (; channels == B && p + B <= pixels; p += B) {
        __m512 r[B];
        for (int64_t c = 0; c < B; ++c) r[c] = _mm512_loadu_ps(in + c * in_stride + p);
        transpose16(r);
        for (int64_t k = 0; k < B; ++k) _mm512_storeu_ps(out + (p + k) * B, r[k]);
    }
#endif
    for (; p < pixels; ++p) {
        for (int64_t c = 0; c < channels; ++c) out[p * B + c] = in[c * in_stride + p];
        for (int64_t c = channels; c < B; ++c) out[p * B + c] = 0.f;
    }
}

void UnblockChannels(const float* in, int64_t pixels, int64_t channels, float* out, int64_t out_stride) {
    constexpr int64_t B = kChannelBlockWidth;
    int64_t p = 0;
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL  // 16 x 16 in registers
    for (; channels == B && p + B <= pixels; p += B) {
        __m512 r[B];
        for (int64_t k = 0; k < B; ++k) r[k] = _mm512_loadu_ps(in + (p + k) * B);
        transpose16(r);
        for (int64_t c = 0; c < B; ++c) _mm512_storeu_ps(out + c * out_stride + p, r[c]);
    }
#endif
    for (; p < pixels; ++p) {
        for (int64_t c = 0; c < channels; ++c) out[c * out_stride + p] = in[p * B + c];
    }
}

void GatherDotsRow(const float* plane, const int32_t* index, const float* gout, int taps, int64_t stride,
                   int64_t points, float* dots) {
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    int64_t p = 0;
    for (; p + lanes <= points; p += lanes) {
        const auto g = hn::LoadU(d, gout + p);
        for (int t = 0; t < taps; ++t) {
            const int64_t o = t * stride + p;
            const auto v = hn::GatherIndex(d, plane, hn::LoadU(di, index + o));
            hn::StoreU(hn::MulAdd(g, v, hn::LoadU(d, dots + o)), d, dots + o);
        }
    }
    for (; p < points; ++p) {
        for (int t = 0; t < taps; ++t) dots[t * stride + p] += gout[p] * plane[index[t * stride + p]];
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(FloatLanes);
HWY_EXPORT(WindowGatherRow);
HWY_EXPORT(GatherDotsRow);
HWY_EXPORT(MaskedGatherRow);
HWY_EXPORT(BilinearPairRow);
HWY_EXPORT(BlockedGatherPlanes);
HWY_EXPORT(BlockChannels);
HWY_EXPORT(UnblockChannels);

int64_t simd_float_lanes() {
    return HWY_DYNAMIC_DISPATCH(FloatLanes)();
}

void window_gather_row(const float* plane, const int32_t* index, const float* weight, const int32_t* windows,
                       int taps, int64_t tap_stride, int64_t window_stride, int64_t points, float* out) {
    HWY_DYNAMIC_DISPATCH(WindowGatherRow)
    (plane, index, weight, windows, taps, tap_stride, window_stride, points, out);
}

void gather_dots_row(const float* plane, const int32_t* index, const float* gout, int taps,
                     int64_t tap_stride, int64_t points, float* dots) {
    HWY_DYNAMIC_DISPATCH(GatherDotsRow)(plane, index, gout, taps, tap_stride, points, dots);
}

void masked_gather_row(const float* plane, const int32_t* index, const float* weight, int taps,
                       int64_t tap_stride, int64_t points, float* out) {
    HWY_DYNAMIC_DISPATCH(MaskedGatherRow)(plane, index, weight, taps, tap_stride, points, out);
}

void bilinear_pair_row(const float* plane, const int32_t* base, const int32_t* code, const float* weight,
                       int64_t stride, int64_t points, float* out) {
    HWY_DYNAMIC_DISPATCH(BilinearPairRow)(plane, base, code, weight, stride, points, out);
}

void blocked_gather_planes(const float* blocked, const float* zeros, const int32_t* index,
                           const float* weight, int taps, int64_t tap_stride, int64_t points, float* out,
                           int64_t out_stride) {
    HWY_DYNAMIC_DISPATCH(BlockedGatherPlanes)
    (blocked, zeros, index, weight, taps, tap_stride, points, out, out_stride);
}

void block_channels(const float* in, int64_t in_stride, int64_t channels, int64_t pixels, float* out) {
    HWY_DYNAMIC_DISPATCH(BlockChannels)(in, in_stride, channels, pixels, out);
}

void unblock_channels(const float* in, int64_t pixels, int64_t channels, float* out, int64_t out_stride) {
    HWY_DYNAMIC_DISPATCH(UnblockChannels)(in, pixels, channels, out, out_stride);
}

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
