// grid_sample forward on the CPU. Channels-last here: work is split over the n * out_h output rows (oneTBB);
// each row's taps and weights are computed once (grid_sample_stencil.hpp) and applied to the contiguous
// channels of every tap with a vectorised loop (grid_sample_simd.cpp). NCHW: 16 channels or more, or a
// scattered grid, grid_sample_forward_nchw_gather.cpp (blocks of 16 channels copied channels-last); smooth
// grids on fewer channels, grid_sample_forward_nchw.cpp (plane windows).
#include <vector>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"

namespace tilesim::ops {
namespace {

template <GridSampleMode M>
void forward_nhwc(const float* input, const float* grid, float* output, const GridSampleShape& s,
                  const GridSampleOptions& options) {
    constexpr int K = kTapsPerAxis<M>;
    const std::vector<float> zeros(s.c, 0.f);  // what outside taps read
    detail::parallel_over_rows(s, [&](int64_t first, int64_t last) {
        std::vector<GridStencil<K>> st(s.out_w);
        for (int64_t row = first; row < last; ++row) {
            const int64_t n = row / s.out_h;
            detail::build_row_stencils<M, false>(grid + row * s.out_w * 2, s.out_w, s, options, st.data());
            detail::forward_nhwc_row(st.data(), s.out_w, input + n * s.h * s.w * s.c, zeros.data(), s.c,
                                     output + row * s.out_w * s.c);
        }
    });
}

}  // namespace

void grid_sample_forward_cpu(const float* input, const float* grid, float* output,
                             const GridSampleShape& shape, ChannelLayout layout,
                             const GridSampleOptions& options) {
    detail::check_grid_sample_shape(shape, layout);
    if (layout == ChannelLayout::NCHW) {
        if (detail::nchw_takes_gather_kernel(grid, shape))
            detail::forward_nchw_gather_cpu(input, grid, output, shape, options);
        else
            detail::forward_nchw_cpu(input, grid, output, shape, options);
        return;
    }
    detail::dispatch_mode(options.mode, [&](auto mode) {
        forward_nhwc<decltype(mode)::value>(input, grid, output, shape, options);
    });
}

}  // namespace tilesim::ops
