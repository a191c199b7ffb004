// Calibration probe (sim/src/calibration.cpp, tests/sim/test_cost_calibration.cpp): N reads of S bytes from
// one DRAM bank into this core's L1, then one barrier, as the silicon data-movement tests do. The measured
// time is its run less the same probe's with no read (its setup), as silicon's timestamps bracket the loop.
// args: 0 bank-relative DRAM address, 1 bank, 2 bytes per read (S), 3 reads (N), 4 L1 address.
#include <cstdint>

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0), bank = get_arg_val<uint32_t>(1),
                   bytes = get_arg_val<uint32_t>(2), reads = get_arg_val<uint32_t>(3),
                   l1 = get_arg_val<uint32_t>(4);
    for (uint32_t i = 0; i < reads; ++i)
        noc_async_read(get_noc_addr_from_bank_id<true>(bank, addr), l1, bytes);
    noc_async_read_barrier();
}
