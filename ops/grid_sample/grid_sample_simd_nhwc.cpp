// Highway kernels for grid_sample's channels-last loops (see grid_sample_simd.hpp). This file is compiled
// once per instruction set by hwy/foreach_target.h; HWY_DYNAMIC_DISPATCH picks the best one at run time.
// Only the channel loops live here: the coordinate math stays in baseline code (grid_sample_math.hpp), so
// taps and weights never depend on the instruction set.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/grid_sample/grid_sample_simd_nhwc.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/grid_sample/detail/grid_sample_simd.hpp"

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
