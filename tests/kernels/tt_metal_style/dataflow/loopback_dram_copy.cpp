// DRAM -> L1 -> DRAM copy, one page at a time, through an L1 scratch buffer (tt-metal's loopback example).
#include <cstdint>

void kernel_main() {
    uint32_t l1_buffer_addr = get_arg_val<uint32_t>(0);
    uint32_t src_addr = get_arg_val<uint32_t>(1);
    uint32_t dst_addr = get_arg_val<uint32_t>(2);
    uint32_t num_pages = get_arg_val<uint32_t>(3);
    constexpr uint32_t page_size = get_compile_time_arg_val(0);
    constexpr auto src_args = TensorAccessorArgs<1>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto src = TensorAccessor(src_args, src_addr, page_size);
    const auto dst = TensorAccessor(dst_args, dst_addr, page_size);
    for (uint32_t i = 0; i < num_pages; i++) {
        noc_async_read_page(i, src, l1_buffer_addr);
        noc_async_read_barrier();
        noc_async_write_page(i, dst, l1_buffer_addr);
        noc_async_write_barrier();
    }
}
