#pragma once
// tt-metal's compute kernel API (tt_metal/include/compute_kernel_api*.h, api/compute/*.h) on tilesim's
// simulated Tensix: DEST holds 16 tiles of 32x32 values (float32, rounded to bf16 after each operation
// unless the kernel's ComputeConfig has fp32_dest_acc_en); tiles in CBs are in face order, in the CB's
// data format. The unpack/math/pack split is one thread here: UNPACK((x)), MATH((x)), PACK((x)) all keep x.
// The *_init / *_uninit / reconfig calls configure hardware that tilesim does not model: no-ops.
#include <cstdint>

#include "tilesim/kernel_common.h"
#include "tilesim/kernel_hooks.h"

enum PoolType { SUM = 0, AVG = 1, MAX = 2 };
enum ReduceDim { REDUCE_ROW = 0, REDUCE_COL = 1, REDUCE_SCALAR = 2 };
enum class BroadcastType : uint8_t { NONE = 0, COL = 1, ROW = 2, SCALAR = 3 };
enum class EltwiseBinaryType : uint8_t { ELWMUL = 0, ELWDIV = 1, ELWADD = 2, ELWSUB = 3 };
#ifndef REDUCE_OP
#define REDUCE_OP PoolType::SUM
#endif
#ifndef REDUCE_DIM
#define REDUCE_DIM ReduceDim::REDUCE_COL
#endif
constexpr uint32_t TILE_R_DIM = 32, TILE_C_DIM = 32, FACE_R_DIM = 16, FACE_C_DIM = 16;

namespace ckernel {
// ---- start-up and configuration (no hardware state to set up here) ----
inline void compute_kernel_hw_startup(uint32_t, uint32_t, uint32_t = 0) {}
inline void unary_op_init_common(uint32_t, uint32_t = 16) {}
inline void binary_op_init_common(uint32_t, uint32_t, uint32_t = 16) {}
inline void init_sfpu(uint32_t, uint32_t = 16) {}
template <bool = false>
inline void reconfig_data_format(uint32_t, uint32_t = 0, uint32_t = 0, uint32_t = 0) {}
template <bool = false>
inline void reconfig_data_format_srca(uint32_t, uint32_t = 0) {}
template <bool = false>
inline void reconfig_data_format_srcb(uint32_t, uint32_t = 0) {}
template <bool = false>
inline void pack_reconfig_data_format(uint32_t, uint32_t = 0) {}

// ---- DEST registers ----
inline void tile_regs_acquire() {
    tilesim_hook_tile_regs_acquire();
}
inline void tile_regs_commit() {
    tilesim_hook_tile_regs_commit();
}
inline void tile_regs_wait() {
    tilesim_hook_tile_regs_wait();
}
inline void tile_regs_release() {
    tilesim_hook_tile_regs_release();
}
inline void acquire_dst() {
    tilesim_hook_tile_regs_acquire();
}
inline void release_dst() {
    tilesim_hook_tile_regs_release();
}

// ---- copy, eltwise binary, broadcast ----
inline void copy_tile_init(uint32_t = 0) {}
inline void copy_tile_to_dst_init_short(uint32_t = 0, uint32_t = 0) {}
inline void copy_tile(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index) {
    tilesim_hook_copy_tile(in_cb_id, in_tile_index, dst_tile_index);
}
inline void add_tiles_init(uint32_t = 0, uint32_t = 0, bool = false) {}
inline void sub_tiles_init(uint32_t = 0, uint32_t = 0, bool = false) {}
inline void mul_tiles_init(uint32_t = 0, uint32_t = 0) {}
inline void mul_tiles_bcast_scalar_init_short(uint32_t = 0, uint32_t = 0) {}
inline void add_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst) {
    tilesim_hook_binary(0, icb0, icb1, itile0, itile1, idst);
}
inline void sub_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst) {
    tilesim_hook_binary(1, icb0, icb1, itile0, itile1, idst);
}
inline void mul_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst) {
    tilesim_hook_binary(2, icb0, icb1, itile0, itile1, idst);
}
// dst = icb0[itile0] * (element [0][0] of icb1[itile1])
inline void mul_tiles_bcast_scalar(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                                   uint32_t idst) {
    tilesim_hook_binary(3, icb0, icb1, itile0, itile1, idst);
}

// ---- SFPU unary operations on a DEST tile (tt-metal: api/compute/eltwise_unary/*.h) ----
inline void abs_tile_init() {}
inline void abs_tile(uint32_t idst) {
    tilesim_hook_sfpu_unary(0, idst);
}

// ---- reduce ----
template <PoolType = REDUCE_OP, ReduceDim = REDUCE_DIM, bool = false>
inline void reduce_init(uint32_t, uint32_t, uint32_t) {}
inline void reduce_uninit() {}
// REDUCE_COL: dst row 0 [c] += sum over rows of in[r][c] * s; REDUCE_ROW: column 0; REDUCE_SCALAR: [0][0];
// s = element [0][0] of the scaler tile. MAX takes the maximum (times s).
template <PoolType P = REDUCE_OP, ReduceDim D = REDUCE_DIM, bool = false>
inline void reduce_tile(uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler,
                        uint32_t idst) {
    tilesim_hook_reduce_tile(P, D, icb, icb_scaler, itile, itile_scaler, idst);
}

// ---- tilize / untilize ----
inline void tilize_init(uint32_t, uint32_t, uint32_t) {}
inline void tilize_init_short(uint32_t, uint32_t, uint32_t = 0) {}
inline void tilize_uninit(uint32_t = 0, uint32_t = 0) {}
// The front page(s) of icb hold 32 rows of block*32 values; block tiles go to the back of ocb.
inline void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    tilesim_hook_tilize_block(icb, block, ocb);
}
inline void untilize_init(uint32_t, uint32_t = 0) {}
inline void untilize_init_short(uint32_t) {}
inline void untilize_uninit(uint32_t = 0) {}
template <int = 1>
inline void untilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    tilesim_hook_untilize_block(icb, block, ocb);
}

// ---- the pooling path (tt-metal's compute_pool_2d.cpp, reused by grid_sample) ----
// unpack_tilizeA_B_block loads the first srca_face_r_dim rows of the front page of icb0 (rows of block*32
// values; tilesim extension: row_stride_bytes between rows, default block*32 elements) as `block` tiles into
// source A and the scaler tile tile_idx_b of icb1 into source B; reduce_tile_math then writes, for each
// loaded tile, DEST row 0: out[c] = sum over rows r of B[0][r] * A[r][c].
template <bool = false, bool = false>
inline void tilizeA_B_reduce_init(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t = 4, uint32_t = 16) {}
template <bool = false, bool = true, bool = false, bool = false>
inline void unpack_tilizeA_B_block(uint32_t icb0, uint32_t icb1, uint32_t block, uint32_t tile_idx_b,
                                   uint32_t num_faces = 4, uint32_t srca_face_r_dim = 16,
                                   uint32_t row_stride_bytes = 0) {
    tilesim_hook_unpack_tilize_a_b_block(icb0, icb1, block, tile_idx_b, num_faces, srca_face_r_dim,
                                         row_stride_bytes);
}
inline void reduce_tile_math(uint32_t idst, uint32_t num_faces = 4) {
    tilesim_hook_reduce_tile_math(idst, num_faces);
}

// ---- pack ----
template <bool = false>
inline void pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t = 0) {
    tilesim_hook_pack_tile(ifrom_dst, icb);
}
// Row 0 of DEST tiles [0, block_ct_dim) as one row-major stick into the back of ocb: block_ct_dim tiles of
// min(num_faces, 2) face columns each (tt-metal's pack_untilize_dest for one output row).
template <uint32_t block_ct_dim = 8, uint32_t = block_ct_dim>
inline void pack_untilize_dest_init(uint32_t, uint32_t = 16, uint32_t = 4) {}
template <uint32_t block_ct_dim = 8, uint32_t = block_ct_dim, bool = false, bool = false,
          uint32_t = TILE_C_DIM>
inline void pack_untilize_dest(uint32_t ocb, uint32_t = 1, uint32_t = 0, uint32_t = 16,
                               uint32_t num_faces = 4) {
    tilesim_hook_pack_untilize_dest_row(ocb, block_ct_dim * (num_faces >= 2 ? 2 : 1));
}
inline void pack_untilize_uninit(uint32_t = 0) {}
// tilesim's name for the same: num_face_cols face-wide columns of row 0.
inline void pack_untilize_dest_row(uint32_t ocb, uint32_t num_face_cols) {
    tilesim_hook_pack_untilize_dest_row(ocb, num_face_cols);
}
}  // namespace ckernel
using namespace ckernel;  // NOLINT: kernels call the API unqualified, as on tt-metal

#include "debug/dprint.h"
#include "tools/profiler/kernel_profiler.hpp"
