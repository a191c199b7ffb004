// Highway kernels for grid_sample's channels-last loops (see grid_sample_simd.hpp). This file is compiled
// once per instruction set by hwy/foreach_target.h; HWY_DYNAMIC_DISPATCH picks the best one at run time.
// Only the channel loops live here: the coordinate math stays in baseline code (grid_sample_math.hpp), so
// taps and weights never depend on the instruction set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/grid_sample/grid_sample_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/grid_sample/grid_sample_simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <int K>
HWY_INLINE void tap_sources(const GridStencil<K>& s, const float* in, const float* zeros, int64_t channels,
                            const float* src[K * K]) {
    for (int t = 0; t < K * K; ++t) src[t] = s.pixel[t] >= 0 ? in + s.pixel[t] * channels : zeros;
}

template <int K>
void ForwardRow(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros,
                int64_t channels, float* out) {
    constexpr int T = K * K;
    const hn::ScalableTag<float> d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    for (int64_t p = 0; p < points; ++p, out += channels) {
        const float* src[T];
        tap_sources(st[p], in, zeros, channels, src);
        const float* w = st[p].weight;
        int64_t c = 0;
        for (; c + lanes <= channels; c += lanes) {
            auto acc = hn::Mul(hn::Set(d, w[0]), hn::LoadU(d, src[0] + c));
            for (int t = 1; t < T; ++t) acc = hn::MulAdd(hn::Set(d, w[t]), hn::LoadU(d, src[t] + c), acc);
            hn::StoreU(acc, d, out + c);
        }
        for (; c < channels; ++c) {
            float acc = w[0] * src[0][c];
            for (int t = 1; t < T; ++t) acc += w[t] * src[t][c];
            out[c] = acc;
        }
    }
}

template <int K>
void TapDotsRow(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros,
                int64_t channels, const float* gout, float* dots) {
    constexpr int T = K * K;
    const hn::ScalableTag<float> d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    for (int64_t p = 0; p < points; ++p, gout += channels, dots += T) {
        const float* src[T];
        tap_sources(st[p], in, zeros, channels, src);
        decltype(hn::Zero(d)) acc[T];
        for (int t = 0; t < T; ++t) acc[t] = hn::Zero(d);
        int64_t c = 0;
        for (; c + lanes <= channels; c += lanes) {
            const auto g = hn::LoadU(d, gout + c);
            for (int t = 0; t < T; ++t) acc[t] = hn::MulAdd(g, hn::LoadU(d, src[t] + c), acc[t]);
        }
        for (int t = 0; t < T; ++t) {
            float sum = hn::GetLane(hn::SumOfLanes(d, acc[t]));
            for (int64_t cc = c; cc < channels; ++cc) sum += gout[cc] * src[t][cc];
            dots[t] = sum;
        }
    }
}

template <int K>
void ScatterRow(const GridStencil<K>* st, int64_t points, float* gin, float* scratch, int64_t channels,
                int64_t c0, int64_t count, const float* gout) {
    constexpr int T = K * K;
    const hn::ScalableTag<float> d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    gout += c0;
    for (int64_t p = 0; p < points; ++p, gout += channels) {
        for (int t = 0; t < T; ++t) {
            float* dst = st[p].pixel[t] >= 0 ? gin + st[p].pixel[t] * channels + c0 : scratch;
            const float w = st[p].weight[t];
            const auto wv = hn::Set(d, w);
            int64_t c = 0;
            for (; c + lanes <= count; c += lanes) {
                hn::StoreU(hn::MulAdd(wv, hn::LoadU(d, gout + c), hn::LoadU(d, dst + c)), d, dst + c);
            }
            for (; c < count; ++c) dst[c] += w * gout[c];
        }
    }
}

void GatherWeightedRow(const float* plane, const int32_t* index, const float* weight, int taps,
                       int64_t stride, int64_t points, float* out) {
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    int64_t p = 0;
    for (; p + lanes <= points; p += lanes) {
        auto acc = hn::Mul(hn::LoadU(d, weight + p), hn::GatherIndex(d, plane, hn::LoadU(di, index + p)));
        for (int t = 1; t < taps; ++t) {
            const int64_t o = t * stride + p;
            acc = hn::MulAdd(hn::LoadU(d, weight + o), hn::GatherIndex(d, plane, hn::LoadU(di, index + o)),
                             acc);
        }
        hn::StoreU(acc, d, out + p);
    }
    for (; p < points; ++p) {
        float acc = weight[p] * plane[index[p]];
        for (int t = 1; t < taps; ++t) acc += weight[t * stride + p] * plane[index[t * stride + p]];
        out[p] = acc;
    }
}

void GatherRow(const float* plane, const int32_t* index, int64_t points, float* out) {
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    int64_t p = 0;
    for (; p + lanes <= points; p += lanes)
        hn::StoreU(hn::GatherIndex(d, plane, hn::LoadU(di, index + p)), d, out + p);
    for (; p < points; ++p) out[p] = plane[index[p]];
}

void BilinearPairsRow(const float* plane, const int64_t* byte_offset, int64_t row_bytes, const float* w_top,
                      const float* w_bottom, int64_t points, float* out) {
    int64_t p = 0;
#if HWY_TARGET != HWY_SCALAR
    const hn::ScalableTag<float> df;
    const hn::Repartition<double, decltype(df)> dd;
    const hn::RebindToSigned<decltype(dd)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));  // points per iteration, two pair gathers each
    const double* base = reinterpret_cast<const double*>(plane);
    const auto row = hn::Set(di, row_bytes);
    // Sums the top and bottom pairs of lanes_d points: lanes (2k, 2k+1) hold point k's left and right column.
    auto pairs = [&](int64_t q) {
        const auto o = hn::LoadU(di, byte_offset + q);
        const auto top = hn::BitCast(df, hn::GatherOffset(dd, base, o));
        const auto bottom = hn::BitCast(df, hn::GatherOffset(dd, base, hn::Add(o, row)));
        return hn::MulAdd(hn::LoadU(df, w_bottom + 2 * q), bottom,
                          hn::Mul(hn::LoadU(df, w_top + 2 * q), top));
    };
    for (; p + lanes <= points; p += lanes) {
        const auto lo = pairs(p), hi = pairs(p + lanes / 2);
        hn::StoreU(hn::Add(hn::ConcatEven(df, hi, lo), hn::ConcatOdd(df, hi, lo)), df, out + p);
    }
#endif
    const int64_t w = row_bytes / 4;
    for (; p < points; ++p) {
        const float* q = plane + byte_offset[p] / 4;
        out[p] = (w_top[2 * p] * q[0] + w_bottom[2 * p] * q[w]) +
                 (w_top[2 * p + 1] * q[1] + w_bottom[2 * p + 1] * q[w + 1]);
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

#define TILESIM_GRID_SAMPLE_SIMD_INSTANTIATE(K)                                                       \
    void ForwardRow##K(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros, \
                       int64_t channels, float* out) {                                                \
        ForwardRow<K>(st, points, in, zeros, channels, out);                                          \
    }                                                                                                 \
    void TapDotsRow##K(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros, \
                       int64_t channels, const float* gout, float* dots) {                            \
        TapDotsRow<K>(st, points, in, zeros, channels, gout, dots);                                   \
    }                                                                                                 \
    void ScatterRow##K(const GridStencil<K>* st, int64_t points, float* gin, float* scratch,          \
                       int64_t channels, int64_t c0, int64_t count, const float* gout) {              \
        ScatterRow<K>(st, points, gin, scratch, channels, c0, count, gout);                           \
    }
TILESIM_GRID_SAMPLE_SIMD_INSTANTIATE(1)
TILESIM_GRID_SAMPLE_SIMD_INSTANTIATE(2)
TILESIM_GRID_SAMPLE_SIMD_INSTANTIATE(4)
#undef TILESIM_GRID_SAMPLE_SIMD_INSTANTIATE

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(GatherWeightedRow);
HWY_EXPORT(GatherDotsRow);
HWY_EXPORT(BilinearPairsRow);
HWY_EXPORT(GatherRow);

void gather_row(const float* plane, const int32_t* index, int64_t points, float* out) {
    HWY_DYNAMIC_DISPATCH(GatherRow)(plane, index, points, out);
}

void bilinear_pairs_row(const float* plane, const int64_t* byte_offset, int64_t row_bytes, const float* w_top,
                        const float* w_bottom, int64_t points, float* out) {
    HWY_DYNAMIC_DISPATCH(BilinearPairsRow)(plane, byte_offset, row_bytes, w_top, w_bottom, points, out);
}

void gather_weighted_row(const float* plane, const int32_t* index, const float* weight, int taps,
                         int64_t tap_stride, int64_t points, float* out) {
    HWY_DYNAMIC_DISPATCH(GatherWeightedRow)(plane, index, weight, taps, tap_stride, points, out);
}

void gather_dots_row(const float* plane, const int32_t* index, const float* gout, int taps,
                     int64_t tap_stride, int64_t points, float* dots) {
    HWY_DYNAMIC_DISPATCH(GatherDotsRow)(plane, index, gout, taps, tap_stride, points, dots);
}

#define TILESIM_GRID_SAMPLE_SIMD_EXPORT(K)                                                                \
    HWY_EXPORT(ForwardRow##K);                                                                            \
    HWY_EXPORT(TapDotsRow##K);                                                                            \
    HWY_EXPORT(ScatterRow##K);                                                                            \
    void forward_nhwc_row(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros,  \
                          int64_t channels, float* out) {                                                 \
        HWY_DYNAMIC_DISPATCH(ForwardRow##K)(st, points, in, zeros, channels, out);                        \
    }                                                                                                     \
    void tap_dots_nhwc_row(const GridStencil<K>* st, int64_t points, const float* in, const float* zeros, \
                           int64_t channels, const float* gout, float* dots) {                            \
        HWY_DYNAMIC_DISPATCH(TapDotsRow##K)(st, points, in, zeros, channels, gout, dots);                 \
    }                                                                                                     \
    void scatter_nhwc_row(const GridStencil<K>* st, int64_t points, float* gin, float* scratch,           \
                          int64_t channels, int64_t c0, int64_t count, const float* gout) {               \
        HWY_DYNAMIC_DISPATCH(ScatterRow##K)(st, points, gin, scratch, channels, c0, count, gout);         \
    }
TILESIM_GRID_SAMPLE_SIMD_EXPORT(1)
TILESIM_GRID_SAMPLE_SIMD_EXPORT(2)
TILESIM_GRID_SAMPLE_SIMD_EXPORT(4)
#undef TILESIM_GRID_SAMPLE_SIMD_EXPORT

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
