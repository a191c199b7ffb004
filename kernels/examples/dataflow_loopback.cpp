// tt-metal programming example "loopback": one data-movement kernel copies a DRAM buffer through an L1
// scratch buffer into another DRAM buffer, one page at a time.
#include <cstdint>

void kernel_main() {
    // Runtime args: 0 L1 scratch address, 1 source DRAM address, 2 destination DRAM address,
    //               3 number of pages, 4 page size in bytes.
    const uint32_t l1_buffer_addr = get_arg_val<uint32_t>(0);
    const uint32_t src_addr = get_arg_val<uint32_t>(1);
    const uint32_t dst_addr = get_arg_val<uint32_t>(2);
    const uint32_t num_pages = get_arg_val<uint32_t>(3);
    const uint32_t page_size = get_arg_val<uint32_t>(4);
    const InterleavedAddrGen<true> src{.bank_base_address = src_addr, .page_size = page_size};
    const InterleavedAddrGen<true> dst{.bank_base_address = dst_addr, .page_size = page_size};
    for (uint32_t i = 0; i < num_pages; ++i) {
        noc_async_read(get_noc_addr(i, src), l1_buffer_addr, page_size);
        noc_async_read_barrier();
        noc_async_write(l1_buffer_addr, get_noc_addr(i, dst), page_size);
        noc_async_write_barrier();
    }
}
