// Calibration probe: N writes of S bytes from this core's L1 to another core's L1, then one barrier (see
// dram_read.cpp). args: 0 x, 1 y of the other core, 2 its L1 address, 3 bytes per write, 4 writes,
// 5 local L1 address.
#include <cstdint>

void kernel_main() {
    const uint32_t x = get_arg_val<uint32_t>(0), y = get_arg_val<uint32_t>(1),
                   addr = get_arg_val<uint32_t>(2), bytes = get_arg_val<uint32_t>(3),
                   writes = get_arg_val<uint32_t>(4), l1 = get_arg_val<uint32_t>(5);
    for (uint32_t i = 0; i < writes; ++i) noc_async_write(l1, get_noc_addr(x, y, addr), bytes);
    noc_async_write_barrier();
}
