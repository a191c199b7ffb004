// Calibration probe: N multicast writes of S bytes from this core's L1 to a rectangle of cores, then one
// barrier (see dram_read.cpp). With `linked`, every write but the last is linked (tt-metal: the path stays
// reserved for the next one; the last must release it).
// args: 0 x0, 1 y0, 2 x1, 3 y1 of the rectangle, 4 its L1 address, 5 bytes, 6 writes, 7 local L1 address,
// 8 linked (0/1).
#include <cstdint>

void kernel_main() {
    const uint32_t x0 = get_arg_val<uint32_t>(0), y0 = get_arg_val<uint32_t>(1),
                   x1 = get_arg_val<uint32_t>(2), y1 = get_arg_val<uint32_t>(3),
                   addr = get_arg_val<uint32_t>(4), bytes = get_arg_val<uint32_t>(5),
                   writes = get_arg_val<uint32_t>(6), l1 = get_arg_val<uint32_t>(7),
                   linked = get_arg_val<uint32_t>(8);
    const uint32_t dests = (x1 - x0 + 1) * (y1 - y0 + 1);
    for (uint32_t i = 0; i < writes; ++i) {
        noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, addr), bytes, dests,
                                  linked != 0 && i + 1 < writes);
    }
    noc_async_write_barrier();
}
