// grid_sample backward for NCHW inputs in channel blocks (issue #22), every mode and padding. The per-plane
// gathers of grad_grid's dots and the scalar scatter into grad_input planes cost a gather or a scalar
// read-modify-write per value on a random grid; here both go through blocks of 16 channels held
// channels-last, where a tap reads or updates its 16 values with one cache line:
//  1. bilinear and bicubic: the input is copied channels-last per block (zeros past the last channel);
//  2. per chunk of output points of one image (parallel): the taps are built once; bilinear and bicubic
//     copy the chunk's grad_output channels-last per block, accumulate each point's dots with it over the
//     blocks in 16-lane vectors, reduce them and weigh them by the tap weights' derivatives into grad_grid;
//  3. per image and block (parallel; with few of them, per range of its pixels too): grad_output is copied
//     channels-last a chunk of points at a time and scattered, points in order, into the task's
//     channels-last accumulator (cache-sized for most maps), which is then transposed into grad_input's
//     planes. grad_output is read twice and grad_input written once; nothing else of that size crosses
//     memory.
// Deterministic, and independent of the split: a point's dots belong to one task, and every grad_input
// element receives its contributions from one task, in point order.
#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include <oneapi/tbb/task_arena.h>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/detail/grid_sample_point_taps.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"

namespace tilesim::ops::detail {
namespace {

constexpr int64_t B = kChannelBlockWidth;
constexpr int64_t kPointChunk = 256;  // points per task of pass 2 and per copy of pass 3 (16 KiB per block)

// A buffer of the calling thread that grows to the largest size asked and is reused.
float* thread_buffer(size_t floats) {
    thread_local std::vector<float> buffer;
    if (buffer.size() < floats) buffer.resize(floats);
    return buffer.data();
}

// grad_output of points [p0, p0 + count) of image n, channels-last per block: out[(b * count + p) * 16 + c].
void copy_chunk_to_blocks(const float* grad_output, const GridSampleShape& s, int64_t n, int64_t p0,
                          int64_t count, int64_t b0, int64_t blocks, float* out) {
    const int64_t out_plane = s.out_h * s.out_w;
    for (int64_t b = b0; b < b0 + blocks; ++b) {
        block_channels(grad_output + (n * s.c + b * B) * out_plane + p0, out_plane, std::min(B, s.c - b * B),
                       count, out + (b - b0) * count * B);
    }
}

// Pass 2 for the points [q0, q0 + count) of image n: their taps into `taps`, and (bilinear, bicubic)
// grad_grid from the blocked input of the image and its grad_output.
template <GridSampleMode M>
void point_chunk(const float* grid, const float* grad_output, const float* blocked_in, int64_t blocks,
                 const GridSampleShape& s, const GridSampleOptions& o, int64_t n, int64_t q0, int64_t count,
                 PointTaps& taps, float* grad_grid) {
    constexpr int K = kTapsPerAxis<M>, T = K * K;
    constexpr bool kGrad = M != GridSampleMode::Nearest;  // nearest: taps only, grad_grid 0
    const int64_t S = taps.stride, in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    if constexpr (!kGrad) {
        stencil_taps<M>(grid, q0, q0 + count, s, o, taps);
        std::fill(grad_grid + 2 * q0, grad_grid + 2 * (q0 + count), 0.f);  // PyTorch: no gradient in nearest
    } else {
        GridStencil<K> st[kPointChunk];
        for (int64_t p = 0; p < count; ++p) {
            const int64_t q = q0 + p;
            make_stencil<M, true>(grid[2 * q], grid[2 * q + 1], s.h, s.w, o.padding_mode, o.align_corners,
                                  st[p]);
            for (int t = 0; t < T; ++t) {
                taps.index[t * S + q] = static_cast<int32_t>(st[p].pixel[t]);
                taps.weight[t * S + q] = st[p].weight[t];
            }
        }
        float* gout = thread_buffer(size_t(blocks * count * B));
        copy_chunk_to_blocks(grad_output, s, n, q0 - n * out_plane, count, 0, blocks, gout);
        float dots[T * kPointChunk];
        blocked_tap_dots(blocked_in + n * blocks * in_plane * B, in_plane * B, gout, count * B, blocks,
                         taps.index.data() + q0, T, S, count, dots);
        for (int64_t p = 0; p < count; ++p) {
            float gx = 0.f, gy = 0.f;
            for (int t = 0; t < T; ++t) {
                const float dot = dots[p * T + t];
                gx += dot * st[p].dweight_dx[t];
                gy += dot * st[p].dweight_dy[t];
            }
            grad_grid[2 * (q0 + p)] = gx;
            grad_grid[2 * (q0 + p) + 1] = gy;
        }
    }
}

// Pass 3 for the pixels [x0, x1) of block b of image n: every point's taps that read them, into acc
// (channels-last, zeroed here), then grad_input's planes.
void scatter_pixels(const float* grad_output, const PointTaps& taps, int taps_per_point, bool weighted,
                    const GridSampleShape& s, int64_t n, int64_t b, int64_t x0, int64_t x1,
                    float* grad_input) {
    const int64_t in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    float* acc = thread_buffer(size_t((x1 - x0) * B));  // kept by the worker between calls
    std::fill(acc, acc + (x1 - x0) * B, 0.f);
    alignas(64) float gout[kPointChunk * B], outside[kBlockedScatterScratchRows * B];
    for (int64_t p0 = 0; p0 < out_plane; p0 += kPointChunk) {
        const int64_t count = std::min(kPointChunk, out_plane - p0), q = n * out_plane + p0;
        copy_chunk_to_blocks(grad_output, s, n, p0, count, b, 1, gout);
        blocked_scatter(acc, outside, gout, taps.index.data() + q,
                        weighted ? taps.weight.data() + q : nullptr, taps_per_point, taps.stride, count,
                        static_cast<int32_t>(x0), static_cast<int32_t>(x1 - x0));
    }
    unblock_channels(acc, x1 - x0, std::min(B, s.c - b * B), grad_input + (n * s.c + b * B) * in_plane + x0,
                     in_plane);
}

// Pass 3 splits each (image, block)'s pixels into this many ranges, each owned by one task that takes the
// taps reading it from every point in order: when there are fewer (image, block) pairs than cores (a single
// image of 16 channels is one pair), and so that an accumulator stays within 16 MiB on huge maps (each
// range reads all of grad_output again). Every element still receives its contributions in point order, so
// the results do not depend on the split, which may follow the thread count.
int64_t scatter_ranges(const GridSampleShape& s, int64_t blocks) {
    constexpr int64_t kMinPixels = 1024, kMaxPixels = (int64_t{16} << 20) / (4 * B);
    const int64_t cores = std::min(8, oneapi::tbb::this_task_arena::max_concurrency());
    const int64_t pairs = s.n * blocks, in_plane = s.h * s.w;
    const int64_t for_cores = std::min((cores + pairs - 1) / pairs, in_plane / kMinPixels);
    return std::max({int64_t{1}, for_cores, (in_plane + kMaxPixels - 1) / kMaxPixels});
}

}  // namespace

bool backward_nchw_blocks_cpu(const float* grad_output, const float* input, const float* grid,
                              float* grad_input, float* grad_grid, const GridSampleShape& s,
                              const GridSampleOptions& options) {
    constexpr int64_t kCopyBudgetFloats = int64_t{128} << 20;  // 512 MiB for the blocked input
    const int64_t in_plane = s.h * s.w, out_plane = s.out_h * s.out_w, points = s.n * out_plane;
    const int64_t blocks = (s.c + B - 1) / B;
    const bool weighted = options.mode != GridSampleMode::Nearest;  // nearest: no grad_grid, no input read
    if (in_plane > std::numeric_limits<int32_t>::max() ||
        (weighted && s.n * blocks * B * in_plane > kCopyBudgetFloats)) {
        return false;
    }
    // 1. the blocked input
    std::unique_ptr<float[]> own;
    float* blocked_in = nullptr;
    if (weighted) {
        blocked_in = call_scratch(0, size_t(s.n * blocks * B * in_plane), own);
        copy_to_channel_blocks(input, s.n, s.c, in_plane, blocks, blocked_in);
    }

    // 2. taps and grad_grid, per chunk of points of one image
    const int taps_per_point = taps_per_point_of(options.mode);
    KeptPointTaps kept;
    PointTaps& taps = kept.taps;  // the calling thread's, also in the tasks below
    taps.resize(points, taps_per_point, false, weighted ? taps_per_point : 0);
    const int64_t chunks = (out_plane + kPointChunk - 1) / kPointChunk;
    dispatch_mode(options.mode, [&](auto mode) {
        oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, s.n * chunks),
                                  [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                      for (int64_t i = r.begin(); i < r.end(); ++i) {
                                          const int64_t n = i / chunks, p0 = i % chunks * kPointChunk;
                                          point_chunk<decltype(mode)::value>(
                                              grid, grad_output, blocked_in, blocks, s, options, n,
                                              n * out_plane + p0, std::min(kPointChunk, out_plane - p0), taps,
                                              grad_grid);
                                      }
                                  });
    });

    // 3. grad_input, per image and block
    const int64_t ranges = scatter_ranges(s, blocks), range = (in_plane + ranges - 1) / ranges;
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, s.n * blocks * ranges, 1),
                              [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                  for (int64_t i = r.begin(); i < r.end(); ++i) {
                                      const int64_t nb = i / ranges, x0 = i % ranges * range;
                                      scatter_pixels(grad_output, taps, taps_per_point, weighted, s,
                                                     nb / blocks, nb % blocks, x0,
                                                     std::min(in_plane, x0 + range), grad_input);
                                  }
                              });
    return true;
}

}  // namespace tilesim::ops::detail
