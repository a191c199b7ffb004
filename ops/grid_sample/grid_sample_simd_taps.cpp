// Highway kernel for the taps of NCHW points gathered by grid_sample_forward_nchw_gather.cpp, with zeros
// padding, nearest and bilinear: the coordinate math of grid_sample_math.hpp done on vectors of points.
// Every step is the same IEEE operation as the scalar code (no contraction into fused multiply-adds, hence
// the pragma), so taps and weights are those of make_stencil() bit for bit; random grids put points inside
// and outside at random, which costs the scalar code a branch mispredict every few points.
#pragma GCC optimize("fp-contract=off")
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/grid_sample/grid_sample_simd_taps.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/grid_sample/detail/grid_sample_simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One axis: the pixel coordinate (grid_sampler_unnormalize; zeros padding leaves it alone).
template <class D>
HWY_INLINE hn::Vec<D> unnormalize(D d, hn::Vec<D> g, int64_t size, bool align_corners) {
    const float scale = align_corners ? static_cast<float>(size - 1) / 2.f : static_cast<float>(size) / 2.f;
    const auto scaled = hn::Mul(hn::Add(g, hn::Set(d, 1.f)), hn::Set(d, scale));
    return align_corners ? scaled : hn::Sub(scaled, hn::Set(d, 0.5f));
}

// safe_index() of an integral coordinate and whether it lies in [0, size): the index is only meaningful
// where inside is true.
template <class D, class DI>
HWY_INLINE void to_index(D d, DI di, hn::Vec<D> v, int64_t size, hn::Vec<DI>& index, hn::Mask<DI>& inside) {
    const auto usable = hn::And(hn::Gt(v, hn::Set(d, -1e9f)), hn::Lt(v, hn::Set(d, 1e9f)));  // NaN: false
    index = hn::ConvertTo(di, hn::IfThenElseZero(usable, v));
    inside = hn::And(
        hn::RebindMask(di, usable),
        hn::And(hn::Gt(index, hn::Set(di, -1)), hn::Lt(index, hn::Set(di, static_cast<int32_t>(size)))));
}

int64_t ZerosPaddingTaps(const float* grid, int64_t points, int64_t h, int64_t w, bool align_corners,
                         int taps, int32_t* index, float* weight, int64_t stride) {
#if HWY_TARGET == HWY_SCALAR
    (void)grid, (void)points, (void)h, (void)w, (void)align_corners, (void)taps, (void)index, (void)weight,
        (void)stride;
    return 0;  // the caller's scalar loop does them all
#else
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    const auto width = hn::Set(di, static_cast<int32_t>(w)), outside = hn::Set(di, -1);
    int64_t p = 0;
    for (; p + lanes <= points; p += lanes) {
        const auto a = hn::LoadU(d, grid + 2 * p), b = hn::LoadU(d, grid + 2 * p + lanes);
        const auto x = unnormalize(d, hn::ConcatEven(d, b, a), w, align_corners);
        const auto y = unnormalize(d, hn::ConcatOdd(d, b, a), h, align_corners);
        if (taps == 1) {  // nearest: nearbyint, round half to even
            hn::Vec<decltype(di)> xi, yi;
            hn::Mask<decltype(di)> x_in, y_in;
            to_index(d, di, hn::Round(x), w, xi, x_in);
            to_index(d, di, hn::Round(y), h, yi, y_in);
            hn::StoreU(hn::IfThenElse(hn::And(x_in, y_in), hn::Add(hn::Mul(yi, width), xi), outside), di,
                       index + p);
            continue;
        }
        // bilinear_axis_taps: floor and floor + 1, weights (x0 + 1) - x and x - x0; tap (j, i) = wx[i] *
        // wy[j]
        const auto x0 = hn::Floor(x), y0 = hn::Floor(y);
        const auto one = hn::Set(d, 1.f);
        const hn::Vec<decltype(d)> wx[2] = {hn::Sub(hn::Add(x0, one), x), hn::Sub(x, x0)};
        const hn::Vec<decltype(d)> wy[2] = {hn::Sub(hn::Add(y0, one), y), hn::Sub(y, y0)};
        hn::Vec<decltype(di)> xi[2], yi[2];
        hn::Mask<decltype(di)> x_in[2], y_in[2];
        to_index(d, di, x0, w, xi[0], x_in[0]);
        to_index(d, di, y0, h, yi[0], y_in[0]);
        const auto usable_x =
            hn::RebindMask(di, hn::And(hn::Gt(x0, hn::Set(d, -1e9f)), hn::Lt(x0, hn::Set(d, 1e9f))));
        const auto usable_y =
            hn::RebindMask(di, hn::And(hn::Gt(y0, hn::Set(d, -1e9f)), hn::Lt(y0, hn::Set(d, 1e9f))));
        xi[1] = hn::Add(xi[0], hn::Set(di, 1));
        yi[1] = hn::Add(yi[0], hn::Set(di, 1));
        x_in[1] = hn::And(usable_x, hn::And(hn::Gt(xi[1], outside), hn::Lt(xi[1], width)));
        y_in[1] = hn::And(
            usable_y, hn::And(hn::Gt(yi[1], outside), hn::Lt(yi[1], hn::Set(di, static_cast<int32_t>(h)))));
        for (int j = 0; j < 2; ++j) {
            const auto row = hn::Mul(yi[j], width);
            for (int i = 0; i < 2; ++i) {
                const int t = j * 2 + i;
                hn::StoreU(hn::IfThenElse(hn::And(x_in[i], y_in[j]), hn::Add(row, xi[i]), outside), di,
                           index + t * stride + p);
                hn::StoreU(hn::Mul(wx[i], wy[j]), d, weight + t * stride + p);
            }
        }
    }
    return p;
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(ZerosPaddingTaps);

int64_t zeros_padding_taps(const float* grid, int64_t points, int64_t h, int64_t w, bool align_corners,
                           int taps, int32_t* index, float* weight, int64_t stride) {
    return HWY_DYNAMIC_DISPATCH(ZerosPaddingTaps)(grid, points, h, w, align_corners, taps, index, weight,
                                                  stride);
}

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
