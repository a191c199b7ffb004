// Calibration probe: N reads of S bytes from another core's L1 into this core's L1, then one barrier (see
// dram_read.cpp). args: 0 x, 1 y of the other core, 2 its L1 address, 3 bytes per read, 4 reads,
// 5 local L1 address.
#include <cstdint>

void kernel_main() {
    const uint32_t x = get_arg_val<uint32_t>(0), y = get_arg_val<uint32_t>(1),
                   addr = get_arg_val<uint32_t>(2), bytes = get_arg_val<uint32_t>(3),
                   reads = get_arg_val<uint32_t>(4), l1 = get_arg_val<uint32_t>(5);
    for (uint32_t i = 0; i < reads; ++i) noc_async_read(get_noc_addr(x, y, addr), l1, bytes);
    noc_async_read_barrier();
}
