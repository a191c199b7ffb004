// grid_sample forward on the CPU. Work is split over the n * out_h output rows (oneTBB); for each row the
// taps and weights of every output point are computed once (grid_sample_stencil.hpp) and then applied to
// all channels: channels-last with a vectorised loop over contiguous channels, NCHW one channel plane at a
// time with a loop over the row's points vectorised by gathers (grid_sample_simd.cpp).
#include <vector>

#include "ops/grid_sample/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/grid_sample_simd.hpp"

namespace tilesim::ops {
namespace {

// One output row of an NCHW image: out_row points at output[n, 0, oh, 0]. One channel at a time (planes are
// often a power of two apart, so interleaving channels would thrash the cache sets), vectorised over the
// row's points with gathers; points with an outside tap are redone exactly.
template <int K>
void forward_nchw_row(const GridStencil<K>* st, int64_t points, const float* in_n, int64_t in_plane,
                      int64_t channels, float* out_row, int64_t out_plane, detail::RowGather* gather) {
    if (gather) gather->build(st, points);
    for (int64_t c = 0; c < channels; ++c) {
        const float* plane = in_n + c * in_plane;
        float* out = out_row + c * out_plane;
        if (gather) {
            detail::gather_weighted_row(plane, gather->index.data(), gather->weight.data(), K * K, points,
                                        out);
            for (int64_t p : gather->fixups) out[p] = detail::sample_plane(st[p], plane);
        } else {
            for (int64_t p = 0; p < points; ++p) out[p] = detail::sample_plane(st[p], plane);
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
        detail::RowGather gather;
        for (int64_t row = first; row < last; ++row) {
            const int64_t n = row / s.out_h, oh = row % s.out_h;
            detail::build_row_stencils<M, false>(grid + row * s.out_w * 2, s.out_w, s, options, st.data());
            const float* in_n = input + n * s.c * in_plane;
            if (layout == ChannelLayout::NHWC) {
                detail::forward_nhwc_row(st.data(), s.out_w, in_n, zeros.data(), s.c,
                                         output + row * s.out_w * s.c);
            } else {
                forward_nchw_row(st.data(), s.out_w, in_n, in_plane, s.c,
                                 output + n * s.c * out_plane + oh * s.out_w, out_plane,
                                 detail::RowGather::usable(s) ? &gather : nullptr);
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
