#pragma once
// The tile formulation of "dot products of up to 32 sticks with one stick" shared by the correlation
// compute kernels:
//   1. tilize the row block (32 sticks as rows, channels as columns)          -> ct tiles  [stick][channel]
//   2. multiply element-wise with the tilized broadcast block of the other
//      stick (every row the same stick), or |a - b| for FlowNet's subtraction -> ct tiles
//   3. reduce_tile<SUM, REDUCE_ROW> of the ct product tiles into DEST, times the scaler
//                                                                              -> column 0 = 32 dot products
// |a - b| is sub_tiles then the SFPU's abs_tile on the DEST tile (declared by compute_kernel_api.h).
#include <cstdint>

#include "compute_kernel_api.h"
#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/pack.h"
#include "compute_kernel_api/reduce.h"
#include "compute_kernel_api/reg_api.h"
#include "compute_kernel_api/tile_move_copy.h"
#include "compute_kernel_api/tilize.h"
#include "kernels/correlation/correlation_kernel_args.hpp"

namespace correlation_kernels {

constexpr uint32_t kDestBatch = 8;  // DEST tiles per acquire for the element-wise step (half of DEST)

// Waits for one row-major block in rows_cb, tilizes it into ct tiles of tiles_cb, pops the block.
inline void tilize_row_block(uint32_t rows_cb, uint32_t tiles_cb, uint32_t ct) {
    cb_wait_front(rows_cb, 1);
    cb_reserve_back(tiles_cb, ct);
    tilize_block(rows_cb, ct, tiles_cb);
    cb_push_back(tiles_cb, ct);
    cb_pop_front(rows_cb, 1);
}

// Step 2: the ct tiles at the front of sticks_cb (popped) against the ct tiles at the front of bcast_cb
// (left there: they serve every block), into ct pushed tiles of prod_cb.
template <bool abs_diff>
void block_products(uint32_t sticks_cb, uint32_t bcast_cb, uint32_t prod_cb, uint32_t ct) {
    cb_wait_front(sticks_cb, ct);
    cb_reserve_back(prod_cb, ct);
    for (uint32_t t0 = 0; t0 < ct; t0 += kDestBatch) {
        const uint32_t n = ct - t0 < kDestBatch ? ct - t0 : kDestBatch;
        tile_regs_acquire();
        for (uint32_t t = 0; t < n; ++t) {
            if constexpr (abs_diff) {
                sub_tiles(sticks_cb, bcast_cb, t0 + t, t0 + t, t);
                abs_tile(t);
            } else {
                mul_tiles(sticks_cb, bcast_cb, t0 + t, t0 + t, t);
            }
        }
        tile_regs_commit();
        tile_regs_wait();
        for (uint32_t t = 0; t < n; ++t) pack_tile(t, prod_cb);
        tile_regs_release();
    }
    cb_push_back(prod_cb, ct);
    cb_pop_front(sticks_cb, ct);
}

// Step 3 (inside an acquire/commit section): adds sum over columns of the ct product tiles, times the
// scaler, into column 0 of DEST tile `dst`; pops the products.
inline void reduce_products(uint32_t prod_cb, uint32_t scalar_cb, uint32_t ct, uint32_t dst) {
    cb_wait_front(prod_cb, ct);
    for (uint32_t t = 0; t < ct; ++t)
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(prod_cb, scalar_cb, t, 0, dst);
    cb_pop_front(prod_cb, ct);
}

}  // namespace correlation_kernels
