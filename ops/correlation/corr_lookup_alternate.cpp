// RAFT AlternateCorrBlock path (no correlation volume) and the lookup backward shared by both paths.
//
// A lookup window at level l is centred at c = coords / 2^l; its (2r+1)^2 samples sit at c + integer
// offsets, so they share one set of bilinear weights and together read a (2r+2) x (2r+2) grid of level
// pixels starting at floor(c) - r. Each grid cell costs one dot product over C with f1[:, h1, w1]; the
// samples are the bilinear blends of neighbouring cells.
#include <algorithm>
#include <cmath>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "kernels/common/bilinear.hpp"
#include "ops/correlation/detail/correlation_layout.hpp"
#include "ops/correlation/detail/correlation_simd.hpp"
#include "ops/correlation/corr_lookup_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

using Range = oneapi::tbb::blocked_range<int64_t>;

// Geometry of one call: fmap sizes, levels and window size.
struct Lookup {
    int64_t B, C, H, W, HW;
    int L, r;
    int64_t K, G;  // samples per side (2r + 1), grid cells per side (2r + 2)
    std::vector<std::pair<int64_t, int64_t>> sizes;
    Lookup(const NchwShape& f, int num_levels, int radius)
        : B(f.n),
          C(f.c),
          H(f.h),
          W(f.w),
          HW(f.h * f.w),
          L(num_levels),
          r(radius),
          K(2 * int64_t{radius} + 1),
          G(2 * int64_t{radius} + 2),
          sizes(corr_pyramid_level_sizes(f.h, f.w, num_levels)) {}
    int64_t out_index(int64_t b, int l, int64_t a, int64_t bb, int64_t p1) const {
        return (b * L * K * K + l * K * K + a * K + bb) * HW + p1;
    }
};

struct TapWindow {
    bool usable = false;
    int64_t y = 0, x = 0;  // level pixel of grid cell (0, 0)
    BilinearTaps taps{};
};

TapWindow tap_window(const Lookup& g, const float* coords, int64_t b, int64_t p1, int l) {
    const float scale = static_cast<float>(int64_t{1} << l);
    const float xc = coords[(b * 2 + 0) * g.HW + p1] / scale, yc = coords[(b * 2 + 1) * g.HW + p1] / scale;
    if (!coordinate_is_usable(xc) || !coordinate_is_usable(yc)) return {};
    const BilinearTaps t = bilinear_taps(yc, xc);
    return {true, t.y0 - g.r, t.x0 - g.r, t};
}

// Grid columns [lo, hi) that fall inside a level of width `width`.
std::pair<int64_t, int64_t> valid_columns(const TapWindow& win, int64_t G, int64_t width) {
    return {std::clamp<int64_t>(-win.x, 0, G), std::clamp<int64_t>(width - win.x, 0, G)};
}

// fmap2 average-pooled per level (AlternateCorrBlock), channels-last: level l is [B, h_l, w_l, C].
std::vector<std::vector<float>> pooled_levels(const NchwView& fmap2, const Lookup& g) {
    std::vector<std::vector<float>> levels{detail::to_nhwc_padded(fmap2)};
    for (int l = 1; l < g.L; ++l) {
        const auto& pair_h = g.sizes[l - 1];  // no structured binding: captured by lambdas (clang < 16)
        const auto h = pair_h.first, w = pair_h.second;
        const auto& pair_ph = g.sizes[l];  // no structured binding: captured by lambdas (clang < 16)
        const auto ph = pair_ph.first, pw = pair_ph.second;
        const std::vector<float>& src = levels.back();
        std::vector<float> dst(static_cast<size_t>(g.B * ph * pw * g.C));
        oneapi::tbb::parallel_for(Range(0, g.B * ph), [&](const Range& range) {
            for (int64_t row = range.begin(); row < range.end(); ++row) {
                const int64_t b = row / ph, i = row % ph;
                for (int64_t j = 0; j < pw; ++j) {
                    const float* p00 = src.data() + ((b * h + 2 * i) * w + 2 * j) * g.C;
                    const float* p10 = p00 + w * g.C;
                    float* __restrict out = dst.data() + ((b * ph + i) * pw + j) * g.C;
                    for (int64_t c = 0; c < g.C; ++c) {
                        out[c] = (((p00[c] + p00[g.C + c]) + p10[c]) + p10[g.C + c]) / 4.f;
                    }
                }
            }
        });
        levels.push_back(std::move(dst));
    }
    return levels;
}

// Adds avg_pool2d's backward of `pooled` ([B, ph, pw, C]) into `fine` ([B, h, w, C]): each pooled pixel
// gives a quarter of its gradient to each of its 2x2 sources; rows and columns dropped by the floor get
// nothing. One task per fine row.
void add_unpooled(std::vector<float>& fine, const std::vector<float>& pooled, const Lookup& g, int level) {
    const auto& pair_h = g.sizes[level - 1];  // no structured binding: captured by lambdas (clang < 16)
    const auto h = pair_h.first, w = pair_h.second;
    const auto& pair_ph = g.sizes[level];  // no structured binding: captured by lambdas (clang < 16)
    const auto ph = pair_ph.first, pw = pair_ph.second;
    oneapi::tbb::parallel_for(Range(0, g.B * 2 * ph), [&](const Range& range) {
        for (int64_t row = range.begin(); row < range.end(); ++row) {
            const int64_t b = row / (2 * ph), y = row % (2 * ph);
            for (int64_t x = 0; x < 2 * pw; ++x) {
                const float* __restrict src = pooled.data() + ((b * ph + y / 2) * pw + x / 2) * g.C;
                float* __restrict dst = fine.data() + ((b * h + y) * w + x) * g.C;
                for (int64_t c = 0; c < g.C; ++c) dst[c] += src[c] / 4.f;
            }
        }
    });
}

// d/d fmap2 (channels-last, level-0 size) from the per-window cell gradients. At each level the windows
// are bucketed by their first grid row, so the task that owns level row y visits exactly the windows
// touching it, in a fixed order (grid row, then pixel): deterministic without atomics. Coarser levels
// then flow back through the pooling.
std::vector<float> scatter_level_grads(const Lookup& g, const std::vector<float>& f1,
                                       const std::vector<std::vector<TapWindow>>& windows,
                                       const std::vector<std::vector<float>>& cell_grad) {
    std::vector<std::vector<float>> grads(g.L);
    const int64_t cells_per_window = g.G * g.G;
    for (int l = 0; l < g.L; ++l) {
        const auto& pair_lh = g.sizes[l];  // no structured binding: captured by lambdas (clang < 16)
        const auto lh = pair_lh.first, lw = pair_lh.second;
        grads[l].assign(static_cast<size_t>(g.B * lh * lw * g.C), 0.f);
        // Counting sort of usable windows by (batch, first row + G - 1); first rows in [1 - G, lh) touch the
        // level.
        const int64_t keys = lh + g.G - 1;
        auto key_of = [&](int64_t q) -> int64_t {
            const TapWindow& win = windows[l][q];
            if (!win.usable || win.y < 1 - g.G || win.y >= lh) return -1;
            return q / g.HW * keys + win.y + g.G - 1;
        };
        std::vector<int64_t> start(static_cast<size_t>(g.B * keys + 1), 0),
            order(static_cast<size_t>(g.B * g.HW));
        for (int64_t q = 0; q < g.B * g.HW; ++q) {
            if (const int64_t k = key_of(q); k >= 0) ++start[k + 1];
        }
        for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
        std::vector<int64_t> cursor(start.begin(), start.end() - 1);
        for (int64_t q = 0; q < g.B * g.HW; ++q) {
            if (const int64_t k = key_of(q); k >= 0) order[cursor[k]++] = q;
        }
        oneapi::tbb::parallel_for(Range(0, g.B * lh), [&](const Range& range) {
            std::vector<float> weights(static_cast<size_t>(g.G));
            std::vector<float*> outs(static_cast<size_t>(g.G));
            for (int64_t task = range.begin(); task < range.end(); ++task) {
                const int64_t b = task / lh, y = task % lh;
                for (int64_t u = 0; u < g.G; ++u) {
                    const int64_t key = y - u + g.G - 1;  // windows whose grid row u is level row y
                    if (key < 0 || key >= keys) continue;
                    for (int64_t i = start[b * keys + key]; i < start[b * keys + key + 1]; ++i) {
                        const int64_t q = order[i];
                        const TapWindow& win = windows[l][q];
                        const auto range_lo = valid_columns(win, g.G, lw);
                        const auto lo = range_lo.first, hi = range_lo.second;
                        for (int64_t v = lo; v < hi; ++v) {
                            weights[v - lo] = cell_grad[l][q * cells_per_window + u * g.G + v];
                            outs[v - lo] = grads[l].data() + ((b * lh + y) * lw + win.x + v) * g.C;
                        }
                        if (lo < hi) {
                            detail::scatter_scaled(f1.data() + q * g.C, weights.data(), outs.data(),
                                                   static_cast<int>(hi - lo), g.C);
                        }
                    }
                }
            }
        });
    }
    for (int l = g.L - 1; l >= 1; --l) add_unpooled(grads[l - 1], grads[l], g, l);
    return std::move(grads[0]);
}

}  // namespace

CorrelationArray corr_lookup_alternate_cpu(const NchwView& fmap1, const NchwView& fmap2,
                                           const NchwView& coords, int num_levels, int radius) {
    validate_corr_lookup(fmap1, fmap2, coords, num_levels, radius);
    const Lookup g(fmap1.shape, num_levels, radius);
    const auto shape = corr_lookup_output_shape(fmap1.shape, num_levels, radius);
    CorrelationArray out{{shape.begin(), shape.end()},
                         std::vector<float>(static_cast<size_t>(g.B * shape[1] * g.HW))};
    const auto f1 = detail::to_nhwc_padded(fmap1);
    const auto f2 = pooled_levels(fmap2, g);
    const float divisor = std::sqrt(static_cast<float>(g.C));
    oneapi::tbb::parallel_for(Range(0, g.B * g.H), [&](const Range& range) {
        std::vector<float> cells(static_cast<size_t>(g.G * g.G));
        std::vector<const float*> rows(static_cast<size_t>(g.G));
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t b = task / g.H;
            for (int64_t p1 = task % g.H * g.W; p1 < (task % g.H + 1) * g.W; ++p1) {
                const float* a = f1.data() + (b * g.HW + p1) * g.C;
                for (int l = 0; l < g.L; ++l) {
                    const auto& pair_lh =
                        g.sizes[l];  // no structured binding: captured by lambdas (clang < 16)
                    const auto lh = pair_lh.first, lw = pair_lh.second;
                    const TapWindow win = tap_window(g, coords.data.data(), b, p1, l);
                    std::fill(cells.begin(), cells.end(), 0.f);  // out-of-level cells read zero
                    const auto range_lo = valid_columns(win, g.G, lw);
                    const auto lo = range_lo.first, hi = range_lo.second;
                    for (int64_t u = 0; win.usable && u < g.G && lo < hi; ++u) {
                        const int64_t y = win.y + u;
                        if (y < 0 || y >= lh) continue;
                        for (int64_t v = lo; v < hi; ++v)
                            rows[v - lo] = f2[l].data() + ((b * lh + y) * lw + win.x + v) * g.C;
                        detail::dot_rows(a, rows.data(), static_cast<int>(hi - lo), g.C,
                                         &cells[u * g.G + lo]);
                    }
                    const BilinearTaps& t = win.taps;
                    for (int64_t ai = 0; ai < g.K; ++ai) {
                        for (int64_t bi = 0; bi < g.K; ++bi) {
                            const float* c0 = &cells[bi * g.G + ai];
                            const float v =
                                t.w_nw * c0[0] + t.w_ne * c0[1] + t.w_sw * c0[g.G] + t.w_se * c0[g.G + 1];
                            out.data[g.out_index(b, l, ai, bi, p1)] = win.usable ? v / divisor : 0.f;
                        }
                    }
                }
            }
        }
    });
    return out;
}

CorrelationGrads corr_lookup_backward_cpu(std::span<const float> grad_output, const NchwView& fmap1,
                                          const NchwView& fmap2, const NchwView& coords, int num_levels,
                                          int radius) {
    validate_corr_lookup(fmap1, fmap2, coords, num_levels, radius);
    const Lookup g(fmap1.shape, num_levels, radius);
    const auto shape = corr_lookup_output_shape(fmap1.shape, num_levels, radius);
    const int64_t expected = shape[0] * shape[1] * shape[2] * shape[3];
    if (static_cast<int64_t>(grad_output.size()) != expected) {
        fail("corr_lookup: grad_output must have {} values (output shape {}), got {}", expected,
             detail::shape_str(shape), grad_output.size());
    }
    const auto f1 = detail::to_nhwc_padded(fmap1);
    const auto f2 = pooled_levels(fmap2, g);
    const float divisor = std::sqrt(static_cast<float>(g.C));
    const int64_t cells_per_window = g.G * g.G;
    // 1. Per (level, pixel): its window and the gradient reaching each grid cell, sum of g * weight /
    // sqrt(C).
    std::vector<std::vector<TapWindow>> windows(g.L, std::vector<TapWindow>(static_cast<size_t>(g.B * g.HW)));
    std::vector<std::vector<float>> cell_grad(
        g.L, std::vector<float>(static_cast<size_t>(g.B * g.HW * cells_per_window)));
    oneapi::tbb::parallel_for(Range(0, g.B * g.HW), [&](const Range& range) {
        for (int64_t q = range.begin(); q < range.end(); ++q) {
            const int64_t b = q / g.HW, p1 = q % g.HW;
            for (int l = 0; l < g.L; ++l) {
                const TapWindow win = windows[l][q] = tap_window(g, coords.data.data(), b, p1, l);
                if (!win.usable) continue;
                float* cg = cell_grad[l].data() + q * cells_per_window;
                for (int64_t ai = 0; ai < g.K; ++ai) {
                    for (int64_t bi = 0; bi < g.K; ++bi) {
                        const float gv = grad_output[g.out_index(b, l, ai, bi, p1)] / divisor;
                        float* c0 = cg + bi * g.G + ai;
                        c0[0] += gv * win.taps.w_nw;
                        c0[1] += gv * win.taps.w_ne;
                        c0[g.G] += gv * win.taps.w_sw;
                        c0[g.G + 1] += gv * win.taps.w_se;
                    }
                }
            }
        }
    });
    // 2. d/d fmap1: each pixel gathers its cells' fmap2 vectors (owned by the pixel's task).
    std::vector<float> grad_f1(f1.size(), 0.f);
    oneapi::tbb::parallel_for(Range(0, g.B * g.HW), [&](const Range& range) {
        std::vector<float> weights;
        std::vector<const float*> rows;
        for (int64_t q = range.begin(); q < range.end(); ++q) {
            weights.clear();
            rows.clear();
            const int64_t b = q / g.HW;
            for (int l = 0; l < g.L; ++l) {
                const TapWindow& win = windows[l][q];
                const auto& pair_lh = g.sizes[l];  // no structured binding: captured by lambdas (clang < 16)
                const auto lh = pair_lh.first, lw = pair_lh.second;
                const auto range_lo = valid_columns(win, g.G, lw);
                const auto lo = range_lo.first, hi = range_lo.second;
                for (int64_t u = 0; win.usable && u < g.G; ++u) {
                    const int64_t y = win.y + u;
                    if (y < 0 || y >= lh) continue;
                    for (int64_t v = lo; v < hi; ++v) {
                        weights.push_back(cell_grad[l][q * cells_per_window + u * g.G + v]);
                        rows.push_back(f2[l].data() + ((b * lh + y) * lw + win.x + v) * g.C);
                    }
                }
            }
            detail::weighted_sum_rows(weights.data(), rows.data(), static_cast<int>(weights.size()), g.C,
                                      grad_f1.data() + q * g.C);
        }
    });
    // 3. d/d pooled fmap2 per level, then back through the pooling to level 0 (see scatter_level_grads).
    std::vector<float> grad_f2 = scatter_level_grads(g, f1, windows, cell_grad);
    return {detail::nhwc_to_nchw(grad_f1, fmap1.shape), detail::nhwc_to_nchw(grad_f2, fmap2.shape)};
}

}  // namespace tilesim::ops
