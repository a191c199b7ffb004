// Test kernel of tests/sim/test_cost_model.cpp.
// ---- test kernels --------------------------------------------------------------------------------
// arg0 DRAM address, arg1 bytes per read, arg2 reads: issue all reads to L1 0x20000, then one barrier.
#include <cstdint>

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0), bytes = get_arg_val<uint32_t>(1),
                   reads = get_arg_val<uint32_t>(2);
    for (uint32_t i = 0; i < reads; ++i)
        noc_async_read(get_noc_addr_from_bank_id<true>(0, addr), 0x20000, bytes);
    noc_async_read_barrier();
}
