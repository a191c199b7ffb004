#pragma once
// What data-movement and compute kernels share: runtime args, the core's coordinates and the circular
// buffer calls (tt-metal: dataflow_api.h and compute_kernel_api/cb_api.h).
#include <cstdint>
#include <cstring>

#include "tilesim/kernel_hooks.h"

// ---- arguments
// ----------------------------------------------------------------------------------------------
// A 32-bit argument word as T (uint32_t, int32_t, float, ...).
template <typename T>
inline T arg_word_as(uint32_t word) {
    static_assert(sizeof(T) == 4, "runtime args are 32-bit words");
    T value;
    std::memcpy(&value, &word, 4);
    return value;
}
template <typename T>
inline T get_arg_val(int index) {
    return arg_word_as<T>(tilesim_hook_arg(static_cast<uint32_t>(index)));
}
template <typename T>
inline T get_common_arg_val(int index) {
    return arg_word_as<T>(tilesim_hook_common_arg(static_cast<uint32_t>(index)));
}
// tt-metal's get_arg_addr(i) is the L1 address of the argument; here the arguments live in host memory, so
// there is no such address and the call is not offered (a kernel that uses it fails to compile, naming it,
// rather than reading the wrong L1 bytes). get_arg_ptr gives a host pointer to the argument instead.
inline uint32_t* get_arg_ptr(int index) {
    return tilesim_hook_arg_ptr(static_cast<uint32_t>(index));
}
inline uint32_t* get_common_arg_ptr(int index) {
    return tilesim_hook_common_arg_ptr(static_cast<uint32_t>(index));
}

// Logical worker coordinates: tilesim's NoC uses logical coordinates, so a factory's
// worker_core_from_logical_core is the identity.
#define my_x (tilesim_hook_my_x())
#define my_y (tilesim_hook_my_y())
inline uint32_t get_absolute_logical_x() {
    return tilesim_hook_my_x();
}
inline uint32_t get_absolute_logical_y() {
    return tilesim_hook_my_y();
}

// ---- circular buffers
// ---------------------------------------------------------------------------------------
inline void cb_reserve_back(uint32_t cb, uint32_t pages) {
    tilesim_hook_cb_reserve_back(cb, pages);
}
inline void cb_push_back(uint32_t cb, uint32_t pages) {
    tilesim_hook_cb_push_back(cb, pages);
}
inline void cb_wait_front(uint32_t cb, uint32_t pages) {
    tilesim_hook_cb_wait_front(cb, pages);
}
inline void cb_pop_front(uint32_t cb, uint32_t pages) {
    tilesim_hook_cb_pop_front(cb, pages);
}
inline bool cb_pages_reservable_at_back(uint32_t cb, uint32_t pages) {
    return tilesim_hook_cb_pages_reservable_at_back(cb, pages);
}
inline bool cb_pages_available_at_front(uint32_t cb, uint32_t pages) {
    return tilesim_hook_cb_pages_available_at_front(cb, pages);
}
inline uint32_t get_write_ptr(uint32_t cb) {
    return tilesim_hook_get_write_ptr(cb);
}
inline uint32_t get_read_ptr(uint32_t cb) {
    return tilesim_hook_get_read_ptr(cb);
}
inline uint32_t get_tile_size(uint32_t cb) {
    return tilesim_hook_cb_page_size(cb);
}
inline DataFormat get_dataformat(uint32_t cb) {
    return static_cast<DataFormat>(tilesim_hook_cb_data_format(cb));
}
