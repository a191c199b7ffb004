// Bilinear grid_sample compute (tt-metal reuses the pooling compute kernel, compute_pool_2d.cpp, with a
// reduction over 4 rows): per point, tilize the 4 corner sticks with the 4 weights as the scalar operand,
// reduce them to one row, and pack the row to the output CB in face-width pieces.
#include "tilesim/kernel_api.hpp"

TILESIM_KERNEL_MAIN("kernels/grid_sample/compute_grid_sample.cpp") {
    // Runtime args: 0 number of points for this core.
    // Compile-time args: 0 input CB, 1 scalar CB, 2 second input CB, 3 second scalar CB (split reader;
    // same as 0/1 otherwise), 4 output CB, 5 channel tiles ceil(C/32), 6 output face columns ceil(C/16),
    // 7 input CB row stride in bytes (the corner slot size).
    const uint32_t num_points = get_arg_val<uint32_t>(0);
    const uint32_t input_cb[2] = {get_compile_time_arg_val(0), get_compile_time_arg_val(2)};
    const uint32_t scalar_cb[2] = {get_compile_time_arg_val(1), get_compile_time_arg_val(3)};
    const uint32_t out_cb = get_compile_time_arg_val(4);
    const uint32_t channel_tiles = get_compile_time_arg_val(5);
    const uint32_t face_cols = get_compile_time_arg_val(6);
    const uint32_t row_stride = get_compile_time_arg_val(7);
    constexpr uint32_t kCorners = 4;

    tilizeA_B_reduce_init(input_cb[0], scalar_cb[0], out_cb);
    for (uint32_t p = 0; p < num_points; ++p) {
        const uint32_t in = input_cb[p % 2], sc = scalar_cb[p % 2];
        cb_wait_front(in, 1);
        cb_wait_front(sc, 1);
        tile_regs_acquire();
        unpack_tilizeA_B_block(in, sc, channel_tiles, 0, 4, kCorners, row_stride);
        reduce_tile_math(0);
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(out_cb, face_cols);
        pack_untilize_dest_row(out_cb, face_cols);
        cb_push_back(out_cb, face_cols);
        tile_regs_release();
        cb_pop_front(in, 1);
        cb_pop_front(sc, 1);
    }
}
