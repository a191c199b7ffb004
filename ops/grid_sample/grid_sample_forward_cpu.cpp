// grid_sample forward on the CPU. Work is split over the n * out_h output rows (oneTBB); for each row the
// taps and weights of every output point are computed once (grid_sample_stencil.hpp) and then applied to
// all channels: channels-last with a vectorised loop over contiguous channels (grid_sample_simd.cpp), NCHW
// one block of channels at a time, each reading its planes at the row's taps.
#include <algorithm>
#include <vector>

#include "ops/grid_sample/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/grid_sample_simd.hpp"

namespace tilesim::ops {
namespace {

using detail::kChannelBlock;

// One output row of an NCHW image: out_row points at output[n, 0, oh, 0].
template <int K>
void forward_nchw_row(const GridStencil<K>* st, int64_t points, const float* in_n, int64_t in_plane,
                      int64_t channels, float* out_row, int64_t out_plane) {
    for (int64_t c0 = 0; c0 < channels; c0 += kChannelBlock) {
        const int64_t count = std::min(kChannelBlock, channels - c0);
        for (int64_t p = 0; p < points; ++p) {
            const GridStencil<K>& s = st[p];
            const float* plane = in_n + c0 * in_plane;
            float* out = out_row + c0 * out_plane + p;
            for (int64_t c = 0; c < count; ++c, plane += in_plane, out += out_plane) {
                *out = detail::sample_plane(s, plane);
            }
        }
    }
}

template <GridSampleMode M>
void forward(const float* input, const float* grid, float* output, const GridSampleShape& s,
             ChannelLayout layout, const GridSampleOptions& options) {
    constexpr int K = kTapsPerAxis<M>;
    const int64_t in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    const std::vector<float> zeros(layout == ChannelLayout::NHWC ? s.c : 0, 0.f);
    detail::parallel_over_rows(s, [&](int64_t first, int64_t last) {
        std::vector<GridStencil<K>> st(s.out_w);
        for (int64_t row = first; row < last; ++row) {
            const int64_t n = row / s.out_h, oh = row % s.out_h;
            detail::build_row_stencils<M, false>(grid + row * s.out_w * 2, s.out_w, s, options, st.data());
            const float* in_n = input + n * s.c * in_plane;
            if (layout == ChannelLayout::NHWC) {
                detail::forward_nhwc_row(st.data(), s.out_w, in_n, zeros.data(), s.c,
                                         output + row * s.out_w * s.c);
            } else {
                forward_nchw_row(st.data(), s.out_w, in_n, in_plane, s.c,
                                 output + n * s.c * out_plane + oh * s.out_w, out_plane);
            }
        }
    });
}

}  // namespace

void grid_sample_forward_cpu(const float* input, const float* grid, float* output,
                             const GridSampleShape& shape, ChannelLayout layout,
                             const GridSampleOptions& options) {
    detail::check_grid_sample_shape(shape, layout);
    detail::dispatch_mode(options.mode, [&](auto mode) {
        forward<decltype(mode)::value>(input, grid, output, shape, layout, options);
    });
}

}  // namespace tilesim::ops
