// sample_dot compute: per unit (b, hd, q), per group of up to 32 depth samples:
//  1. interpolate each sample as grid_sample's compute does (tt-metal's pooling path): tilize its 4 corner
//     rows with the 4 bilinear weights as the scalar operand and reduce them to one row, packed as one
//     row-major page of kInterpRowsCb (rows after the last sample are zero);
//  2. tilize the 32 interpolated rows and the 32 vector rows cat(queries, pe(depth)), multiply them tile by
//     tile and sum each row over the channels (reduce_tile<SUM, REDUCE_ROW>, accumulated over the channel
//     tiles into one DEST tile): column 0, row r = the dot product of sample r;
//  3. pack that tile to the output CB; the writer takes column 0 (tt-metal would transpose_wh_tile and
//     pack row 0; the simulator's compute API has no transpose, so the writer reads the column).
#include <algorithm>
#include <cstdint>

#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/pack.h"
#include "compute_kernel_api/pack_untilize.h"
#include "compute_kernel_api/reduce.h"
#include "compute_kernel_api/tilize.h"
#include "kernels/deformable_aggregation/sampling_layout.hpp"
#include "kernels/fused_grid_ops/fused_grid_layout.hpp"

using namespace sampling_kernels;
using namespace fused_grid_kernels;

namespace {

// Step 1 for n samples, which the reader sends in whole batches (padded with zero samples); zero rows
// complete the block. The 4 corner rows of a sample are the first 4 rows of a kValueRowsCb page, each
// `tiles` * 32 values wide.
template <uint32_t tiles>
void interpolate_samples(uint32_t n) {
    const uint32_t sent = (n + kSamplesPerDotBatch - 1) / kSamplesPerDotBatch * kSamplesPerDotBatch;
    cb_reserve_back(kInterpRowsCb, kSamplesPerDotBlock);
    for (uint32_t r = 0; r < kSamplesPerDotBlock; ++r) {
        if (r < sent) {
            cb_wait_front(kValueRowsCb, 1);
            cb_wait_front(kWeightRowsCb, 1);
        }
        tile_regs_acquire();
        if (r < sent) {
            unpack_tilizeA_B_block(kValueRowsCb, kWeightRowsCb, tiles, 0, 4, kCorners);
            reduce_tile_math(0);
        }
        tile_regs_commit();
        tile_regs_wait();
        pack_untilize_dest<tiles>(kInterpRowsCb);
        tile_regs_release();
        if (r < sent) {
            cb_pop_front(kValueRowsCb, 1);
            cb_pop_front(kWeightRowsCb, 1);
        }
    }
    cb_push_back(kInterpRowsCb, kSamplesPerDotBlock);
}

void tilize_pages(uint32_t in, uint32_t pages, uint32_t out, uint32_t tiles) {
    cb_wait_front(in, pages);
    cb_reserve_back(out, tiles);
    tilize_block(in, tiles, out);
    cb_push_back(out, tiles);
    cb_pop_front(in, pages);
}

// Step 2 and 3.
void dot_rows(uint32_t tiles) {
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

    cb_wait_front(kProductCb, tiles);
    tile_regs_acquire();
    for (uint32_t t = 0; t < tiles; ++t)
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(kProductCb, kScalerCb, t, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(kOutputCb, 1);
    pack_tile(0, kOutputCb);
    cb_push_back(kOutputCb, 1);
    tile_regs_release();
    cb_pop_front(kProductCb, tiles);
}

}  // namespace

namespace NAMESPACE {
void MAIN {
    // Runtime args: 0 number of units of this core.
    // Compile-time args: see SampleDotArg.
    const uint32_t units = get_arg_val<uint32_t>(0);
    constexpr uint32_t tiles = get_compile_time_arg_val(kDotChannelTiles);
    constexpr uint32_t depth = get_compile_time_arg_val(kDotDepth);

    tilizeA_B_reduce_init(kValueRowsCb, kWeightRowsCb, tiles, kInterpRowsCb, 4, kCorners);
    pack_untilize_dest_init<tiles>(kInterpRowsCb);
    mul_tiles_init(kValueTilesCb, kWeightTilesCb);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(kProductCb, kScalerCb, kOutputCb);
    cb_wait_front(kScalerCb, 1);
    for (uint32_t u = 0; u < units; ++u) {
        for (uint32_t first = 0; first < depth; first += kSamplesPerDotBlock) {
            interpolate_samples<tiles>(std::min(kSamplesPerDotBlock, depth - first));
            tilize_pages(kInterpRowsCb, kSamplesPerDotBlock, kValueTilesCb, tiles);
            tilize_pages(kVectorRowsCb, 1, kWeightTilesCb, tiles);
            dot_rows(tiles);
        }
    }
    cb_pop_front(kScalerCb, 1);
}
}  // namespace NAMESPACE
