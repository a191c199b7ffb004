// Highway kernels for grid_sample's NCHW loops (see grid_sample_simd.hpp): one channel plane, a row of
// points, vectorised over points. Compiled once per instruction set (hwy/foreach_target.h) and dispatched
// at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/grid_sample/grid_sample_simd_nchw.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/grid_sample/grid_sample_simd.hpp"

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

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
