// Bilinear grid_sample compute (tt-metal reuses the pooling compute kernel, compute_pool_2d.cpp, with a
// reduction over 4 rows; this kernel takes the same compile-time args): per point, tilize the 4 corner
// sticks with the 4 weights as the scalar operand, reduce them to one row, and pack the row to the output
// CB in face-width pieces.
// Compile-time args: grid_sample_args::ComputeCt (tt-metal's 22, then the corner row stride).
// Runtime args: 0 number of points, read only when kTotalInterpolations is 0 (height-sharded cores).
#include <cstdint>

#include "compute_kernel_api/pack_untilize.h"
#include "compute_kernel_api/reduce.h"
#include "compute_kernel_api/tilize.h"
#include "kernels/grid_sample/grid_sample_args.hpp"

namespace NAMESPACE {
void MAIN {
    using namespace grid_sample_args;
    constexpr uint32_t in_ntiles_c = get_compile_time_arg_val(kInNtilesC);
    constexpr uint32_t reduction_size = get_compile_time_arg_val(kReductionSize);
    constexpr bool split_reader = get_compile_time_arg_val(kComputeSplitReader) == 1;
    constexpr uint32_t total_interpolations = get_compile_time_arg_val(kTotalInterpolations);
    constexpr uint32_t channels = get_compile_time_arg_val(kChannels);
    constexpr uint32_t in_cb_0 = get_compile_time_arg_val(kInCb0);
    constexpr uint32_t in_cb_1 = get_compile_time_arg_val(kInCb1);
    constexpr uint32_t scalar_cb_0 = get_compile_time_arg_val(kScalarCb0);
    constexpr uint32_t scalar_cb_1 = get_compile_time_arg_val(kScalarCb1);
    constexpr uint32_t out_cb = get_compile_time_arg_val(kOutCb);
    constexpr uint32_t row_stride = get_compile_time_arg_val(kRowStrideBytes);
    constexpr uint32_t face_cols = (channels + 15) / 16;  // output pages per point
    constexpr uint32_t num_faces = 4;

    const uint32_t num_points = total_interpolations ? total_interpolations : get_arg_val<uint32_t>(0);
    tilizeA_B_reduce_init(in_cb_0, scalar_cb_0, in_ntiles_c, out_cb, num_faces, reduction_size);
    pack_untilize_dest_init<in_ntiles_c>(out_cb, 1, num_faces);
    for (uint32_t p = 0; p < num_points; ++p) {
        const bool second = split_reader && (p % 2 == 1);
        const uint32_t in = second ? in_cb_1 : in_cb_0, sc = second ? scalar_cb_1 : scalar_cb_0;
        cb_wait_front(in, 1);
        cb_wait_front(sc, 1);
        tile_regs_acquire();
        unpack_tilizeA_B_block(in, sc, in_ntiles_c, 0, num_faces, reduction_size, row_stride);
        reduce_tile_math(0);
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(out_cb, face_cols);
        if constexpr (face_cols == 2 * in_ntiles_c) {
            pack_untilize_dest<in_ntiles_c>(out_cb, 1, 0, 16, num_faces);
        } else {
            pack_untilize_dest_row(out_cb, face_cols);  // tilesim: the last tile's second face is empty
        }
        cb_push_back(out_cb, face_cols);
        tile_regs_release();
        cb_pop_front(in, 1);
        cb_pop_front(sc, 1);
    }
}
}  // namespace NAMESPACE
