// Tile-order permutation (see tile_layout.hpp). The copy unit is one face row, the longest run that is
// contiguous in both orders.
#include "tile_layout.hpp"

#include <algorithm>
#include <cstring>

namespace tilesim::detail {
namespace {

// Calls f(tiled_offset, logical_row, logical_col, count) for every face row that holds logical
// elements; offsets and counts are in elements.
template <class F>
void for_each_face_row(const MatrixGeometry& g, F&& f) {
    const TileShape& t = g.tile;
    const size_t tiles_per_row = g.cols_p / t.width;
    const size_t faces_per_row = t.width / t.face_width;
    const size_t faces_per_col = t.height / t.face_height;
    const size_t tile_vol = size_t(t.height) * t.width;
    const size_t face_vol = size_t(t.face_height) * t.face_width;
    for (size_t tr = 0; tr < g.rows_p / t.height; ++tr) {
        for (size_t tc = 0; tc < tiles_per_row; ++tc) {
            const size_t tile_base = (tr * tiles_per_row + tc) * tile_vol;
            for (size_t fr = 0; fr < faces_per_col; ++fr) {
                for (size_t fc = 0; fc < faces_per_row; ++fc) {
                    const size_t face_base = tile_base + (fr * faces_per_row + fc) * face_vol;
                    const size_t col = tc * t.width + fc * t.face_width;
                    if (col >= g.cols) continue;
                    const size_t count = std::min<size_t>(t.face_width, g.cols - col);
                    for (size_t i = 0; i < t.face_height; ++i) {
                        const size_t row = tr * t.height + fr * t.face_height + i;
                        if (row >= g.rows) break;
                        f(face_base + i * t.face_width, row, col, count);
                    }
                }
            }
        }
    }
}

}  // namespace

void tilize_bytes(const std::byte* row_major, std::byte* tiled, const MatrixGeometry& g) {
    const size_t es = g.elem_bytes;
    for_each_face_row(g, [&](size_t dst, size_t row, size_t col, size_t count) {
        std::memcpy(tiled + dst * es, row_major + (row * g.cols + col) * es, count * es);
    });
}

void untilize_bytes(const std::byte* tiled, std::byte* row_major, const MatrixGeometry& g) {
    const size_t es = g.elem_bytes;
    for_each_face_row(g, [&](size_t src, size_t row, size_t col, size_t count) {
        std::memcpy(row_major + (row * g.cols + col) * es, tiled + src * es, count * es);
    });
}

}  // namespace tilesim::detail
