#pragma once
// Pieces the correlation data-movement kernels share: data formats, row blocks of sticks (the layout
// tilize_block expects: 32 rows of ceil(C/32)*32 values), the reduce scaler tile, and the word moves that
// turn the column a REDUCE_ROW leaves in a tile into consecutive values. The data format of a CB comes
// from get_dataformat(cb): DataFormat::Float32 (4-byte values) or DataFormat::Float16_b (bfloat16).
#include <cstdint>

#include "kernels/common/bfloat16.hpp"
#include "kernels/common/l1_values.hpp"
#include "kernels/correlation/correlation_kernel_args.hpp"

namespace correlation_kernels {

using tilesim_kernels::element_bytes;
using tilesim_kernels::store_value;

// Zeroes `bytes` (a multiple of 2) of L1 (tt-metal readers do this from a zero-filled region).
inline void zero_l1(uint32_t addr, uint32_t bytes) {
    tilesim_kernels::zero_l1(addr, bytes);
}

// Issues the read of stick `page` into the row at `row_addr` and zeroes the row's padding columns
// (bytes [stick_bytes, row_bytes)): padded channels must be 0 so that they add nothing to the dot
// products and to |a - b|.
template <class Gen>
void read_stick_row(const Gen& gen, uint32_t page, uint32_t row_addr, uint32_t stick_bytes,
                    uint32_t row_bytes) {
    noc_async_read(get_noc_addr(page, gen), row_addr, stick_bytes);
    if (row_bytes > stick_bytes) zero_l1(row_addr + stick_bytes, row_bytes - stick_bytes);
}

// Copies row 0 of a row block into rows 1..rows-1 with local NoC reads, doubling the copied span each
// time (5 reads for 32 rows). Row 0 must have landed (call after noc_async_read_barrier).
inline void replicate_first_row(uint32_t block_addr, uint32_t row_bytes, uint32_t rows = kTileRows) {
    for (uint32_t have = 1; have < rows;) {
        const uint32_t copy = have < rows - have ? have : rows - have;
        noc_async_read(get_noc_addr(block_addr), block_addr + have * row_bytes, copy * row_bytes);
        noc_async_read_barrier();
        have += copy;
    }
}

// Pushes one tile into `cb` whose element [0][0] is `value` and the rest 0: the scaler reduce_tile
// multiplies its sums by (tt-metal's generate_reduce_scaler fills the first row of each face; tilesim's
// reduce reads [0][0]).
inline void push_scalar_tile(uint32_t cb, float value) {
    const DataFormat format = get_dataformat(cb);
    cb_reserve_back(cb, 1);
    const uint32_t addr = get_write_ptr(cb);
    zero_l1(addr, kTileValues * element_bytes(format));
    store_value(addr, 0, value, format);
    cb_push_back(cb, 1);
}

// Element index of (row r, column 0) of a 32x32 tile stored as four 16x16 faces.
inline uint32_t column0_index(uint32_t r) {
    return (r / kFaceRows) * 2 * kFaceRows * kFaceRows + (r % kFaceRows) * kFaceRows;
}

// Copies element (r, 0) of the tile at L1 address `tile_addr` (raw bits, `esize` bytes) to L1 address `dst`.
inline void copy_column0_value(uint32_t tile_addr, uint32_t r, uint32_t dst, uint32_t esize) {
    const uint32_t src = tile_addr + column0_index(r) * esize;
    if (esize == 4) {
        *reinterpret_cast<volatile tt_l1_ptr uint32_t*>(dst) =
            *reinterpret_cast<volatile tt_l1_ptr uint32_t*>(src);
    } else {
        *reinterpret_cast<volatile tt_l1_ptr uint16_t*>(dst) =
            *reinterpret_cast<volatile tt_l1_ptr uint16_t*>(src);
    }
}

}  // namespace correlation_kernels
