// RAFT lookup compute. Per query: tilize the fmap1 block once; per level and block of 32 window cells:
// the cells' dot products with fmap1 (tilize, multiply, reduce along rows times the scaler 1 / sqrt(C);
// compute_correlation_common.hpp) packed as one tile whose column 0 holds them. The writer turns those
// columns into the taps CB: 4 rows per level, row (l, tap) holding at column l (2r+1)^2 + o the cell that
// output o of level l reads through that tap. The bilinear weighting of every level at once is then
// grid_sample's pooling step: unpack_tilizeA_B_block of the 4L rows with the 4L weights as the scalar
// operand and reduce_tile_math (out[c] = sum over rows of weight[row] * row[c]); row 0 of DEST is the
// query's output stick, packed with pack_untilize_dest_row.
#include "compute_kernel_api/pack_untilize.h"
#include "kernels/correlation/compute_correlation_common.hpp"

using namespace correlation_kernels;

void kernel_main() {
    // Runtime args: 0 number of queries for this core.
    // Compile-time args: CorrLookupComputeArg (correlation_kernel_args.hpp).
    const uint32_t num_units = get_arg_val<uint32_t>(0);
    constexpr uint32_t f1_rows = get_compile_time_arg_val(kCorrLookupComputeF1RowsCb);
    constexpr uint32_t f1_tiles = get_compile_time_arg_val(kCorrLookupComputeF1TilesCb);
    constexpr uint32_t cell_rows = get_compile_time_arg_val(kCorrLookupComputeCellsRowsCb);
    constexpr uint32_t cell_tiles = get_compile_time_arg_val(kCorrLookupComputeCellsTilesCb);
    constexpr uint32_t products = get_compile_time_arg_val(kCorrLookupComputeProductsCb);
    constexpr uint32_t scalar = get_compile_time_arg_val(kCorrLookupComputeScalarCb);
    constexpr uint32_t cells_out = get_compile_time_arg_val(kCorrLookupComputeCellsOutCb);
    constexpr uint32_t taps = get_compile_time_arg_val(kCorrLookupComputeTapsCb);
    constexpr uint32_t weights = get_compile_time_arg_val(kCorrLookupComputeWeightsCb);
    constexpr uint32_t out = get_compile_time_arg_val(kCorrLookupComputeOutCb);
    constexpr uint32_t ct = get_compile_time_arg_val(kCorrLookupComputeChannelTiles);
    constexpr uint32_t blocks = get_compile_time_arg_val(kCorrLookupComputeRowBlocks);
    constexpr uint32_t levels = get_compile_time_arg_val(kCorrLookupComputeLevels);
    constexpr uint32_t out_tiles = get_compile_time_arg_val(kCorrLookupComputeOutTiles);
    constexpr uint32_t face_cols = get_compile_time_arg_val(kCorrLookupComputeFaceCols);
    constexpr uint32_t taps_row_bytes = get_compile_time_arg_val(kCorrLookupComputeTapsRowBytes);

    tilize_init(cell_rows, ct, cell_tiles);
    reduce_init(products, scalar, cells_out);
    cb_wait_front(scalar, 1);
    for (uint32_t q = 0; q < num_units; ++q) {
        tilize_row_block(f1_rows, f1_tiles, ct);
        cb_wait_front(f1_tiles, ct);
        for (uint32_t l = 0; l < levels; ++l) {
            for (uint32_t k = 0; k < blocks; ++k) {
                tilize_row_block(cell_rows, cell_tiles, ct);
                block_products</*abs_diff=*/false>(cell_tiles, f1_tiles, products, ct);
                tile_regs_acquire();
                reduce_products(products, scalar, ct, 0);
                tile_regs_commit();
                tile_regs_wait();
                cb_reserve_back(cells_out, 1);
                pack_tile(0, cells_out);
                cb_push_back(cells_out, 1);
                tile_regs_release();
            }
        }
        cb_pop_front(f1_tiles, ct);

        // Bilinear weighting of all levels: a weighted reduction of the 4L tap rows.
        cb_wait_front(taps, 1);
        cb_wait_front(weights, 1);
        tilizeA_B_reduce_init(taps, weights, out_tiles, out, 4, levels * kBilinearTaps);
        tile_regs_acquire();
        unpack_tilizeA_B_block(taps, weights, out_tiles, 0, 4, levels * kBilinearTaps, taps_row_bytes);
        reduce_tile_math(0);
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(out, face_cols);
        pack_untilize_dest_row(out, face_cols);
        cb_push_back(out, face_cols);
        tile_regs_release();
        cb_pop_front(taps, 1);
        cb_pop_front(weights, 1);
    }
    cb_pop_front(scalar, 1);
}
