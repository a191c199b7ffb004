// Patch-correlation compute (spatial correlation sampler, FlowNet correlation). Per output pixel, per tap
// of the kernel window (outer) and per block of 32 displacements (inner): tilize the in2 row block,
// multiply with the tilized in1 block (or |in2 - in1|), reduce along rows into column 0 of DEST (times
// the scaler) and pack the tile: row r of column 0 = displacement 32 k + r. With a kernel window of
// more than one tap, the sum over taps is carried between taps in a partial-sum CB (copy_tile reloads
// it, as tt-metal's matmul reloads partials), one tile per block in flight.
#include "kernels/correlation/compute_correlation_common.hpp"

using namespace correlation_kernels;

void kernel_main() {
    // Runtime args: 0 number of output pixels for this core.
    // Compile-time args: PatchComputeArg (correlation_kernel_args.hpp).
    const uint32_t num_units = get_arg_val<uint32_t>(0);
    constexpr uint32_t in1_rows = get_compile_time_arg_val(kComputeIn1RowsCb);
    constexpr uint32_t in1_tiles = get_compile_time_arg_val(kComputeIn1TilesCb);
    constexpr uint32_t in2_rows = get_compile_time_arg_val(kComputeIn2RowsCb);
    constexpr uint32_t in2_tiles = get_compile_time_arg_val(kComputeIn2TilesCb);
    constexpr uint32_t products = get_compile_time_arg_val(kComputeProductsCb);
    constexpr uint32_t scalar = get_compile_time_arg_val(kComputeScalarCb);
    constexpr uint32_t partial = get_compile_time_arg_val(kComputePartialCb);
    constexpr uint32_t out = get_compile_time_arg_val(kComputeOutCb);
    constexpr uint32_t ct = get_compile_time_arg_val(kComputeChannelTiles);
    constexpr uint32_t blocks = get_compile_time_arg_val(kComputeRowBlocks);
    constexpr uint32_t taps = get_compile_time_arg_val(kComputeWindowTaps);
    constexpr bool abs_diff = get_compile_time_arg_val(kComputeAbsDiff) != 0;

    tilize_init(in2_rows, ct, in2_tiles);
    reduce_init(products, scalar, out);
    cb_wait_front(scalar, 1);
    for (uint32_t u = 0; u < num_units; ++u) {
        for (uint32_t tap = 0; tap < taps; ++tap) {
            tilize_row_block(in1_rows, in1_tiles, ct);
            cb_wait_front(in1_tiles, ct);
            const bool last_tap = tap + 1 == taps;
            for (uint32_t k = 0; k < blocks; ++k) {
                tilize_row_block(in2_rows, in2_tiles, ct);
                block_products<abs_diff>(in2_tiles, in1_tiles, products, ct);
                tile_regs_acquire();
                if constexpr (taps > 1) {
                    if (tap > 0) {  // reload this block's sum over the previous taps
                        cb_wait_front(partial, 1);
                        copy_tile(partial, 0, 0);
                        cb_pop_front(partial, 1);
                    }
                }
                reduce_products(products, scalar, ct, 0);
                tile_regs_commit();
                tile_regs_wait();
                const uint32_t target = last_tap ? out : partial;
                cb_reserve_back(target, 1);
                pack_tile(0, target);
                cb_push_back(target, 1);
                tile_regs_release();
            }
            cb_pop_front(in1_tiles, ct);
        }
    }
    cb_pop_front(scalar, 1);
}
