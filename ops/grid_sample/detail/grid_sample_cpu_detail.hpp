#pragma once
// Pieces shared by the grid_sample CPU forward and backward passes (not part of the public API).
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/detail/grid_sample_stencil.hpp"

namespace tilesim::ops::detail {

// Channels owned by one grad_input task of the backward pass. Fixed, so that results never depend on the
// thread count.
inline constexpr int64_t kChannelBlock = 16;

// Calls f(std::integral_constant<GridSampleMode, M>{}) with the mode as a compile-time constant.
template <class F>
void dispatch_mode(GridSampleMode mode, F&& f) {
    switch (mode) {
        case GridSampleMode::Bilinear:
            f(std::integral_constant<GridSampleMode, GridSampleMode::Bilinear>{});
            break;
        case GridSampleMode::Nearest:
            f(std::integral_constant<GridSampleMode, GridSampleMode::Nearest>{});
            break;
        case GridSampleMode::Bicubic:
            f(std::integral_constant<GridSampleMode, GridSampleMode::Bicubic>{});
            break;
    }
}

// Stencils of `points` consecutive output points whose grid entries start at grid_row ((x, y) pairs).
template <GridSampleMode M, bool WithGrad>
void build_row_stencils(const float* grid_row, int64_t points, const GridSampleShape& s,
                        const GridSampleOptions& options, GridStencil<kTapsPerAxis<M>>* out) {
    for (int64_t p = 0; p < points; ++p) {
        make_stencil<M, WithGrad>(grid_row[2 * p], grid_row[2 * p + 1], s.h, s.w, options.padding_mode,
                                  options.align_corners, out[p]);
    }
}

// Runs body(first_row, last_row) over the n * out_h output rows in parallel.
template <class Body>
void parallel_over_rows(const GridSampleShape& s, Body&& body) {
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<int64_t>(0, s.n * s.out_h),
        [&](const oneapi::tbb::blocked_range<int64_t>& r) { body(r.begin(), r.end()); });
}

// Sum over the taps of a stencil of weight * plane[pixel] (one channel of an NCHW image); outside taps read
// zero, weighted as PyTorch does (outside_bias).
template <int K>
inline float sample_plane(const GridStencil<K>& s, const float* plane) {
    constexpr int T = K * K;
    if (s.all_inside) {
        float acc = s.weight[0] * plane[s.pixel[0]];
        for (int t = 1; t < T; ++t) acc += s.weight[t] * plane[s.pixel[t]];
        return acc;
    }
    float acc = s.outside_bias;
    for (int t = 0; t < T; ++t) {
        if (s.pixel[t] >= 0) acc += s.weight[t] * plane[s.pixel[t]];
    }
    return acc;
}

// The taps of a row of points as structure-of-arrays for the backward pass's NCHW gather loop
// (gather_dots_row): index[t * P + p]. A point with an outside tap reads pixel 0 there and is listed in
// `fixups`, for the caller to recompute exactly (PyTorch's masked read) after the vector loop.
struct RowGather {
    std::vector<int32_t> index;
    std::vector<int64_t> fixups;

    // int32 gather indices address planes of fewer than 2^31 pixels; larger planes take the scalar loops.
    static bool usable(const GridSampleShape& s) { return s.h * s.w <= std::numeric_limits<int32_t>::max(); }

    template <int K>
    void build(const GridStencil<K>* st, int64_t points) {
        constexpr int T = K * K;
        index.resize(T * points);
        fixups.clear();
        for (int64_t p = 0; p < points; ++p) {
            if (!st[p].all_inside) fixups.push_back(p);
            for (int t = 0; t < T; ++t) {
                index[t * points + p] = st[p].pixel[t] >= 0 ? static_cast<int32_t>(st[p].pixel[t]) : 0;
            }
        }
    }
};

// Forward for NCHW inputs (grid_sample_forward_nchw.cpp); the shape has been checked.
void forward_nchw_cpu(const float* input, const float* grid, float* output, const GridSampleShape& s,
                      const GridSampleOptions& options);

// Forward for NCHW inputs by gathering taps (grid_sample_forward_nchw_gather.cpp), taken when
// nchw_takes_gather_kernel: the input has whole blocks of 16 channels (nchw_uses_channel_blocks) or the grid
// is scattered (neighbouring points read pixels far apart); planes must have fewer than 2^31 pixels
// (RowGather::usable).
bool nchw_takes_gather_kernel(const float* grid, const GridSampleShape& s);
bool nchw_uses_channel_blocks(const GridSampleShape& s);
bool nchw_grid_is_scattered(const float* grid, const GridSampleShape& s);
void forward_nchw_gather_cpu(const float* input, const float* grid, float* output, const GridSampleShape& s,
                             const GridSampleOptions& options);

// Storage for `floats` floats during one call: the calling thread's buffer number `slot` (< kScratchSlots),
// kept between calls up to 64 MiB, or a buffer made for the call and held by `own`. Not zeroed.
inline constexpr int kScratchSlots = 1;
float* call_scratch(int slot, size_t floats, std::unique_ptr<float[]>& own);

// Channels [0, blocks * 16) of the n images of x (NCHW, planes of `plane` values) copied channels-last inside
// blocks of 16: out[((image * blocks + b) * plane + i) * 16 + c] = channel b * 16 + c at i, 0 past channel
// C - 1. Parallel over chunks of pixels (grid_sample_channel_blocks.cpp).
void copy_to_channel_blocks(const float* x, int64_t n, int64_t c, int64_t plane, int64_t blocks, float* out);

// Backward for NCHW inputs in channel blocks (grid_sample_backward_nchw.cpp); false, having done nothing,
// where it does not apply (the blocked copies would pass 512 MiB, or planes of 2^31 pixels or more).
bool backward_nchw_blocks_cpu(const float* grad_output, const float* input, const float* grid,
                              float* grad_input, float* grad_grid, const GridSampleShape& s,
                              const GridSampleOptions& options);

// Throws InvalidArgument unless the sizes are a valid grid_sample problem.
void check_grid_sample_shape(const GridSampleShape& s, ChannelLayout layout);

}  // namespace tilesim::ops::detail
