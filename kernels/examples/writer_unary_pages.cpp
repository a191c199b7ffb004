// Writer of the multi-core interleaved copy (and of eltwise_binary): pages from a CB to the output.
#include <cstdint>

void kernel_main() {
    // Runtime args: 0 destination address, 1 number of pages, 2 first page id.
    // Compile-time args: 0 page size in bytes, 1 CB index to drain.
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_pages = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t page_size = get_compile_time_arg_val(0);
    constexpr uint32_t cb_out = get_compile_time_arg_val(1);
    const InterleavedAddrGen<true> dst{.bank_base_address = dst_addr, .page_size = page_size};
    for (uint32_t i = start; i < start + num_pages; ++i) {
        cb_wait_front(cb_out, 1);
        noc_async_write(get_read_ptr(cb_out), get_noc_addr(i, dst), page_size);
        noc_async_write_barrier();
        cb_pop_front(cb_out, 1);
    }
}
