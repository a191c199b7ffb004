// Highway kernels for grid_sample's NCHW backward in channel blocks (grid_sample_backward_nchw.cpp): the
// input, grad_output and grad_input of one image are held channels-last inside blocks of 16 channels, so a
// tap reads or updates its 16 values with one cache line instead of 16 gathers or scalar stores.
// Compiled once per instruction set (hwy/foreach_target.h) and dispatched at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/grid_sample/grid_sample_simd_blocks.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/grid_sample/detail/grid_sample_simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t B = kChannelBlockWidth;

// Per point: one accumulator of 16 lanes per tap across every block, reduced at the end (the same order for
// any thread count: a point's dots are one task's).
template <int T>
void blocked_tap_dots(const float* in, int64_t in_block_stride, const float* gout, int64_t gout_block_stride,
                      int64_t blocks, const int32_t* index, int64_t stride, int64_t points, float* dots) {
    const hn::CappedTag<float, B> d;
    constexpr int64_t N = static_cast<int64_t>(hn::MaxLanes(d)), V = B / N;
    static const float zeros[B] = {};
    for (int64_t p = 0; p < points; ++p) {
        int64_t offset[T];
        bool inside[T];
        for (int t = 0; t < T; ++t) {
            const int32_t i = index[t * stride + p];
            inside[t] = i >= 0;
            offset[t] = inside[t] ? int64_t{i} * B : 0;
        }
        hn::Vec<decltype(d)> acc[T][V];
        for (int t = 0; t < T; ++t)
            for (int64_t v = 0; v < V; ++v) acc[t][v] = hn::Zero(d);
        const float* g_block = gout + p * B;
        const float* in_block = in;
        for (int64_t b = 0; b < blocks; ++b, g_block += gout_block_stride, in_block += in_block_stride) {
            for (int64_t v = 0; v < V; ++v) {
                const auto g = hn::LoadU(d, g_block + v * N);
                for (int t = 0; t < T; ++t) {
                    const float* src = inside[t] ? in_block + offset[t] : zeros;  // outside taps read 0
                    acc[t][v] = hn::MulAdd(g, hn::LoadU(d, src + v * N), acc[t][v]);
                }
            }
        }
        for (int t = 0; t < T; ++t) {
            auto sum = acc[t][0];
            for (int64_t v = 1; v < V; ++v) sum = hn::Add(sum, acc[t][v]);
            dots[p * T + t] = hn::GetLane(hn::SumOfLanes(d, sum));
        }
    }
}

void BlockedTapDots(const float* in, int64_t in_block_stride, const float* gout, int64_t gout_block_stride,
                    int64_t blocks, const int32_t* index, int taps, int64_t stride, int64_t points,
                    float* dots) {
    if (taps == 4) {
        blocked_tap_dots<4>(in, in_block_stride, gout, gout_block_stride, blocks, index, stride, points,
                            dots);
    } else {
        blocked_tap_dots<16>(in, in_block_stride, gout, gout_block_stride, blocks, index, stride, points,
                             dots);
    }
}

constexpr int64_t kScratchRows = kBlockedScatterScratchRows;

// Points in order, then taps: every element of acc receives its contributions in the order of the
// reference's scalar loop. Taps outside the image or the range add into `scratch` (no branch to mispredict
// on a random grid).
template <int T, bool Weighted>
void blocked_scatter(float* acc, float* scratch, const float* gout, const int32_t* index, const float* weight,
                     int64_t stride, int64_t points, int32_t first_pixel, int32_t pixels) {
    const hn::CappedTag<float, B> d;
    constexpr int64_t N = static_cast<int64_t>(hn::MaxLanes(d)), V = B / N;
    for (int64_t p = 0; p < points; ++p) {
        hn::Vec<decltype(d)> g[V];
        for (int64_t v = 0; v < V; ++v) g[v] = hn::LoadU(d, gout + p * B + v * N);
        for (int t = 0; t < T; ++t) {
            const uint32_t i = static_cast<uint32_t>(index[t * stride + p] - first_pixel);  // -1: huge
            // consecutive skipped taps go to different scratch rows: no chain of stores and reloads
            float* dst = i < static_cast<uint32_t>(pixels) ? acc + int64_t{i} * B
                                                           : scratch + ((p * T + t) % kScratchRows) * B;
            for (int64_t v = 0; v < V; ++v) {
                const auto old = hn::LoadU(d, dst + v * N);
                const auto sum =
                    Weighted ? hn::MulAdd(hn::Set(d, weight[t * stride + p]), g[v], old) : hn::Add(old, g[v]);
                hn::StoreU(sum, d, dst + v * N);
            }
        }
    }
}

void BlockedScatter(float* acc, float* scratch, const float* gout, const int32_t* index, const float* weight,
                    int taps, int64_t stride, int64_t points, int32_t first_pixel, int32_t pixels) {
    if (!weight) {
        blocked_scatter<1, false>(acc, scratch, gout, index, weight, stride, points, first_pixel, pixels);
    } else if (taps == 4) {
        blocked_scatter<4, true>(acc, scratch, gout, index, weight, stride, points, first_pixel, pixels);
    } else {
        blocked_scatter<16, true>(acc, scratch, gout, index, weight, stride, points, first_pixel, pixels);
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(BlockedTapDots);
HWY_EXPORT(BlockedScatter);

void blocked_tap_dots(const float* in, int64_t in_block_stride, const float* gout, int64_t gout_block_stride,
                      int64_t blocks, const int32_t* index, int taps, int64_t stride, int64_t points,
                      float* dots) {
    HWY_DYNAMIC_DISPATCH(BlockedTapDots)
    (in, in_block_stride, gout, gout_block_stride, blocks, index, taps, stride, points, dots);
}

void blocked_scatter(float* acc, float* scratch, const float* gout, const int32_t* index, const float* weight,
                     int taps, int64_t stride, int64_t points, int32_t first_pixel, int32_t pixels) {
    HWY_DYNAMIC_DISPATCH(BlockedScatter)
    (acc, scratch, gout, index, weight, taps, stride, points, first_pixel, pixels);
}

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
