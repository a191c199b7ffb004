// grid_sample backward on the CPU. NCHW inputs go through channel blocks (grid_sample_backward_nchw.cpp)
// unless their blocked copy would pass 512 MiB; those and NHWC inputs take two deterministic passes:
//  1. grad_grid, split over output rows: each output point dots grad_output with its taps' input values
//     (one dot per tap) and weighs the dots by the derivatives of the tap weights. Nothing is shared.
//  2. grad_input, one image at a time: the image's stencils are built once (split over rows), then each task
//     owns a fixed block of kChannelBlock channels and scatters weight * grad_output for every output point
//     in order. Every grad_input element is written by one task, in the same order for any thread count.
#include <algorithm>
#include <vector>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"

namespace tilesim::ops {
namespace {

using detail::kChannelBlock;
namespace tbb = oneapi::tbb;

// dots[t * stride] += g * plane[pixel t] over the inside taps of one point.
template <int K>
void accumulate_tap_dots(const GridStencil<K>& s, const float* plane, float g, float* dots, int64_t stride) {
    for (int t = 0; t < K * K; ++t) {
        if (s.pixel[t] >= 0) dots[t * stride] += g * plane[s.pixel[t]];
    }
}

// dots[t * P + p] = sum_c gout[c, p] * plane_c[pixel t of point p] for one output row of an NCHW image
// (outside taps read zeros). One channel plane at a time, vectorised over points with gathers; points with
// an outside tap are redone exactly.
template <int K>
void tap_dots_nchw_row(const GridStencil<K>* st, int64_t points, const float* in_n, int64_t in_plane,
                       int64_t channels, const float* gout_row, int64_t out_plane, float* dots,
                       detail::RowGather* gather) {
    constexpr int T = K * K;
    std::fill(dots, dots + points * T, 0.f);
    if (gather) gather->build(st, points);
    for (int64_t c = 0; c < channels; ++c) {
        const float* plane = in_n + c * in_plane;
        const float* g = gout_row + c * out_plane;
        if (gather) {
            detail::gather_dots_row(plane, gather->index.data(), g, T, points, points, dots);
        } else {
            for (int64_t p = 0; p < points; ++p) accumulate_tap_dots(st[p], plane, g[p], dots + p, points);
        }
    }
    if (!gather) return;
    for (int64_t p : gather->fixups) {
        for (int t = 0; t < T; ++t) dots[t * points + p] = 0.f;
        for (int64_t c = 0; c < channels; ++c) {
            accumulate_tap_dots(st[p], in_n + c * in_plane, gout_row[c * out_plane + p], dots + p, points);
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
        detail::RowGather gather;
        for (int64_t row = first; row < last; ++row) {
            const int64_t n = row / s.out_h, oh = row % s.out_h;
            detail::build_row_stencils<M, true>(grid + row * s.out_w * 2, s.out_w, s, options, st.data());
            const float* in_n = input + n * s.c * in_plane;
            // dots[p * p_stride + t * t_stride]: point-major for NHWC, tap-major for NCHW
            int64_t p_stride = T, t_stride = 1;
            if (layout == ChannelLayout::NHWC) {
                detail::tap_dots_nhwc_row(st.data(), s.out_w, in_n, zeros.data(), s.c,
                                          gout + row * s.out_w * s.c, dots.data());
            } else {
                tap_dots_nchw_row(st.data(), s.out_w, in_n, in_plane, s.c,
                                  gout + n * s.c * out_plane + oh * s.out_w, out_plane, dots.data(),
                                  detail::RowGather::usable(s) ? &gather : nullptr);
                p_stride = 1;
                t_stride = s.out_w;
            }
            float* gg = grad_grid + row * s.out_w * 2;
            for (int64_t p = 0; p < s.out_w; ++p) {
                float gx = 0.f, gy = 0.f;
                for (int t = 0; t < T; ++t) {
                    const float dot = dots[p * p_stride + t * t_stride];
                    gx += dot * st[p].dweight_dx[t];
                    gy += dot * st[p].dweight_dy[t];
                }
                gg[2 * p] = gx;
                gg[2 * p + 1] = gy;
            }
        }
    });
}

// Channels [c0, c0 + count) of one NCHW image. Points go in chunks whose stencils stay in L1 while each
// channel plane takes them in turn; every element still receives its contributions in point order.
template <int K>
void scatter_nchw(const GridStencil<K>* st, int64_t points, float* gin_n, int64_t in_plane, int64_t c0,
                  int64_t count, const float* gout_n, int64_t out_plane) {
    constexpr int T = K * K;
    constexpr int64_t kChunk = 128;
    for (int64_t p0 = 0; p0 < points; p0 += kChunk) {
        const int64_t p1 = std::min(points, p0 + kChunk);
        for (int64_t c = c0; c < c0 + count; ++c) {
            float* plane = gin_n + c * in_plane;
            const float* g = gout_n + c * out_plane;
            for (int64_t p = p0; p < p1; ++p) {
                for (int t = 0; t < T; ++t) {
                    if (st[p].pixel[t] >= 0) plane[st[p].pixel[t]] += st[p].weight[t] * g[p];
                }
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
    if (layout == ChannelLayout::NCHW &&
        detail::backward_nchw_blocks_cpu(grad_output, input, grid, grad_input, grad_grid, shape, options)) {
        return;
    }
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
