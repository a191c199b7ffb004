// grid_sample writer (interleaved output): each output stick arrives in the output CB as `pages_per_stick`
// pages and is written to output page start_id + i.
#include "tilesim/kernel_api.hpp"

TILESIM_KERNEL_MAIN("kernels/grid_sample/writer_grid_sample.cpp") {
    // Runtime args: 0 output address, 1 number of output sticks, 2 first output stick id.
    // Compile-time args: 0 output CB, 1 output stick bytes (C * element size), 2 CB pages per stick.
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_sticks = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    const uint32_t out_cb = get_compile_time_arg_val(0);
    const uint32_t stick_bytes = get_compile_time_arg_val(1);
    const uint32_t pages_per_stick = get_compile_time_arg_val(2);
    const InterleavedAddrGen<true> out{out_addr, stick_bytes};
    for (uint32_t i = start; i < start + num_sticks; ++i) {
        cb_wait_front(out_cb, pages_per_stick);
        noc_async_write(get_read_ptr(out_cb), get_noc_addr(i, out), stick_bytes);
        noc_async_write_barrier();
        cb_pop_front(out_cb, pages_per_stick);
    }
}
