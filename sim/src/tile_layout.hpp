#pragma once
// Private: the tile-order permutation on raw elements of any size, with zero padding. Used by Tensor
// conversions and by the free tilize()/untilize().
#include <cstddef>
#include <cstdint>

#include "tilesim/tensor.hpp"

namespace tilesim::detail {

// One matrix: `rows` x `cols` logical row-major elements of `elem_bytes` each <-> the tiled matrix of
// padded size `rows_p` x `cols_p` (multiples of the tile dims): tile rows outer, tiles of a row, then the
// faces of a tile in order (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right), each face row-major.
struct MatrixGeometry {
    size_t rows, cols;      // logical
    size_t rows_p, cols_p;  // padded
    size_t elem_bytes;
    TileShape tile;
};

// Writes every logical element into `tiled` (rows_p * cols_p elements); padding positions are left
// untouched (callers pass zeroed storage).
void tilize_bytes(const std::byte* row_major, std::byte* tiled, const MatrixGeometry& g);
// Reads the logical elements back out of `tiled`, dropping the padding.
void untilize_bytes(const std::byte* tiled, std::byte* row_major, const MatrixGeometry& g);

}  // namespace tilesim::detail
