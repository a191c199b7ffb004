// Test kernel of tests/sim/test_compute_pool_path.cpp.
// Args: 0 output address, 1 row width W.
#include <cstdint>

void kernel_main() {
    const uint32_t out_addr = get_arg_val<uint32_t>(0), width = get_arg_val<uint32_t>(1);
    const InterleavedAddrGen<true> out{out_addr, width * 4};
    cb_wait_front(16, 1);
    noc_async_write(get_read_ptr(16), get_noc_addr(0, out), width * 4);
    noc_async_write_barrier();
    cb_pop_front(16, 1);
}
