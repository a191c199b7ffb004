// The hooks a kernel shared object calls (sim/kernel_include/tilesim/kernel_hooks.h): each forwards to the
// kernel API of the running kernel's context. Exceptions (watcher errors, an aborted run) travel through
// the kernel's frames back to the runtime, as they do for any C++ call.
#include "../kernel_include/tilesim/kernel_hooks.h"

#include <cstring>

#include "detail/api_common.hpp"
#include "detail/noc_address.hpp"
#include "detail/kernel_api.hpp"

using namespace tilesim;
namespace api = tilesim::kernel_api;
using detail::enter;
using detail::KernelContext;
using detail::watcher;

namespace {
// tt-metal's DataFormat codes (tt_backend_api_types.hpp).
uint32_t tt_data_format_code(DataType t) {
    switch (t) {
        case DataType::Float32:
            return 0;
        case DataType::Float16:
            return 1;
        case DataType::BFloat16:
            return 5;
        case DataType::Bfp8_b:
            return 6;
        case DataType::Int32:
            return 8;
        case DataType::UInt16:
            return 9;
        case DataType::UInt32:
            return 24;
    }
    return 0xff;
}

uint32_t* arg_pointer(KernelContext& k, const std::vector<uint32_t>* args, uint32_t index, const char* call) {
    if (!args || index >= args->size()) {
        watcher(k, fmt::format("{}({}): runtime arg never set (kernel has {} args on this core)", call, index,
                               args ? args->size() : 0));
    }
    return const_cast<uint32_t*>(args->data()) + index;
}
}  // namespace

extern "C" {

uint32_t tilesim_hook_arg(uint32_t i) {
    return api::runtime_arg(i);
}
uint32_t tilesim_hook_common_arg(uint32_t i) {
    return api::common_runtime_arg(i);
}
uint32_t* tilesim_hook_arg_ptr(uint32_t i) {
    KernelContext& k = enter("get_arg_ptr");
    return arg_pointer(k, k.args, i, "get_arg_ptr");
}
uint32_t* tilesim_hook_common_arg_ptr(uint32_t i) {
    KernelContext& k = enter("get_common_arg_ptr");
    return arg_pointer(k, &k.spec->common_runtime_args, i, "get_common_arg_ptr");
}
uint32_t tilesim_hook_my_x() {
    return api::get_absolute_logical_x();
}
uint32_t tilesim_hook_my_y() {
    return api::get_absolute_logical_y();
}
void tilesim_hook_compile_time_arg_missing(uint32_t index, uint32_t count) {
    KernelContext& k = enter("get_compile_time_arg_val");
    if (index == 0xfffffffeu) watcher(k, "the kernel defines neither kernel_main() nor NAMESPACE::MAIN");
    if (index == 0xffffffffu)
        watcher(k, "get_named_compile_time_arg_val: a named compile-time arg was not given");
    watcher(k, fmt::format("get_compile_time_arg_val({}): the kernel was given {} compile-time args", index,
                           count));
}

void* tilesim_hook_l1_pointer(uint64_t addr, uint64_t bytes) {
    KernelContext& k = enter("reinterpret_cast to an L1 pointer");
    const uint64_t l1 = k.run->spec->l1_size_bytes;
    if (addr + bytes > l1) {
        watcher(k, fmt::format("L1 pointer [{:#x}, {:#x}) is outside L1 ({} bytes)", addr, addr + bytes, l1));
    }
    return k.core->l1 + addr;
}
uint32_t tilesim_hook_l1_address(const volatile void* p) {
    KernelContext& k = enter("reinterpret_cast of an L1 pointer");
    const auto* b = static_cast<const volatile std::byte*>(p);
    if (b < k.core->l1 || b > k.core->l1 + k.run->spec->l1_size_bytes)
        watcher(k, "a pointer cast to a 32-bit L1 address does not point into this core's L1");
    return static_cast<uint32_t>(b - k.core->l1);
}

void tilesim_hook_cb_reserve_back(uint32_t cb, uint32_t n) {
    api::cb_reserve_back(cb, n);
}
void tilesim_hook_cb_push_back(uint32_t cb, uint32_t n) {
    api::cb_push_back(cb, n);
}
void tilesim_hook_cb_wait_front(uint32_t cb, uint32_t n) {
    api::cb_wait_front(cb, n);
}
void tilesim_hook_cb_pop_front(uint32_t cb, uint32_t n) {
    api::cb_pop_front(cb, n);
}
bool tilesim_hook_cb_pages_reservable_at_back(uint32_t cb, uint32_t n) {
    return api::cb_pages_reservable_at_back(cb, n);
}
bool tilesim_hook_cb_pages_available_at_front(uint32_t cb, uint32_t n) {
    return api::cb_pages_available_at_front(cb, n);
}
uint32_t tilesim_hook_get_write_ptr(uint32_t cb) {
    return api::get_write_ptr(cb);
}
uint32_t tilesim_hook_get_read_ptr(uint32_t cb) {
    return api::get_read_ptr(cb);
}
uint32_t tilesim_hook_cb_page_size(uint32_t cb) {
    return api::get_cb_page_size(cb);
}
uint32_t tilesim_hook_cb_data_format(uint32_t cb) {
    KernelContext& k = enter("get_dataformat");
    return tt_data_format_code(detail::cb_of(k, cb, "get_dataformat").format);
}

uint64_t tilesim_hook_noc_addr_xy(uint32_t x, uint32_t y, uint32_t addr) {
    return api::get_noc_addr(x, y, addr);
}
uint64_t tilesim_hook_noc_addr_local(uint32_t addr) {
    return api::get_noc_addr(addr);
}
uint64_t tilesim_hook_noc_addr_dram_bank(uint32_t bank, uint32_t addr) {
    return api::get_dram_noc_addr(bank, addr);
}
uint64_t tilesim_hook_noc_addr_multicast(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) {
    return api::get_noc_multicast_addr(x0, y0, x1, y1, addr);
}
uint64_t tilesim_hook_noc_addr_interleaved(bool dram, uint32_t base, uint32_t page_size, uint32_t page,
                                           uint32_t offset) {
    return api::interleaved_page_noc_addr(dram, base, page_size, page, offset);
}
void tilesim_hook_noc_read(uint64_t src, uint32_t dst, uint32_t size) {
    api::noc_async_read(src, dst, size);
}
void tilesim_hook_noc_write(uint32_t src, uint64_t dst, uint32_t size) {
    api::noc_async_write(src, dst, size);
}
void tilesim_hook_noc_write_multicast(uint32_t src, uint64_t dst, uint32_t size, uint32_t num_dests,
                                      bool linked) {
    api::noc_async_write_multicast(src, dst, size, num_dests, linked);
}
void tilesim_hook_noc_read_barrier() {
    api::noc_async_read_barrier();
}
void tilesim_hook_noc_write_barrier() {
    api::noc_async_write_barrier();
}

uint32_t tilesim_hook_get_semaphore(uint32_t id) {
    return api::get_semaphore(id);
}
void tilesim_hook_semaphore_wait(volatile uint32_t* sem, uint32_t value, bool at_least) {
    if (at_least)
        api::noc_semaphore_wait_min(sem, value);
    else
        api::noc_semaphore_wait(sem, value);
}
void tilesim_hook_semaphore_set(volatile uint32_t* sem, uint32_t value) {
    api::noc_semaphore_set(sem, value);
}
void tilesim_hook_semaphore_inc(uint64_t dst, uint32_t increment) {
    api::noc_semaphore_inc(dst, increment);
}
void tilesim_hook_semaphore_set_remote(uint32_t src, uint64_t dst) {
    api::noc_semaphore_set_remote(src, dst);
}
void tilesim_hook_semaphore_set_multicast(uint32_t src, uint64_t dst, uint32_t num_dests) {
    api::noc_semaphore_set_multicast(src, dst, num_dests);
}

void tilesim_hook_spend_cycles(uint32_t cycles) {
    api::kernel_spend_cycles(cycles);
}
void tilesim_hook_dprint_text(const char* text) {
    api::dprint_stream() << text;
}
void tilesim_hook_dprint_int(int64_t v) {
    api::dprint_stream() << v;
}
void tilesim_hook_dprint_uint(uint64_t v) {
    api::dprint_stream() << v;
}
void tilesim_hook_dprint_float(double v) {
    api::dprint_stream() << v;
}
void tilesim_hook_dprint_end_line() {
    api::dprint_stream() << api::ENDL();
}

void tilesim_hook_tile_regs_acquire() {
    api::tile_regs_acquire();
}
void tilesim_hook_tile_regs_commit() {
    api::tile_regs_commit();
}
void tilesim_hook_tile_regs_wait() {
    api::tile_regs_wait();
}
void tilesim_hook_tile_regs_release() {
    api::tile_regs_release();
}
void tilesim_hook_copy_tile(uint32_t cb, uint32_t tile, uint32_t dst) {
    api::copy_tile(cb, tile, dst);
}
void tilesim_hook_sfpu_unary(uint32_t op, uint32_t dst) {
    if (op == 0) return api::abs_tile(dst);
    watcher(enter("sfpu"), fmt::format("unknown SFPU operation {}", op));
}
void tilesim_hook_binary(uint32_t op, uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t dst) {
    switch (op) {
        case 0:
            api::add_tiles(cb0, cb1, t0, t1, dst);
            return;
        case 1:
            api::sub_tiles(cb0, cb1, t0, t1, dst);
            return;
        case 2:
            api::mul_tiles(cb0, cb1, t0, t1, dst);
            return;
        default:
            api::mul_tiles_bcast_scalar(cb0, cb1, t0, t1, dst);
            return;
    }
}
void tilesim_hook_reduce_tile(uint32_t pool, uint32_t dim, uint32_t icb, uint32_t scb, uint32_t tile,
                              uint32_t stile, uint32_t dst) {
    api::reduce_tile(static_cast<api::PoolType>(pool), static_cast<api::ReduceDim>(dim), icb, scb, tile,
                     stile, dst);
}
void tilesim_hook_tilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    api::tilize_block(icb, block, ocb);
}
void tilesim_hook_untilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    api::untilize_block(icb, block, ocb);
}
void tilesim_hook_unpack_tilize_a_b_block(uint32_t icb, uint32_t scb, uint32_t ntiles, uint32_t scalar_tile,
                                          uint32_t num_faces, uint32_t face_r_dim,
                                          uint32_t row_stride_bytes) {
    api::unpack_tilizeA_B_block(icb, scb, ntiles, scalar_tile, num_faces, face_r_dim, row_stride_bytes);
}
void tilesim_hook_reduce_tile_math(uint32_t dst, uint32_t num_faces) {
    api::reduce_tile_math(dst, num_faces);
}
void tilesim_hook_pack_tile(uint32_t dst, uint32_t ocb) {
    api::pack_tile(dst, ocb);
}
void tilesim_hook_pack_untilize_dest_row(uint32_t ocb, uint32_t num_face_cols) {
    api::pack_untilize_dest_row(ocb, num_face_cols);
}

}  // extern "C"
