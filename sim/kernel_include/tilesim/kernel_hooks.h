#pragma once
// The only link between a kernel shared object and the simulator: plain C functions that libtilesim_sim
// defines and a kernel resolves when it is loaded. Every call acts on the calling kernel (its core, CBs,
// arguments and clock). Kernels never call these directly; the tt-metal API headers beside this one do.
#include <cstdint>

#define TILESIM_HOOK extern "C" __attribute__((visibility("default")))

// arguments and identity
TILESIM_HOOK uint32_t tilesim_hook_arg(uint32_t index);
TILESIM_HOOK uint32_t tilesim_hook_common_arg(uint32_t index);
TILESIM_HOOK uint32_t* tilesim_hook_arg_ptr(uint32_t index);
TILESIM_HOOK uint32_t* tilesim_hook_common_arg_ptr(uint32_t index);
TILESIM_HOOK uint32_t tilesim_hook_my_x();
TILESIM_HOOK uint32_t tilesim_hook_my_y();
TILESIM_HOOK void tilesim_hook_compile_time_arg_missing(uint32_t index, uint32_t count);

// L1: an L1 address of this core <-> a host pointer (bounds-checked)
TILESIM_HOOK void* tilesim_hook_l1_pointer(uint64_t addr, uint64_t bytes);
TILESIM_HOOK uint32_t tilesim_hook_l1_address(const volatile void* pointer);

// circular buffers
TILESIM_HOOK void tilesim_hook_cb_reserve_back(uint32_t cb, uint32_t pages);
TILESIM_HOOK void tilesim_hook_cb_push_back(uint32_t cb, uint32_t pages);
TILESIM_HOOK void tilesim_hook_cb_wait_front(uint32_t cb, uint32_t pages);
TILESIM_HOOK void tilesim_hook_cb_pop_front(uint32_t cb, uint32_t pages);
TILESIM_HOOK bool tilesim_hook_cb_pages_reservable_at_back(uint32_t cb, uint32_t pages);
TILESIM_HOOK bool tilesim_hook_cb_pages_available_at_front(uint32_t cb, uint32_t pages);
TILESIM_HOOK uint32_t tilesim_hook_get_write_ptr(uint32_t cb);
TILESIM_HOOK uint32_t tilesim_hook_get_read_ptr(uint32_t cb);
TILESIM_HOOK uint32_t tilesim_hook_cb_page_size(uint32_t cb);
TILESIM_HOOK uint32_t tilesim_hook_cb_data_format(uint32_t cb);  // tt-metal DataFormat code

// NoC
TILESIM_HOOK uint64_t tilesim_hook_noc_addr_xy(uint32_t x, uint32_t y, uint32_t addr);
TILESIM_HOOK uint64_t tilesim_hook_noc_addr_local(uint32_t addr);
TILESIM_HOOK uint64_t tilesim_hook_noc_addr_dram_bank(uint32_t bank, uint32_t addr);
TILESIM_HOOK uint64_t tilesim_hook_noc_addr_multicast(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
                                                      uint32_t addr);
TILESIM_HOOK uint64_t tilesim_hook_noc_addr_interleaved(bool dram, uint32_t base, uint32_t page_size,
                                                        uint32_t page, uint32_t offset);
TILESIM_HOOK void tilesim_hook_noc_read(uint64_t src, uint32_t dst_l1, uint32_t size);
TILESIM_HOOK void tilesim_hook_noc_write(uint32_t src_l1, uint64_t dst, uint32_t size);
TILESIM_HOOK void tilesim_hook_noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size,
                                                   uint32_t num_dests, bool linked);
TILESIM_HOOK void tilesim_hook_noc_read_barrier();
TILESIM_HOOK void tilesim_hook_noc_write_barrier();

// semaphores
TILESIM_HOOK uint32_t tilesim_hook_get_semaphore(uint32_t id);
TILESIM_HOOK void tilesim_hook_semaphore_wait(volatile uint32_t* sem, uint32_t value, bool at_least);
TILESIM_HOOK void tilesim_hook_semaphore_set(volatile uint32_t* sem, uint32_t value);
TILESIM_HOOK void tilesim_hook_semaphore_inc(uint64_t dst, uint32_t increment);
TILESIM_HOOK void tilesim_hook_semaphore_set_remote(uint32_t src_l1, uint64_t dst);
TILESIM_HOOK void tilesim_hook_semaphore_set_multicast(uint32_t src_l1, uint64_t dst, uint32_t num_dests);

// cost hint and DPRINT
TILESIM_HOOK void tilesim_hook_spend_cycles(uint32_t cycles);
TILESIM_HOOK void tilesim_hook_dprint_text(const char* text);
TILESIM_HOOK void tilesim_hook_dprint_int(int64_t value);
TILESIM_HOOK void tilesim_hook_dprint_uint(uint64_t value);
TILESIM_HOOK void tilesim_hook_dprint_float(double value);
TILESIM_HOOK void tilesim_hook_dprint_end_line();

// compute (PoolType / ReduceDim as their tt-metal enum values)
TILESIM_HOOK void tilesim_hook_tile_regs_acquire();
TILESIM_HOOK void tilesim_hook_tile_regs_commit();
TILESIM_HOOK void tilesim_hook_tile_regs_wait();
TILESIM_HOOK void tilesim_hook_tile_regs_release();
TILESIM_HOOK void tilesim_hook_copy_tile(uint32_t cb, uint32_t tile, uint32_t dst);
TILESIM_HOOK void tilesim_hook_binary(uint32_t op, uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1,
                                      uint32_t dst);  // op: 0 add, 1 sub, 2 mul, 3 mul by scalar of cb1
TILESIM_HOOK void tilesim_hook_sfpu_unary(uint32_t op, uint32_t dst);  // op: 0 abs
TILESIM_HOOK void tilesim_hook_reduce_tile(uint32_t pool, uint32_t dim, uint32_t icb, uint32_t scb,
                                           uint32_t tile, uint32_t stile, uint32_t dst);
TILESIM_HOOK void tilesim_hook_tilize_block(uint32_t icb, uint32_t block, uint32_t ocb);
TILESIM_HOOK void tilesim_hook_untilize_block(uint32_t icb, uint32_t block, uint32_t ocb);
TILESIM_HOOK void tilesim_hook_unpack_tilize_a_b_block(uint32_t icb, uint32_t scb, uint32_t ntiles,
                                                       uint32_t scalar_tile, uint32_t num_faces,
                                                       uint32_t face_r_dim, uint32_t row_stride_bytes);
TILESIM_HOOK void tilesim_hook_reduce_tile_math(uint32_t dst, uint32_t num_faces);
TILESIM_HOOK void tilesim_hook_pack_tile(uint32_t dst, uint32_t ocb);
TILESIM_HOOK void tilesim_hook_pack_untilize_dest_row(uint32_t ocb, uint32_t num_face_cols);
