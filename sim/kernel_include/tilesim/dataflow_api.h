#pragma once
// tt-metal's data-movement kernel API (tt_metal/hw/inc/dataflow_api.h), on tilesim's simulated core.
// Signatures follow tt-metal; every call goes through one hook into the simulator (tilesim/kernel_hooks.h).
#include <cstdint>
#include <cstring>

#include "tilesim/kernel_common.h"
#include "tilesim/kernel_hooks.h"

#ifndef TILESIM_NOC_INDEX
#define TILESIM_NOC_INDEX 0
#endif

// ---- NoC addresses
// ------------------------------------------------------------------------------------------
inline uint64_t get_noc_addr(uint32_t x, uint32_t y, uint32_t addr, uint8_t /*noc*/ = noc_index) {
    return tilesim_hook_noc_addr_xy(x, y, addr);
}
inline uint64_t get_noc_addr(uint32_t addr, uint8_t /*noc*/ = noc_index) {
    return tilesim_hook_noc_addr_local(addr);
}
template <bool DRAM>
inline uint64_t get_noc_addr_from_bank_id(uint32_t bank_id, uint32_t bank_address_offset,
                                          uint8_t /*noc*/ = noc_index) {
    static_assert(DRAM, "tilesim: L1 banks by id are not modelled; use get_noc_addr(x, y, addr)");
    return tilesim_hook_noc_addr_dram_bank(bank_id, bank_address_offset);
}
inline uint64_t get_noc_multicast_addr(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end,
                                       uint32_t addr, uint8_t /*noc*/ = noc_index) {
    return tilesim_hook_noc_addr_multicast(x_start, y_start, x_end, y_end, addr);
}

// Interleaved buffers: page i is in bank i % banks at bank_base_address + (i / banks) * aligned page size.
template <bool DRAM>
struct InterleavedAddrGen {
    uint32_t bank_base_address;
    uint32_t page_size;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t /*noc*/ = noc_index) const {
        return tilesim_hook_noc_addr_interleaved(DRAM, bank_base_address, page_size, id, offset);
    }
};
template <bool DRAM>
struct InterleavedAddrGenFast {
    uint32_t bank_base_address;
    uint32_t page_size;
    DataFormat data_format;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t /*noc*/ = noc_index) const {
        return tilesim_hook_noc_addr_interleaved(DRAM, bank_base_address, page_size, id, offset);
    }
};
template <bool DRAM>
struct InterleavedPow2AddrGen {
    uint32_t bank_base_address;
    uint32_t log_base_2_of_page_size;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t /*noc*/ = noc_index) const {
        return tilesim_hook_noc_addr_interleaved(DRAM, bank_base_address, 1u << log_base_2_of_page_size, id,
                                                 offset);
    }
    uint32_t page_size_bytes() const { return 1u << log_base_2_of_page_size; }
};
template <bool DRAM>
struct InterleavedPow2AddrGenFast {
    uint32_t bank_base_address;
    uint32_t log_base_2_of_page_size;
    DataFormat data_format;
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t /*noc*/ = noc_index) const {
        return tilesim_hook_noc_addr_interleaved(DRAM, bank_base_address, 1u << log_base_2_of_page_size, id,
                                                 offset);
    }
};

template <class AddrGen>
inline auto get_noc_addr(uint32_t id, const AddrGen& s, uint32_t offset = 0, uint8_t noc = noc_index)
    -> decltype(s.get_noc_addr(id, offset, noc)) {
    return s.get_noc_addr(id, offset, noc);
}

// ---- TensorAccessor (interleaved buffers)
// ------------------------------------------------------------------- Compile-time layout of
// TensorAccessorArgs(buffer).append_to(args): one config word (tt-metal's tensor_accessor::ArgConfig bits: 1
// sharded, 2 DRAM). tilesim's accessors cover interleaved buffers.
namespace tensor_accessor {
enum class ArgConfig : uint8_t { None = 0, Sharded = 1 << 0, IsDram = 1 << 1 };
}
template <uint32_t CTA_OFFSET, uint32_t CRTA_OFFSET = 0xffffffffu>
struct TensorAccessorArgs {
    static constexpr uint32_t config = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool is_sharded = (config & 1u) != 0;
    static constexpr bool is_dram = (config & 2u) != 0;
    static_assert(!is_sharded,
                  "tilesim: TensorAccessor over a sharded buffer is not modelled (interleaved only)");
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + 1; }
    static constexpr uint32_t compile_time_args_skip() { return 1; }
    constexpr uint32_t next_common_runtime_args_offset() const {
        return CRTA_OFFSET == 0xffffffffu ? 0 : CRTA_OFFSET;
    }
    constexpr uint32_t runtime_args_skip() const { return 0; }
};
template <class Args>
struct TensorAccessor {
    uint32_t bank_base_address;
    uint32_t page_size;
    constexpr TensorAccessor(const Args&, uint32_t base, uint32_t page_bytes = 0)
        : bank_base_address(base), page_size(page_bytes) {}
    uint64_t get_noc_addr(uint32_t id, uint32_t offset = 0, uint8_t /*noc*/ = noc_index) const {
        return tilesim_hook_noc_addr_interleaved(Args::is_dram, bank_base_address, page_size, id, offset);
    }
    bool is_local_bank(uint32_t, uint32_t) const { return false; }
};
template <class Args>
TensorAccessor(const Args&, uint32_t, uint32_t) -> TensorAccessor<Args>;

// ---- transfers
// ----------------------------------------------------------------------------------------------
inline void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size,
                           uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_read(src_noc_addr, dst_local_l1_addr, size);
}
inline void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size,
                            uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_write(src_local_l1_addr, dst_noc_addr, size);
}
inline void noc_async_read_barrier(uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_read_barrier();
}
inline void noc_async_write_barrier(uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_write_barrier();
}
inline void noc_async_writes_flushed(uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_write_barrier();
}
inline void noc_async_atomic_barrier(uint8_t /*noc*/ = noc_index) {}
inline void noc_async_full_barrier(uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_read_barrier();
    tilesim_hook_noc_write_barrier();
}
inline void noc_async_write_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                      uint32_t size, uint32_t num_dests, bool linked = false,
                                      uint8_t /*noc*/ = noc_index) {
    tilesim_hook_noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, linked);
}

template <bool DRAM>
inline void noc_async_read_tile(uint32_t id, const InterleavedAddrGenFast<DRAM>& s,
                                uint32_t dst_local_l1_addr, uint32_t offset = 0, uint8_t noc = noc_index) {
    noc_async_read(s.get_noc_addr(id, offset, noc), dst_local_l1_addr, s.page_size, noc);
}
template <bool DRAM>
inline void noc_async_write_tile(uint32_t id, const InterleavedAddrGenFast<DRAM>& s,
                                 uint32_t src_local_l1_addr, uint8_t noc = noc_index) {
    noc_async_write(src_local_l1_addr, s.get_noc_addr(id, 0, noc), s.page_size, noc);
}
template <class Args>
inline void noc_async_read_tile(uint32_t id, const TensorAccessor<Args>& s, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index) {
    noc_async_read(s.get_noc_addr(id, offset, noc), dst_local_l1_addr, s.page_size, noc);
}
template <class Args>
inline void noc_async_write_tile(uint32_t id, const TensorAccessor<Args>& s, uint32_t src_local_l1_addr,
                                 uint8_t noc = noc_index) {
    noc_async_write(src_local_l1_addr, s.get_noc_addr(id, 0, noc), s.page_size, noc);
}
// Whole pages of any address generator or accessor (tt-metal's _page calls).
template <class AddrGen>
inline void noc_async_read_page(uint32_t id, const AddrGen& s, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index) {
    noc_async_read(s.get_noc_addr(id, offset, noc), dst_local_l1_addr, s.page_size, noc);
}
template <class AddrGen>
inline void noc_async_write_page(uint32_t id, const AddrGen& s, uint32_t src_local_l1_addr,
                                 uint32_t write_size_bytes = 0, uint32_t offset = 0,
                                 uint8_t noc = noc_index) {
    noc_async_write(src_local_l1_addr, s.get_noc_addr(id, offset, noc),
                    write_size_bytes ? write_size_bytes : s.page_size, noc);
}

// ---- semaphores
// ---------------------------------------------------------------------------------------------
inline uint32_t get_semaphore(uint32_t semaphore_id) {
    return tilesim_hook_get_semaphore(semaphore_id);
}
template <uint32_t = 0>
inline uint32_t get_semaphore_t(uint32_t semaphore_id) {
    return tilesim_hook_get_semaphore(semaphore_id);
}
inline void noc_semaphore_wait(volatile uint32_t* sem_addr, uint32_t value) {
    tilesim_hook_semaphore_wait(sem_addr, value, false);
}
inline void noc_semaphore_wait_min(volatile uint32_t* sem_addr, uint32_t value) {
    tilesim_hook_semaphore_wait(sem_addr, value, true);
}
inline void noc_semaphore_set(volatile uint32_t* sem_addr, uint32_t value) {
    tilesim_hook_semaphore_set(sem_addr, value);
}
inline void noc_semaphore_inc(uint64_t addr, uint32_t incr, uint8_t /*noc*/ = noc_index) {
    tilesim_hook_semaphore_inc(addr, incr);
}
inline void noc_semaphore_set_remote(uint32_t src_local_l1_addr, uint64_t dst_noc_addr,
                                     uint8_t /*noc*/ = noc_index) {
    tilesim_hook_semaphore_set_remote(src_local_l1_addr, dst_noc_addr);
}
inline void noc_semaphore_set_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                        uint32_t num_dests, bool /*linked*/ = false,
                                        uint8_t /*noc*/ = noc_index) {
    tilesim_hook_semaphore_set_multicast(src_local_l1_addr, dst_noc_addr_multicast, num_dests);
}

#include "debug/dprint.h"
#include "tools/profiler/kernel_profiler.hpp"
