// Calibration probe: N writes of S bytes from this core's L1 to one DRAM bank, then one barrier (see
// dram_read.cpp). args: 0 bank-relative DRAM address, 1 bank, 2 bytes per write, 3 writes, 4 L1 address.
#include <cstdint>

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0), bank = get_arg_val<uint32_t>(1),
                   bytes = get_arg_val<uint32_t>(2), writes = get_arg_val<uint32_t>(3),
                   l1 = get_arg_val<uint32_t>(4);
    for (uint32_t i = 0; i < writes; ++i)
        noc_async_write(l1, get_noc_addr_from_bank_id<true>(bank, addr), bytes);
    noc_async_write_barrier();
}
