// Test kernel of tests/sim/test_trace.cpp.
// ---- test kernels --------------------------------------------------------------------------------
// Reader: arg0 DRAM address, arg1 pages of 256 B; reads each page into c_0 with a barrier per page.
#include <cstdint>

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0), pages = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < pages; ++i) {
        cb_reserve_back(0, 1);
        noc_async_read(get_noc_addr_from_bank_id<true>(0, addr), get_write_ptr(0), 256);
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
}
