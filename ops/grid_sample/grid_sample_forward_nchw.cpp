// grid_sample forward for NCHW inputs. PyTorch's layout puts each channel in its own plane, so every output
// value is a gather; what keeps it fast:
//  - work is split into tiles of output points (a few rows by up to 64 columns) rather than whole rows:
//    a warped grid's row wanders across many input rows, a tile touches a small input window;
//  - the tile's taps are computed once, then applied to one channel plane after another (planes are often
//    a power of two apart, so interleaving channels would thrash the cache sets), while the tile's input
//    window in the next plane is brought into the cache with ordinary loads (Window::touch);
//  - gathers are vectorised over points; bilinear points with all four taps inside read their two adjacent
//    pairs with two 64-bit gathers instead of four 32-bit ones; nearest gathers without weights;
//  - points with an outside tap (rare: the image border) are recomputed exactly afterwards, so the vector
//    loops need no masks.
// Planes of 2^31 pixels or more (int32 gather indices cannot address them) take a scalar loop.
#include <algorithm>
#include <vector>

#include "ops/grid_sample/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_simd.hpp"

namespace tilesim::ops::detail {
namespace {

struct TileShape {
    int64_t rows, cols;
};

// At most 64 columns and about 512 points; depends only on the problem, so results never depend on threads.
TileShape nchw_tile_shape(const GridSampleShape& s) {
    const int64_t cols = std::min<int64_t>(s.out_w, 64);
    return {std::min<int64_t>(s.out_h, std::max<int64_t>(1, 512 / cols)), cols};
}

// Bounding box of the pixels a tile reads (empty: y1 < y0), grown one pixel at a time. Splits a pixel
// index into row and column with a floating-point reciprocal (exact after one correction step; indices
// here are below 2^31) instead of an integer division per tap.
struct Window {
    int64_t y0 = 1, y1 = 0, x0 = 0, x1 = 0;
    int64_t width = 1;
    double inv_width = 1.0;

    void reset(int64_t w) { *this = Window{1, 0, 0, 0, w, 1.0 / static_cast<double>(w)}; }

    void add(int64_t pixel) {
        int64_t y = static_cast<int64_t>(static_cast<double>(pixel) * inv_width);
        if (y * width > pixel) --y;
        if ((y + 1) * width <= pixel) ++y;
        const int64_t x = pixel - y * width;
        if (y1 < y0) {
            y0 = y1 = y;
            x0 = x1 = x;
            return;
        }
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
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

// The taps of one tile in the form the vector loops want, rebuilt per tile in per-thread scratch.
template <int K>
struct TileTaps {
    static constexpr int T = K * K;
    std::vector<GridStencil<K>> st;
    std::vector<int64_t> fixups;  // points with an outside tap
    Window window;
    // bilinear: byte offset of the top-left tap and the top / bottom weight pairs (bilinear_pairs_row)
    std::vector<int64_t> byte_offset;
    std::vector<float> w_top, w_bottom;
    // nearest and bicubic: tap-major index / weight (gather_row, gather_weighted_row)
    std::vector<int32_t> index;
    std::vector<float> weight;

    // Fills everything from st[0, points); fixed-up points read pixel 0 with weight 0 in the vector loops.
    void build(int64_t points, int64_t width) {
        fixups.clear();
        window.reset(width);
        byte_offset.resize(K == 2 ? points : 0);
        w_top.resize(K == 2 ? 2 * points : 0);
        w_bottom.resize(K == 2 ? 2 * points : 0);
        index.resize(K == 2 ? 0 : T * points);
        weight.resize(K == 2 ? 0 : T * points);
        for (int64_t p = 0; p < points; ++p) {
            const GridStencil<K>& s = st[p];
            if (s.all_inside) {
                window.add(s.pixel[0]);
                window.add(s.pixel[T - 1]);
            } else {
                fixups.push_back(p);
                for (int64_t pixel : s.pixel) {
                    if (pixel >= 0) window.add(pixel);
                }
            }
            if constexpr (K == 2) {
                byte_offset[p] = s.all_inside ? s.pixel[0] * static_cast<int64_t>(sizeof(float)) : 0;
                for (int i = 0; i < 2; ++i) {
                    w_top[2 * p + i] = s.all_inside ? s.weight[i] : 0.f;
                    w_bottom[2 * p + i] = s.all_inside ? s.weight[2 + i] : 0.f;
                }
            } else {
                for (int t = 0; t < T; ++t) {
                    index[t * points + p] = s.pixel[t] >= 0 ? static_cast<int32_t>(s.pixel[t]) : 0;
                    weight[t * points + p] = s.pixel[t] >= 0 ? s.weight[t] : 0.f;
                }
            }
        }
    }

    // Output row r of the tile (cols points starting at point q = r * cols) for one channel plane.
    void apply_row(const float* plane, int64_t q, int64_t cols, int64_t points, int64_t width,
                   float* out) const {
        if constexpr (K == 2) {
            bilinear_pairs_row(plane, byte_offset.data() + q, width * static_cast<int64_t>(sizeof(float)),
                               w_top.data() + 2 * q, w_bottom.data() + 2 * q, cols, out);
        } else if constexpr (K == 1) {
            gather_row(plane, index.data() + q, cols, out);  // weight 1: PyTorch copies the value
        } else {
            gather_weighted_row(plane, index.data() + q, weight.data() + q, T, points, cols, out);
        }
    }
};

template <GridSampleMode M>
void forward_tile(const float* input, const float* grid, float* output, const GridSampleShape& s,
                  const GridSampleOptions& options, int64_t n, int64_t oh0, int64_t ow0,
                  const TileShape& tile, TileTaps<kTapsPerAxis<M>>& taps) {
    constexpr int K = kTapsPerAxis<M>;
    const int64_t rows = std::min(tile.rows, s.out_h - oh0), cols = std::min(tile.cols, s.out_w - ow0);
    const int64_t points = rows * cols, in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    taps.st.resize(points);
    const GridStencil<K>* st = taps.st.data();
    for (int64_t r = 0; r < rows; ++r) {
        build_row_stencils<M, false>(grid + ((n * s.out_h + oh0 + r) * s.out_w + ow0) * 2, cols, s, options,
                                     taps.st.data() + r * cols);
    }
    // The pair loop reads pixels 0, 1, W and W + 1 for fixed-up points: fine once a point can be inside at
    // all (H, W >= 2); otherwise every point is a fix-up and the scalar loop does them.
    const bool vector = RowGather::usable(s) && (K != 2 || (s.h >= 2 && s.w >= 2));
    if (vector) taps.build(points, s.w);
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
        for (int64_t r = 0; r < rows; ++r)
            taps.apply_row(plane, r * cols, cols, points, s.w, out + r * s.out_w);
        for (int64_t p : taps.fixups) out[(p / cols) * s.out_w + p % cols] = sample_plane(st[p], plane);
    }
}

}  // namespace

void forward_nchw_cpu(const float* input, const float* grid, float* output, const GridSampleShape& s,
                      const GridSampleOptions& options) {
    const TileShape tile = nchw_tile_shape(s);
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
                                                          tx * tile.cols, tile, taps);
                                      }
                                  });
    });
}

}  // namespace tilesim::ops::detail
