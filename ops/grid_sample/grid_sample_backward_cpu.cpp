// grid_sample backward on the CPU, in two deterministic passes:
//  1. grad_grid, split over output rows: each output point dots grad_output with its taps' input values
//     (one dot per tap) and weighs the dots by the derivatives of the tap weights. Nothing is shared.
//  2. grad_input, one image at a time: the image's stencils are built once (split over rows), then each task
//     owns a fixed block of kChannelBlock channels and scatters weight * grad_output for every output point
//     in order. Every grad_input element is written by one task, in the same order for any thread count.
#include <algorithm>
#include <vector>

#include "ops/grid_sample/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/grid_sample_simd.hpp"

namespace tilesim::ops {
namespace {

using detail::kChannelBlock;
namespace tbb = oneapi::tbb;

// dots[p * T + t] = sum_c gout[c, p] * plane_c[pixel t of point p] for one output row of an NCHW image;
// outside taps contribute nothing (they read zeros).
template <int K>
void tap_dots_nchw_row(const GridStencil<K>* st, int64_t points, const float* in_n, int64_t in_plane,
                       int64_t channels, const float* gout_row, int64_t out_plane, float* dots) {
    constexpr int T = K * K;
    std::fill(dots, dots + points * T, 0.f);
    for (int64_t c0 = 0; c0 < channels; c0 += kChannelBlock) {
        const int64_t count = std::min(kChannelBlock, channels - c0);
        for (int64_t p = 0; p < points; ++p) {
            const GridStencil<K>& s = st[p];
            float acc[T];
            std::copy(dots + p * T, dots + (p + 1) * T, acc);
            const float* plane = in_n + c0 * in_plane;
            const float* g = gout_row + c0 * out_plane + p;
            for (int64_t c = 0; c < count; ++c, plane += in_plane, g += out_plane) {
                for (int t = 0; t < T; ++t) {
                    if (s.pixel[t] >= 0) acc[t] += *g * plane[s.pixel[t]];
                }
            }
            std::copy(acc, acc + T, dots + p * T);
        }
    }
}

template <GridSampleMode M>
void grad_grid_pass(const float* gout, const float* input, const float* grid, float* grad_grid,
                    const GridSampleShape& s, ChannelLayout layout, const GridSampleOptions& options) {
    constexpr int K = kTapsPerAxis<M>, T = K * K;
    const int64_t in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    const std::vector<float> zeros(layout == ChannelLayout::NHWC ? s.c : 0, 0.f);
    detail::parallel_over_rows(s, [&](int64_t first, int64_t last) {
        std::vector<GridStencil<K>> st(s.out_w);
        std::vector<float> dots(s.out_w * T);
        for (int64_t row = first; row < last; ++row) {
            const int64_t n = row / s.out_h, oh = row % s.out_h;
            detail::build_row_stencils<M, true>(grid + row * s.out_w * 2, s.out_w, s, options, st.data());
            const float* in_n = input + n * s.c * in_plane;
            if (layout == ChannelLayout::NHWC) {
                detail::tap_dots_nhwc_row(st.data(), s.out_w, in_n, zeros.data(), s.c,
                                          gout + row * s.out_w * s.c, dots.data());
            } else {
                tap_dots_nchw_row(st.data(), s.out_w, in_n, in_plane, s.c,
                                  gout + n * s.c * out_plane + oh * s.out_w, out_plane, dots.data());
            }
            float* gg = grad_grid + row * s.out_w * 2;
            for (int64_t p = 0; p < s.out_w; ++p) {
                float gx = 0.f, gy = 0.f;
                for (int t = 0; t < T; ++t) {
                    gx += dots[p * T + t] * st[p].dweight_dx[t];
                    gy += dots[p * T + t] * st[p].dweight_dy[t];
                }
                gg[2 * p] = gx;
                gg[2 * p + 1] = gy;
            }
        }
    });
}

// Channels [c0, c0 + count) of one NCHW image.
template <int K>
void scatter_nchw(const GridStencil<K>* st, int64_t points, float* gin_n, int64_t in_plane, int64_t c0,
                  int64_t count, const float* gout_n, int64_t out_plane) {
    constexpr int T = K * K;
    for (int64_t p = 0; p < points; ++p) {
        const GridStencil<K>& s = st[p];
        float* plane = gin_n + c0 * in_plane;
        const float* g = gout_n + c0 * out_plane + p;
        for (int64_t c = 0; c < count; ++c, plane += in_plane, g += out_plane) {
            for (int t = 0; t < T; ++t) {
                if (s.pixel[t] >= 0) plane[s.pixel[t]] += s.weight[t] * *g;
            }
        }
    }
}

// Zeroes channels [c0, c0 + count) of one image of grad_input.
void zero_channels(float* gin_n, const GridSampleShape& s, ChannelLayout layout, int64_t c0, int64_t count) {
    const int64_t in_plane = s.h * s.w;
    if (layout == ChannelLayout::NCHW) {
        std::fill(gin_n + c0 * in_plane, gin_n + (c0 + count) * in_plane, 0.f);
        return;
    }
    for (int64_t pixel = 0; pixel < in_plane; ++pixel) {
        std::fill_n(gin_n + pixel * s.c + c0, count, 0.f);
    }
}

template <GridSampleMode M>
void grad_input_pass(const float* gout, const float* grid, float* grad_input, const GridSampleShape& s,
                     ChannelLayout layout, const GridSampleOptions& options) {
    constexpr int K = kTapsPerAxis<M>;
    const int64_t in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    const int64_t blocks = (s.c + kChannelBlock - 1) / kChannelBlock;
    std::vector<GridStencil<K>> st(out_plane);
    for (int64_t n = 0; n < s.n; ++n) {
        const float* grid_n = grid + n * out_plane * 2;
        tbb::parallel_for(tbb::blocked_range<int64_t>(0, s.out_h), [&](const tbb::blocked_range<int64_t>& r) {
            for (int64_t oh = r.begin(); oh < r.end(); ++oh) {
                detail::build_row_stencils<M, false>(grid_n + oh * s.out_w * 2, s.out_w, s, options,
                                                     st.data() + oh * s.out_w);
            }
        });
        float* gin_n = grad_input + n * s.c * in_plane;
        const float* gout_n = gout + n * s.c * out_plane;
        tbb::parallel_for(
            tbb::blocked_range<int64_t>(0, blocks, 1), [&](const tbb::blocked_range<int64_t>& r) {
                float scratch[kChannelBlock];
                for (int64_t b = r.begin(); b < r.end(); ++b) {
                    const int64_t c0 = b * kChannelBlock, count = std::min(kChannelBlock, s.c - c0);
                    zero_channels(gin_n, s, layout, c0, count);
                    if (layout == ChannelLayout::NHWC) {
                        detail::scatter_nhwc_row(st.data(), out_plane, gin_n, scratch, s.c, c0, count,
                                                 gout_n);
                    } else {
                        scatter_nchw(st.data(), out_plane, gin_n, in_plane, c0, count, gout_n, out_plane);
                    }
                }
            });
    }
}

}  // namespace

void grid_sample_backward_cpu(const float* grad_output, const float* input, const float* grid,
                              float* grad_input, float* grad_grid, const GridSampleShape& shape,
                              ChannelLayout layout, const GridSampleOptions& options) {
    detail::check_grid_sample_shape(shape, layout);
    detail::dispatch_mode(options.mode, [&](auto mode) {
        constexpr GridSampleMode M = decltype(mode)::value;
        if constexpr (M == GridSampleMode::Nearest) {
            // PyTorch: "grid has zero 0 gradient in Nearest mode"
            std::fill(grad_grid, grad_grid + shape.n * shape.out_h * shape.out_w * 2, 0.f);
        } else {
            grad_grid_pass<M>(grad_output, input, grid, grad_grid, shape, layout, options);
        }
        grad_input_pass<M>(grad_output, grid, grad_input, shape, layout, options);
    });
}

}  // namespace tilesim::ops
