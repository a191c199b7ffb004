// grid_sample forward for NCHW inputs. PyTorch's layout puts each channel in its own plane, so every output
// value is a gather; what keeps it fast:
//  - work is split into tiles of a few output rows, which a smooth grid maps to a band of input rows;
//  - the tile's taps are computed once, then applied to one channel plane after another (planes are often
//    a power of two apart, so interleaving channels would thrash the cache sets), while the tile's input
//    window in the next plane is brought into the cache with ordinary loads (Window::touch);
//  - the loops are vectorised over groups of points; a smooth grid maps a group's sources for one tap into
//    a few short stretches of plane rows, read with vector loads and lane permutes, which beat gathers
//    (1.2-2x on the machines measured; scattered sources fall back to gathers); nearest copies without
//    weights;
//  - points with an outside tap (rare: the image border) are recomputed exactly afterwards, so the vector
//    loops need no masks.
// Planes of 2^31 pixels or more (int32 gather indices cannot address them) take a scalar loop.
#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"

namespace tilesim::ops::detail {
namespace {

struct TileShape {
    int64_t rows, cols;
};

// Whole rows up to 512 columns, about 2048 points: the tile's input window is then a run of whole input rows
// that the caches stream well (narrower tiles measured up to 1.7x slower once the input outgrows the
// cache). Depends only on the problem, so results never depend on the thread count.
TileShape nchw_tile_shape(const GridSampleShape& s) {
    const int64_t cols = std::min<int64_t>(s.out_w, 512);
    return {std::min<int64_t>(s.out_h, std::max<int64_t>(1, 2048 / cols)), cols};
}

// Bounding box of the pixels a tile reads, to pull them into the cache before they are gathered (a hint:
// rows from the smallest and largest pixel index, columns from the first and last point of each tile row,
// which is exact for the smooth grids where it matters and costs no division per point).
struct Window {
    int64_t lo = 0, hi = -1;  // pixel index range
    int64_t x0 = 0, x1 = -1;  // column range
    int64_t y0 = 0, y1 = -1;  // row range, set by finish()
    int64_t width = 1;

    void reset(int64_t w) { *this = Window{std::numeric_limits<int64_t>::max(), -1, w, -1, 0, -1, w}; }
    void add_pixel(int64_t pixel) {
        lo = std::min(lo, pixel);
        hi = std::max(hi, pixel);
    }
    void add_column(int64_t pixel) {
        x0 = std::min(x0, pixel % width);
        x1 = std::max(x1, pixel % width);
    }
    void finish() {
        if (hi < 0 || x1 < 0) return;
        y0 = lo / width;
        y1 = hi / width;
    }

    // Loads one float per cache line of the window. Software prefetch instructions did not help on the
    // machines measured (the gathers still waited on memory); plain loads issued a channel ahead do: the
    // gathers then hit the cache, about 3x faster when the input does not fit in the cache.
    void touch(const float* plane) const {
        float sum = 0.f;
        for (int64_t y = y0; y <= y1; ++y) {
            const float* row = plane + y * width;
            for (int64_t x = x0; x <= x1; x += 16) sum += row[x];
            sum += row[x1];
        }
        __asm__ volatile("" : : "x"(sum));
    }
};

// Covers the sources of one tap for a group of L points (idx[0, L), plane indices) with at most kMaxWindows
// L-wide windows of the plane and rewrites idx as r * L + lane (window_gather_row). One pass in point order:
// a source outside every window so far opens a new one, starting at it (ending at it when the group's
// sources run backwards). Returns false, leaving idx alone, when the sources are too scattered. Points that
// will be fixed up take lane 0.
template <int K>
bool plan_windows(int32_t* idx, const GridStencil<K>* st, int64_t lanes, int64_t plane_size, int32_t* win) {
    int64_t first = -1, last = -1;
    for (int64_t i = 0; i < lanes; ++i) {
        if (!st[i].all_inside) continue;
        if (first < 0) first = i;
        last = i;
    }
    constexpr int64_t kMaxLanes = 64;
    if (plane_size < lanes || lanes > kMaxLanes) return false;
    std::fill(win, win + kMaxWindows, -1);
    const bool backwards = first >= 0 && idx[last] < idx[first];
    int32_t lane[kMaxLanes];
    int used = 0;
    for (int64_t i = 0; i < lanes; ++i) {
        if (!st[i].all_inside) {
            lane[i] = 0;
            continue;
        }
        const int64_t src = idx[i];
        int r = 0;
        while (r < used && !(src >= win[r] && src < win[r] + lanes)) ++r;
        if (r == used) {
            if (used == kMaxWindows) return false;
            const int64_t start = backwards ? src - lanes + 1 : src;
            win[used++] = static_cast<int32_t>(std::clamp<int64_t>(start, 0, plane_size - lanes));
        }
        lane[i] = static_cast<int32_t>(r * lanes + src - win[r]);
    }
    if (used == 0) win[0] = 0;  // every point is fixed up
    std::copy(lane, lane + lanes, idx);
    return true;
}

// Tap t of a group whose points all have every tap inside, at a constant offset from tap 0 (bilinear;
// bicubic with zeros padding): reuses tap 0's lanes with shifted windows. False when that does not hold.
template <int K>
bool shift_windows(const int32_t* lanes0, const int32_t* win0, int32_t* idx, const GridStencil<K>* st, int t,
                   int64_t lanes, int64_t plane_size, int32_t* win) {
    const int64_t delta = st[0].pixel[t] - st[0].pixel[0];
    for (int64_t i = 0; i < lanes; ++i) {
        if (!st[i].all_inside || st[i].pixel[t] - st[i].pixel[0] != delta) return false;
    }
    for (int r = 0; r < kMaxWindows; ++r) {
        win[r] = win0[r] < 0 ? -1 : static_cast<int32_t>(win0[r] + delta);
        if (win0[r] >= 0 && (win[r] < 0 || win[r] > plane_size - lanes)) return false;
    }
    std::copy(lanes0, lanes0 + lanes, idx);
    return true;
}

// The taps of one tile in the form the vector loops want, rebuilt per tile in per-thread scratch.
template <int K>
struct TileTaps {
    static constexpr int T = K * K;
    std::vector<GridStencil<K>> st;
    std::vector<int64_t> fixups;  // points with an outside tap
    Window window;
    std::vector<int32_t> index;    // [T][points]: plane index or window lane (window_gather_row)
    std::vector<float> weight;     // [T][points]; empty for nearest (weight 1)
    std::vector<int32_t> windows;  // [T][groups][kMaxWindows]
    int64_t lanes = 1, groups_per_row = 0, groups = 0;

    // Fills everything from st[0, rows * cols); fixed-up points read pixel 0 with weight 0 in the vector
    // loop.
    void build(int64_t rows, int64_t cols, int64_t width, int64_t plane_size, int64_t simd_lanes) {
        const int64_t points = rows * cols;
        lanes = simd_lanes;
        groups_per_row = cols / lanes;
        groups = rows * groups_per_row;
        fixups.clear();
        window.reset(width);
        index.resize(T * points);
        weight.resize(K == 1 ? 0 : T * points);
        windows.resize(T * groups * kMaxWindows);
        for (int64_t p = 0; p < points; ++p) {
            const GridStencil<K>& s = st[p];
            if (s.all_inside) {
                window.add_pixel(s.pixel[0]);
                window.add_pixel(s.pixel[T - 1]);
            } else {
                fixups.push_back(p);
                for (int64_t pixel : s.pixel) {
                    if (pixel >= 0) window.add_pixel(pixel);
                }
            }
            for (int t = 0; t < T; ++t) {
                index[t * points + p] = s.all_inside ? static_cast<int32_t>(s.pixel[t]) : 0;
                if (K != 1) weight[t * points + p] = s.all_inside ? s.weight[t] : 0.f;
            }
        }
        for (int64_t r = 0; r < rows; ++r) {
            for (const GridStencil<K>* end : {&st[r * cols], &st[r * cols + cols - 1]}) {
                for (int64_t pixel : {end->pixel[0], end->pixel[T - 1]}) {
                    if (pixel >= 0) window.add_column(pixel);
                }
            }
        }
        window.finish();
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t g = 0; g < groups_per_row; ++g)
                plan_group(r * cols + g * lanes, r * groups_per_row + g, points, plane_size);
        }
    }

    // Windows of every tap of the group starting at point q.
    void plan_group(int64_t q, int64_t group, int64_t points, int64_t plane_size) {
        const int32_t* win0 = windows.data() + kMaxWindows * group;
        for (int t = 0; t < T; ++t) {
            int32_t* idx = index.data() + t * points + q;
            int32_t* win = windows.data() + kMaxWindows * (t * groups + group);
            const bool planned =
                (t > 0 && win0[0] >= 0 &&
                 shift_windows(index.data() + q, win0, idx, st.data() + q, t, lanes, plane_size, win)) ||
                plan_windows(idx, st.data() + q, lanes, plane_size, win);
            if (!planned) win[0] = -1;  // gather
        }
    }

    // Output row r of the tile (cols points) for one channel plane.
    void apply_row(const float* plane, int64_t r, int64_t cols, int64_t points, float* out) const {
        const int64_t q = r * cols;
        window_gather_row(plane, index.data() + q, K == 1 ? nullptr : weight.data() + q,
                          windows.data() + kMaxWindows * r * groups_per_row, T, points, kMaxWindows * groups,
                          cols, out);
    }
};

template <GridSampleMode M>
void forward_tile(const float* input, const float* grid, float* output, const GridSampleShape& s,
                  const GridSampleOptions& options, int64_t n, int64_t oh0, int64_t ow0,
                  const TileShape& tile, int64_t simd_lanes, TileTaps<kTapsPerAxis<M>>& taps) {
    constexpr int K = kTapsPerAxis<M>;
    const int64_t rows = std::min(tile.rows, s.out_h - oh0), cols = std::min(tile.cols, s.out_w - ow0);
    const int64_t points = rows * cols, in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    taps.st.resize(points);
    const GridStencil<K>* st = taps.st.data();
    for (int64_t r = 0; r < rows; ++r) {
        build_row_stencils<M, false>(grid + ((n * s.out_h + oh0 + r) * s.out_w + ow0) * 2, cols, s, options,
                                     taps.st.data() + r * cols);
    }
    const bool vector = RowGather::usable(s);
    if (vector) taps.build(rows, cols, s.w, in_plane, simd_lanes);
    const float* in_n = input + n * s.c * in_plane;
    for (int64_t c = 0; c < s.c; ++c) {
        const float* plane = in_n + c * in_plane;
        float* out = output + (n * s.c + c) * out_plane + oh0 * s.out_w + ow0;
        if (!vector) {
            for (int64_t p = 0; p < points; ++p)
                out[(p / cols) * s.out_w + p % cols] = sample_plane(st[p], plane);
            continue;
        }
        if (c + 1 < s.c) taps.window.touch(plane + in_plane);
        for (int64_t r = 0; r < rows; ++r) taps.apply_row(plane, r, cols, points, out + r * s.out_w);
        for (int64_t p : taps.fixups) out[(p / cols) * s.out_w + p % cols] = sample_plane(st[p], plane);
    }
}

}  // namespace

void forward_nchw_cpu(const float* input, const float* grid, float* output, const GridSampleShape& s,
                      const GridSampleOptions& options) {
    const TileShape tile = nchw_tile_shape(s);
    const int64_t simd_lanes = simd_float_lanes();
    const int64_t tiles_y = (s.out_h + tile.rows - 1) / tile.rows,
                  tiles_x = (s.out_w + tile.cols - 1) / tile.cols;
    dispatch_mode(options.mode, [&](auto mode) {
        constexpr GridSampleMode M = decltype(mode)::value;
        oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, s.n * tiles_y * tiles_x),
                                  [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                      TileTaps<kTapsPerAxis<M>> taps;
                                      for (int64_t i = r.begin(); i < r.end(); ++i) {
                                          const int64_t n = i / (tiles_y * tiles_x);
                                          const int64_t ty = i / tiles_x % tiles_y, tx = i % tiles_x;
                                          forward_tile<M>(input, grid, output, s, options, n, ty * tile.rows,
                                                          tx * tile.cols, tile, simd_lanes, taps);
                                      }
                                  });
    });
}

}  // namespace tilesim::ops::detail
