// grid_sample forward for NCHW inputs by gathering taps, for every grid when there are 16 channels or more
// and for scattered grids (neighbouring output points that read far-apart pixels: the sampling points of
// detection heads, deformable offsets, random augmentation; issue #22) with fewer channels. What keeps it
// fast:
//  - the taps of every output point are computed once (pass 1, vectorised for zeros padding), as
//    structure-of-arrays, and reused by every channel;
//  - whole blocks of 16 channels are copied channels-last inside the block: a tap then reads its 16 values
//    with one cache line, and 16 points' results are transposed in registers into the 16 output planes
//    (one pass over the input and the output instead of a gather per value: 1.5-2x faster than the
//    plane-window kernel on smooth grids, more on random ones);
//  - the channels outside a block gather from their planes, in tiles of points whose taps stay in the L2
//    cache; bilinear reads each stencil row as one 64-bit gather of the pixel pair (gathers cost per
//    element);
//  - outside taps read 0 (a zero block, or masked lanes) with the channels-last kernel's arithmetic
//    (w0 * v0, then fused multiply-adds in tap order), so the values equal those of the NHWC path bit for
//    bit; no scalar fix-ups (a random grid puts a fifth of its points by the border).
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/detail/grid_sample_point_taps.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"

namespace tilesim::ops::detail {
namespace {

constexpr int64_t kTapsBudgetBytes = 256 * 1024;  // taps of one tile: about a quarter of an L2 cache
// Bilinear on planes at least two pixels wide: the pair at (y, clamp(x0, 0, W - 2)) of each stencil row.
void bilinear_pair_taps(const float* grid, int64_t first, int64_t last, const GridSampleShape& s,
                        const GridSampleOptions& o, PointTaps& taps) {
    const int64_t S = taps.stride;
    for (int64_t p = first; p < last; ++p) {
        const AxisTaps<2> ax = bilinear_axis_taps(grid[2 * p], s.w, o.padding_mode, o.align_corners);
        const AxisTaps<2> ay = bilinear_axis_taps(grid[2 * p + 1], s.h, o.padding_mode, o.align_corners);
        const bool x_in[2] = {index_in_range(ax.index[0], s.w), index_in_range(ax.index[1], s.w)};
        const int64_t x_pair = std::clamp<int64_t>(ax.index[0], 0, s.w - 2);
        int32_t code = 0;
        for (int j = 0; j < 2; ++j) {
            const bool y_in = index_in_range(ay.index[j], s.h);
            taps.index[j * S + p] = y_in ? static_cast<int32_t>(ay.index[j] * s.w + x_pair) : 0;
            for (int i = 0; i < 2; ++i) {
                if (y_in && x_in[i]) code |= 1 << (j * 2 + i);
                taps.weight[(j * 2 + i) * S + p] = ax.weight[i] * ay.weight[j];  // make_stencil's order
            }
        }
        if (ax.index[0] == -1) code |= kPairShiftLeft;
        if (ax.index[0] == s.w - 1) code |= kPairShiftRight;
        taps.code[p] = code;
    }
}

}  // namespace

// Whole blocks of 16 channels go channels-last inside the block (one copy of the input, at most 512 MiB).
bool nchw_uses_channel_blocks(const GridSampleShape& s) {
    constexpr int64_t kCopyBudgetBytes = int64_t{512} << 20;
    return s.c >= kChannelBlockWidth && 4 * s.n * s.c * s.h * s.w <= kCopyBudgetBytes;
}

namespace {

// Channels [0, blocks * 16) of every image: the blocks copied channels-last (blocked[n][block][pixel][16]),
// then runs of points per block computed 16 channels at a time and transposed into the 16 output planes.
void forward_channel_blocks(const float* input, float* output, const GridSampleShape& s,
                            const PointTaps& taps, int64_t blocks, int taps_per_point, bool weighted) {
    constexpr int64_t B = kChannelBlockWidth, kChunk = 256;
    const int64_t in_plane = s.h * s.w, plane_points = s.out_h * s.out_w;
    std::unique_ptr<float[]> own;
    float* blocked = call_scratch(0, size_t(s.n * blocks * B * in_plane), own);
    copy_to_channel_blocks(input, s.n, s.c, in_plane, blocks, blocked);
    static const float zeros[B] = {};
    const int64_t chunks = (plane_points + kChunk - 1) / kChunk, S = taps.stride;
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<int64_t>(0, s.n * blocks * chunks),
        [&](const oneapi::tbb::blocked_range<int64_t>& r) {
            for (int64_t i = r.begin(); i < r.end(); ++i) {
                const int64_t chunk = i % chunks, b = i / chunks % blocks, n = i / (chunks * blocks);
                const int64_t p0 = chunk * kChunk, count = std::min(kChunk, plane_points - p0),
                              q = n * plane_points + p0;
                blocked_gather_planes(blocked + (n * blocks + b) * B * in_plane, zeros, taps.index.data() + q,
                                      weighted ? taps.weight.data() + q : nullptr, taps_per_point, S, count,
                                      output + (n * s.c + b * B) * plane_points + p0, plane_points);
            }
        });
}

}  // namespace

bool nchw_takes_gather_kernel(const float* grid, const GridSampleShape& s) {
    // Channel blocks beat the plane-window kernel on smooth grids too, in the cache and past it
    // (bench_grid_sample_cpu, 1x256x96x320 smooth, one thread: bilinear 27.5 -> 15.9 ms, nearest 15.5 ->
    // 9.1 ms); with fewer channels the window kernel stays for smooth grids.
    return RowGather::usable(s) && (nchw_uses_channel_blocks(s) || nchw_grid_is_scattered(grid, s));
}

bool nchw_grid_is_scattered(const float* grid, const GridSampleShape& s) {
    // Samples up to 512 pairs of horizontal neighbours; scattered when most of them read pixels more than 8
    // apart, where the plane windows of the smooth-grid kernel (groups of 8-16 points, 8 windows) cannot
    // cover a group and every tap would be gathered with scalar fix-ups at the border.
    if (s.out_w < 2) return false;
    const int64_t pairs = s.n * s.out_h * (s.out_w - 1), samples = std::min<int64_t>(pairs, 512);
    const float sx = 0.5f * static_cast<float>(s.w), sy = 0.5f * static_cast<float>(s.h);
    int64_t far = 0;
    for (int64_t k = 0; k < samples; ++k) {
        const int64_t q = k * pairs / samples, row = q / (s.out_w - 1), col = q % (s.out_w - 1);
        const float* g = grid + 2 * (row * s.out_w + col);
        if (std::fabs(g[2] - g[0]) * sx + std::fabs(g[3] - g[1]) * sy > 8.f) ++far;
    }
    return 2 * far > samples;
}

void forward_nchw_gather_cpu(const float* input, const float* grid, float* output, const GridSampleShape& s,
                             const GridSampleOptions& options) {
    const int64_t plane_points = s.out_h * s.out_w, points = s.n * plane_points;
    const int64_t blocks = nchw_uses_channel_blocks(s) ? s.c / kChannelBlockWidth : 0;
    const bool pairs = blocks == 0 && options.mode == GridSampleMode::Bilinear && s.w >= 2;
    const int taps_per_point = taps_per_point_of(options.mode);
    const int weights = options.mode == GridSampleMode::Nearest ? 0 : taps_per_point;
    KeptPointTaps kept;
    PointTaps& taps = kept.taps;  // the calling thread's, also in the tasks below
    taps.resize(points, pairs ? 2 : taps_per_point, pairs, weights);

    // Pass 1: the taps of every point.
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, points, 1024),
                              [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                  if (pairs) {
                                      bilinear_pair_taps(grid, r.begin(), r.end(), s, options, taps);
                                      return;
                                  }
                                  dispatch_mode(options.mode, [&](auto mode) {
                                      stencil_taps<decltype(mode)::value>(grid, r.begin(), r.end(), s,
                                                                          options, taps);
                                  });
                              });
    if (blocks > 0) forward_channel_blocks(input, output, s, taps, blocks, taps_per_point, weights > 0);

    // Pass 2 for the channels not in a block (all of them when there are fewer than 16): tiles of points x
    // channels, consecutive work items sharing a tile (its taps stay in the cache).
    const int64_t c0 = blocks * kChannelBlockWidth, channels = s.c - c0;
    if (channels == 0) return;
    const int64_t bytes_per_point = 4 * ((pairs ? 2 : taps_per_point) + (pairs ? 1 : 0) + weights);
    const int64_t max_tile = std::max<int64_t>(64, kTapsBudgetBytes / bytes_per_point);
    const int64_t tiles = (plane_points + max_tile - 1) / max_tile;
    const int64_t tile = ((plane_points + tiles - 1) / tiles + 15) / 16 * 16;  // whole cache lines of output
    const int64_t S = taps.stride, in_plane = s.h * s.w;
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<int64_t>(0, s.n * tiles * channels),
        [&](const oneapi::tbb::blocked_range<int64_t>& r) {
            for (int64_t i = r.begin(); i < r.end(); ++i) {
                const int64_t c = c0 + i % channels, t = i / channels % tiles, n = i / (channels * tiles);
                const int64_t p0 = t * tile, count = std::min(tile, plane_points - p0),
                              q = n * plane_points + p0;
                const float* plane = input + (n * s.c + c) * in_plane;
                float* out = output + (n * s.c + c) * plane_points + p0;
                if (pairs) {
                    bilinear_pair_row(plane, taps.index.data() + q, taps.code.data() + q,
                                      taps.weight.data() + q, S, count, out);
                } else {
                    masked_gather_row(plane, taps.index.data() + q,
                                      weights ? taps.weight.data() + q : nullptr, taps_per_point, S, count,
                                      out);
                }
            }
        });
}

}  // namespace tilesim::ops::detail
