// grid_sample forward on the CPU. Channels-last here: work is split over the n * out_h output rows (oneTBB);
// each row's taps and weights are computed once (grid_sample_stencil.hpp) and applied to the contiguous
// channels of every tap with a vectorised loop (grid_sample_simd.cpp). NCHW: scattered grids take
// grid_sample_forward_nchw_scattered.cpp; smooth ones grid_sample_forward_nchw.cpp, or, for bilinear on
// cache-sized tensors, a transpose to channels-last and back (below).
#include <memory>
#include <vector>

#include "ops/common/transpose_simd.hpp"
#include "ops/grid_sample/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/grid_sample_simd.hpp"

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

// NCHW bilinear whose tensors fit in the last-level cache goes channels-last: the two transposes plus the
// NHWC kernel (contiguous SIMD over channels) take about half the time of gathering from channel planes
// (bench_grid_sample_cpu, 8x32x64x64: 0.99 -> 0.50 ms). Larger tensors would cross memory three times
// that way, and nearest's gathers are already cheap: they stay on the NCHW kernel.
bool nchw_via_channels_last(const GridSampleShape& s, const GridSampleOptions& options) {
    constexpr double kCacheBudgetBytes = 16.0 * 1024 * 1024;
    const double bytes = 4.0 * double(s.n * s.c) * double(s.h * s.w + s.out_h * s.out_w);
    return options.mode == GridSampleMode::Bilinear && s.c >= 16 && bytes <= kCacheBudgetBytes;
}

void forward_nchw_via_channels_last(const float* input, const float* grid, float* output,
                                    const GridSampleShape& s, const GridSampleOptions& options) {
    const auto n = static_cast<size_t>(s.n), c = static_cast<size_t>(s.c);
    const size_t in_pixels = size_t(s.h * s.w), out_pixels = size_t(s.out_h * s.out_w);
    // Scratch kept by the calling thread (at most the cache budget): freshly mapped pages would cost
    // more in page faults than the whole computation.
    thread_local std::unique_ptr<float[]> scratch;
    thread_local size_t scratch_floats = 0;
    const size_t need = n * c * (in_pixels + out_pixels);
    if (scratch_floats < need) {
        scratch.reset(new float[need]);  // fully overwritten before it is read: no zeroing
        scratch_floats = need;
    }
    float* in_nhwc = scratch.get();
    float* out_nhwc = scratch.get() + n * c * in_pixels;
    detail::transpose_planes(input, in_nhwc, n, c, in_pixels);
    forward_nhwc<GridSampleMode::Bilinear>(in_nhwc, grid, out_nhwc, s, options);
    detail::transpose_planes(out_nhwc, output, n, out_pixels, c);
}

}  // namespace

void grid_sample_forward_cpu(const float* input, const float* grid, float* output,
                             const GridSampleShape& shape, ChannelLayout layout,
                             const GridSampleOptions& options) {
    detail::check_grid_sample_shape(shape, layout);
    if (layout == ChannelLayout::NCHW) {
        if (detail::RowGather::usable(shape) && detail::nchw_grid_is_scattered(grid, shape))
            detail::forward_nchw_scattered_cpu(input, grid, output, shape, options);
        else if (nchw_via_channels_last(shape, options))
            forward_nchw_via_channels_last(input, grid, output, shape, options);
        else
            detail::forward_nchw_cpu(input, grid, output, shape, options);
        return;
    }
    detail::dispatch_mode(options.mode, [&](auto mode) {
        forward_nhwc<decltype(mode)::value>(input, grid, output, shape, options);
    });
}

}  // namespace tilesim::ops
