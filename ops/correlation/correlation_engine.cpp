#include "ops/correlation/correlation_engine.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/correlation/detail/correlation_simd.hpp"

namespace tilesim::ops::detail {
namespace {

using Range = oneapi::tbb::blocked_range<int64_t>;

bool inside(int64_t v, int64_t size) {
    return v >= 0 && v < size;
}

// Shift of patch index p along one axis: (p - (patch - 1) / 2) * dilation_patch (C++ division, as the
// original's CPU code; the same formula for odd and even patch sizes).
struct Shifts {
    int rad, step;
    int64_t operator()(int p) const { return static_cast<int64_t>(p - rad) * step; }
};

// For every image position along one axis, the (output index, kernel tap) pairs whose window reads it,
// output index outer, tap inner.
std::vector<std::vector<std::pair<int, int>>> taps_by_position(int64_t size, int64_t out_size, int kernel,
                                                               int stride, int origin, int dilation) {
    std::vector<std::vector<std::pair<int, int>>> taps(static_cast<size_t>(size));
    for (int64_t o = 0; o < out_size; ++o) {
        for (int i = 0; i < kernel; ++i) {
            const int64_t y = o * stride + origin + static_cast<int64_t>(i) * dilation;
            if (inside(y, size)) taps[y].emplace_back(static_cast<int>(o), i);
        }
    }
    return taps;
}

struct Layout {
    int64_t H, W, C, P, oH, oW;
    const float* pixel(const float* img, int64_t b, int64_t y, int64_t x) const {
        return img + ((b * H + y) * W + x) * C;
    }
    int64_t out_index(int64_t b, int64_t p, int64_t oh, int64_t ow) const {
        return ((b * P + p) * oH + oh) * oW + ow;
    }
};

}  // namespace

void correlation_forward_nhwc(const CorrelationGeometry& g, const float* a, const float* b, float* out) {
    const Layout L{g.height, g.width, g.channels, int64_t{g.patch_h} * g.patch_w, g.out_h, g.out_w};
    const Shifts sy{(g.patch_h - 1) / 2, g.dilation_patch_h}, sx{(g.patch_w - 1) / 2, g.dilation_patch_w};
    const auto reduce = g.absolute_difference ? abs_diff_rows : dot_rows;
    // One task per (image, output row): each output element is written by exactly one task.
    oneapi::tbb::parallel_for(Range(0, g.batch * g.out_h), [&](const Range& range) {
        std::vector<float> acc(static_cast<size_t>(L.P));
        std::vector<const float*> rows(static_cast<size_t>(g.patch_w));
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t bi = task / g.out_h, oh = task % g.out_h;
            for (int64_t ow = 0; ow < g.out_w; ++ow) {
                std::fill(acc.begin(), acc.end(), 0.f);
                for (int i = 0; i < g.kernel_h; ++i) {
                    const int64_t y1 = oh * g.stride_h + g.origin_h + int64_t{i} * g.dilation_h;
                    if (!inside(y1, L.H)) continue;
                    for (int j = 0; j < g.kernel_w; ++j) {
                        const int64_t x1 = ow * g.stride_w + g.origin_w + int64_t{j} * g.dilation_w;
                        if (!inside(x1, L.W)) continue;
                        const float* pa = L.pixel(a, bi, y1, x1);
                        for (int ph = 0; ph < g.patch_h; ++ph) {
                            const int64_t y2 = y1 + sy(ph);
                            if (!inside(y2, L.H)) continue;
                            // Valid pw form one contiguous run because dilation_patch > 0.
                            int first = -1, count = 0;
                            for (int pw = 0; pw < g.patch_w; ++pw) {
                                const int64_t x2 = x1 + sx(pw);
                                if (!inside(x2, L.W)) continue;
                                if (first < 0) first = pw;
                                rows[count++] = L.pixel(b, bi, y2, x2);
                            }
                            if (count > 0) reduce(pa, rows.data(), count, L.C, &acc[ph * g.patch_w + first]);
                        }
                    }
                }
                for (int64_t p = 0; p < L.P; ++p) out[L.out_index(bi, p, oh, ow)] = acc[p] / g.divisor;
            }
        }
    });
}

namespace {

// Gathers the (weight, partner pixel) terms of one gradient pixel and reduces them in gather order.
struct TermList {
    std::vector<float> weights;
    std::vector<const float*> rows;
    void clear() {
        weights.clear();
        rows.clear();
    }
    void add(float w, const float* row) {
        weights.push_back(w);
        rows.push_back(row);
    }
    void reduce_into(const CorrelationGeometry& g, const float* self, float* dst) const {
        const int n = static_cast<int>(weights.size());
        if (n == 0) return;
        if (g.absolute_difference) {
            weighted_sign_diff_rows(self, weights.data(), rows.data(), n, g.channels, dst);
        } else {
            weighted_sum_rows(weights.data(), rows.data(), n, g.channels, dst);
        }
    }
};

}  // namespace

void correlation_backward_nhwc(const CorrelationGeometry& g, const float* a, const float* b,
                               const float* grad_out, float* grad_a, float* grad_b) {
    const Layout L{g.height, g.width, g.channels, int64_t{g.patch_h} * g.patch_w, g.out_h, g.out_w};
    const Shifts sy{(g.patch_h - 1) / 2, g.dilation_patch_h}, sx{(g.patch_w - 1) / 2, g.dilation_patch_w};
    const auto row_taps = taps_by_position(L.H, L.oH, g.kernel_h, g.stride_h, g.origin_h, g.dilation_h);
    const auto col_taps = taps_by_position(L.W, L.oW, g.kernel_w, g.stride_w, g.origin_w, g.dilation_w);
    const int64_t inner_h = L.H - 2 * g.pad, inner_w = L.W - 2 * g.pad;
    auto grad_pixel = [&](float* grad, int64_t bi, int64_t y, int64_t x) {
        return grad + ((bi * inner_h + y - g.pad) * inner_w + x - g.pad) * L.C;
    };
    auto weight = [&](int64_t bi, int ph, int pw, int oh, int ow) {
        return grad_out[L.out_index(bi, int64_t{ph} * g.patch_w + pw, oh, ow)] / g.divisor;
    };
    // d/da: pixel (y1, x1) of `a` pairs with b at (y1 + sy, x1 + sx) for every window that reads it.
    oneapi::tbb::parallel_for(Range(0, g.batch * inner_h), [&](const Range& range) {
        TermList terms;
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t bi = task / inner_h, y1 = task % inner_h + g.pad;
            for (int64_t x1 = g.pad; x1 < g.pad + inner_w; ++x1) {
                terms.clear();
                for (const auto& [oh, i] : row_taps[y1]) {
                    for (int ph = 0; ph < g.patch_h; ++ph) {
                        const int64_t y2 = y1 + sy(ph);
                        if (!inside(y2, L.H)) continue;
                        for (const auto& [ow, j] : col_taps[x1]) {
                            for (int pw = 0; pw < g.patch_w; ++pw) {
                                const int64_t x2 = x1 + sx(pw);
                                if (inside(x2, L.W))
                                    terms.add(weight(bi, ph, pw, oh, ow), L.pixel(b, bi, y2, x2));
                            }
                        }
                    }
                }
                terms.reduce_into(g, L.pixel(a, bi, y1, x1), grad_pixel(grad_a, bi, y1, x1));
            }
        }
    });
    // d/db: pixel (y2, x2) of `b` pairs with a at (y2 - sy, x2 - sx) for every window that reads that.
    oneapi::tbb::parallel_for(Range(0, g.batch * inner_h), [&](const Range& range) {
        TermList terms;
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t bi = task / inner_h, y2 = task % inner_h + g.pad;
            for (int64_t x2 = g.pad; x2 < g.pad + inner_w; ++x2) {
                terms.clear();
                for (int ph = 0; ph < g.patch_h; ++ph) {
                    const int64_t y1 = y2 - sy(ph);
                    if (!inside(y1, L.H)) continue;
                    for (const auto& [oh, i] : row_taps[y1]) {
                        for (int pw = 0; pw < g.patch_w; ++pw) {
                            const int64_t x1 = x2 - sx(pw);
                            if (!inside(x1, L.W)) continue;
                            for (const auto& [ow, j] : col_taps[x1]) {
                                terms.add(weight(bi, ph, pw, oh, ow), L.pixel(a, bi, y1, x1));
                            }
                        }
                    }
                }
                terms.reduce_into(g, L.pixel(b, bi, y2, x2), grad_pixel(grad_b, bi, y2, x2));
            }
        }
    });
}

}  // namespace tilesim::ops::detail
