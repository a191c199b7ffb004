#pragma once
// The simulator's side of the kernel API: what each hook of sim/kernel_include/tilesim/kernel_hooks.h
// does (sim/src/kernel_hooks.cpp forwards to these). Every call acts on the calling fiber's "current
// kernel" (its core, CBs, arguments, clock). Kernels never see this header: they include tt-metal's API
// headers (sim/kernel_include/), whose comments say what each call means.
#include <cstdint>
#include <sstream>

#include "tilesim/program.hpp"

namespace tilesim::kernel_api {

// ---- arguments and identity ------------------------------------------------------------------------------
uint32_t runtime_arg(uint32_t index);
uint32_t common_runtime_arg(uint32_t index);
uint32_t get_absolute_logical_x();
uint32_t get_absolute_logical_y();

// ---- circular buffers ------------------------------------------------------------------------------------
void cb_reserve_back(uint32_t cb, uint32_t num_pages);
void cb_push_back(uint32_t cb, uint32_t num_pages);
void cb_wait_front(uint32_t cb, uint32_t num_pages);
void cb_pop_front(uint32_t cb, uint32_t num_pages);
bool cb_pages_reservable_at_back(uint32_t cb, uint32_t num_pages);
bool cb_pages_available_at_front(uint32_t cb, uint32_t num_pages);
uint32_t get_write_ptr(uint32_t cb);  // L1 address of the first reserved page
uint32_t get_read_ptr(uint32_t cb);   // L1 address of the first waited page
uint32_t get_cb_page_size(uint32_t cb);

// ---- NoC ----------------------------------------------------------------------------------------------
// A NoC address names a core's L1 (logical worker coordinates), a DRAM bank or a rectangle of cores
// (multicast), plus a byte offset (sim/src/detail/noc_address.hpp).
uint64_t get_noc_addr(uint32_t x, uint32_t y, uint32_t addr);
uint64_t get_noc_addr(uint32_t addr);  // this core's L1
uint64_t get_dram_noc_addr(uint32_t bank, uint32_t addr);
uint64_t get_noc_multicast_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr);
// Page `page` of an interleaved buffer: bank page % banks at base + (page / banks) * aligned page size
// (DRAM banks, or for L1 one bank per worker core in row-major order).
uint64_t interleaved_page_noc_addr(bool dram, uint32_t base, uint32_t page_size, uint32_t page,
                                   uint32_t offset);
void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size);
void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size);
// `linked`: tt-metal's flag that keeps the multicast path reserved for the next multicast (cheaper issue).
void noc_async_write_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast, uint32_t size,
                               uint32_t num_dests, bool linked = false);
void noc_async_read_barrier();
void noc_async_write_barrier();

// ---- semaphores ---------------------------------------------------------------------------------------
uint32_t get_semaphore(uint32_t semaphore_id);  // L1 address of the semaphore on this core
void noc_semaphore_wait(volatile uint32_t* sem_addr, uint32_t value);      // until *sem == value
void noc_semaphore_wait_min(volatile uint32_t* sem_addr, uint32_t value);  // until *sem >= value
void noc_semaphore_set(volatile uint32_t* sem_addr, uint32_t value);
void noc_semaphore_inc(uint64_t dst_noc_addr, uint32_t increment);
void noc_semaphore_set_remote(uint32_t src_local_l1_addr, uint64_t dst_noc_addr);
void noc_semaphore_set_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                 uint32_t num_dests);

// ---- cost-model hint ------------------------------------------------------------------------------------
// Charges `cycles` of scalar RISC-V work (address math, coordinate computation) to this kernel's clock.
void kernel_spend_cycles(uint32_t cycles);

// ---- DPRINT ----------------------------------------------------------------------------------------------
// One line per ENDL, tagged with the core and the kernel, to RunOptions::dprint (default stderr).
struct DebugEndl {};
inline DebugEndl ENDL() {
    return {};
}
class DebugPrinter {
  public:
    template <class T>
    DebugPrinter& operator<<(const T& v) {
        line() << v;
        return *this;
    }
    DebugPrinter& operator<<(DebugEndl);

  private:
    static std::ostringstream& line();
};
DebugPrinter& dprint_stream();

// ---- compute ----------------------------------------------------------------------------------------
// DEST holds 16 tiles of 32x32 values (float32; rounded to bf16 after each operation unless the
// kernel's ComputeConfig has fp32_dest_acc_en). Tiles in CBs are in face order, in the CB's data format.
enum class PoolType { SUM, AVG, MAX };
enum class ReduceDim { REDUCE_ROW, REDUCE_COL, REDUCE_SCALAR };

void tile_regs_acquire();
void tile_regs_commit();
void tile_regs_wait();
void tile_regs_release();
void copy_tile(uint32_t cb, uint32_t tile_index, uint32_t dst_index);
void add_tiles(uint32_t cb0, uint32_t cb1, uint32_t tile0, uint32_t tile1, uint32_t dst_index);
void sub_tiles(uint32_t cb0, uint32_t cb1, uint32_t tile0, uint32_t tile1, uint32_t dst_index);
void abs_tile(uint32_t dst_index);  // SFPU: |x| of every value of a DEST tile
void mul_tiles(uint32_t cb0, uint32_t cb1, uint32_t tile0, uint32_t tile1, uint32_t dst_index);
// dst = cb0[tile0] * (element [0][0] of cb1[tile1])
void mul_tiles_bcast_scalar(uint32_t cb0, uint32_t cb1, uint32_t tile0, uint32_t tile1, uint32_t dst_index);
// REDUCE_COL: dst row 0 [c] += sum over rows r of in[r][c] * s, REDUCE_ROW: dst column 0 [r] += sum over
// columns; REDUCE_SCALAR: dst [0][0] += sum of all; s = element [0][0] of the scalar tile. MAX takes
// the maximum (times s). As tt-metal's reduce_tile<pool_type, reduce_dim>.
void reduce_tile(PoolType pool, ReduceDim dim, uint32_t icb, uint32_t scalar_cb, uint32_t tile,
                 uint32_t scalar_tile, uint32_t dst_index);
// Row-major -> tiles: the front page(s) of icb hold 32 rows of block*32 values; block tiles go to the
// back of ocb (which the kernel reserved). untilize_block is the inverse.
void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb);
void untilize_block(uint32_t icb, uint32_t block, uint32_t ocb);
// The pooling path tt-metal's grid_sample reuses (compute_pool_2d.cpp): unpack_tilizeA_B_block loads
// the first `face_r_dim` rows of the front page of icb (rows of ntiles*32 values, row r at offset
// r * row_stride_bytes, default ntiles*32 elements) as ntiles tiles into source A, and the scalar tile
// `scalar_tile` of icb_scalar into source B; reduce_tile_math then writes, for each loaded tile t, into
// DEST[dst + t] row 0: out[c] = sum over rows r < face_r_dim of B[0][r] * A[r][c] (a weighted reduction of
// the rows, each row weighted by element r of the scalar tile's first row).
void unpack_tilizeA_B_block(uint32_t icb, uint32_t icb_scalar, uint32_t ntiles, uint32_t scalar_tile,
                            uint32_t num_faces = 4, uint32_t face_r_dim = 16, uint32_t row_stride_bytes = 0);
void reduce_tile_math(uint32_t dst_index, uint32_t num_faces = 4);
// Packs DEST tile dst_index to the back of ocb (into its next reserved page), in ocb's data format.
void pack_tile(uint32_t dst_index, uint32_t ocb);
// Packs row 0 of DEST tiles [0, ...) as one row-major stick of num_face_cols * 16 values into the back
// of ocb (the kernel reserved the pages it covers), in ocb's data format (tt-metal's pack_untilize_dest
// of one row).
void pack_untilize_dest_row(uint32_t ocb, uint32_t num_face_cols);

}  // namespace tilesim::kernel_api
