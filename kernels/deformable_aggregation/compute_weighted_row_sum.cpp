// Weighted row sum (deformable_aggregation and sample_sum): per unit, out[c] = Σ_r weight[r][c] *
// value[r][c] over the rows of the unit's blocks (a block: 8 samples x 4 corner rows, 32 rows of C values).
// Per block: tilize the value and weight blocks, multiply them tile by tile, and add the column sums
// (reduce_tile<SUM, REDUCE_COL>) to the unit's running sums. DEST cannot hold the sums across blocks while
// it also holds the products, so the running sums go back to an L1 CB between blocks and are reloaded with
// copy_tile (tt-metal's usual accumulate-through-a-CB pattern); the last block packs the output stick.
//
// The number of blocks depends on the data (samples outside the maps are skipped by the reader), so the
// reader sends it first in c_3 and this kernel reads it from the CB page (as tt-metal's SDPA decode compute
// kernel reads the position index from a CB through its read pointer).
#include <cstdint>

#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/pack_untilize.h"
#include "compute_kernel_api/reduce.h"
#include "compute_kernel_api/tile_move_copy.h"
#include "compute_kernel_api/tilize.h"
#include "kernels/deformable_aggregation/sampling_layout.hpp"

using namespace sampling_kernels;

namespace {

// Row-major block (one page of `in`) -> `tiles` tiles at the back of `out`.
void tilize_rows(uint32_t in, uint32_t out, uint32_t tiles) {
    cb_wait_front(in, 1);
    cb_reserve_back(out, tiles);
    tilize_block(in, tiles, out);
    cb_push_back(out, tiles);
    cb_pop_front(in, 1);
}

// product[t] = values[t] * weights[t], elementwise, for every channel tile t.
void multiply_blocks(uint32_t tiles) {
    cb_wait_front(kValueTilesCb, tiles);
    cb_wait_front(kWeightTilesCb, tiles);
    tile_regs_acquire();
    for (uint32_t t = 0; t < tiles; ++t) mul_tiles(kValueTilesCb, kWeightTilesCb, t, t, t);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(kProductCb, tiles);
    for (uint32_t t = 0; t < tiles; ++t) pack_tile(t, kProductCb);
    cb_push_back(kProductCb, tiles);
    tile_regs_release();
    cb_pop_front(kValueTilesCb, tiles);
    cb_pop_front(kWeightTilesCb, tiles);
}

// DEST[t] row 0 = running sums (reloaded unless first) + column sums of product[t]; then either back to
// the partial-sum CB or, after the last block, packed as the output stick (row 0 of the tiles).
template <uint32_t tiles>
void accumulate_column_sums(bool first, bool last) {
    cb_wait_front(kProductCb, tiles);
    tile_regs_acquire();
    if (!first) {
        cb_wait_front(kPartialCb, tiles);
        for (uint32_t t = 0; t < tiles; ++t) copy_tile(kPartialCb, t, t);
        cb_pop_front(kPartialCb, tiles);
    }
    for (uint32_t t = 0; t < tiles; ++t)
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_COL>(kProductCb, kScalerCb, t, 0, t);
    tile_regs_commit();
    tile_regs_wait();
    if (last) {
        cb_reserve_back(kOutputCb, 1);
        pack_untilize_dest<tiles>(kOutputCb);
        cb_push_back(kOutputCb, 1);
    } else {
        cb_reserve_back(kPartialCb, tiles);
        for (uint32_t t = 0; t < tiles; ++t) pack_tile(t, kPartialCb);
        cb_push_back(kPartialCb, tiles);
    }
    tile_regs_release();
    cb_pop_front(kProductCb, tiles);
}

// A unit without any sample: a zero stick (DEST reads as zeros after acquire).
template <uint32_t tiles>
void pack_zero_stick() {
    tile_regs_acquire();
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(kOutputCb, 1);
    pack_untilize_dest<tiles>(kOutputCb);
    cb_push_back(kOutputCb, 1);
    tile_regs_release();
}

}  // namespace

namespace NAMESPACE {
void MAIN {
    // Runtime args: 0 number of units (output sticks) of this core.
    // Compile-time args: see WeightedSumComputeArg (channel tiles).
    const uint32_t units = get_arg_val<uint32_t>(0);
    constexpr uint32_t tiles = get_compile_time_arg_val(kSumChannelTiles);

    tilize_init(kValueRowsCb, tiles, kValueTilesCb);
    mul_tiles_init(kValueTilesCb, kWeightTilesCb);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_COL>(kProductCb, kScalerCb, kPartialCb);
    pack_untilize_dest_init<tiles>(kOutputCb);
    cb_wait_front(kScalerCb, 1);
    for (uint32_t u = 0; u < units; ++u) {
        cb_wait_front(kCountCb, 1);
        const uint32_t blocks = *reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_read_ptr(kCountCb));
        cb_pop_front(kCountCb, 1);
        if (blocks == 0) pack_zero_stick<tiles>();
        for (uint32_t b = 0; b < blocks; ++b) {
            tilize_rows(kValueRowsCb, kValueTilesCb, tiles);
            tilize_rows(kWeightRowsCb, kWeightTilesCb, tiles);
            multiply_blocks(tiles);
            accumulate_column_sums<tiles>(b == 0, b + 1 == blocks);
        }
    }
    cb_pop_front(kScalerCb, 1);
}
}  // namespace NAMESPACE
