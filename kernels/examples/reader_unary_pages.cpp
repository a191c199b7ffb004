// Reader of the multi-core interleaved copy: pages [start, start + n) of the source into c_0.
#include <cstdint>

void kernel_main() {
    // Runtime args: 0 source address, 1 number of pages, 2 first page id.
    // Compile-time args: 0 page size in bytes, 1.. TensorAccessorArgs of the source.
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_pages = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t page_size = get_compile_time_arg_val(0);
    constexpr auto src_args = TensorAccessorArgs<1>();
    constexpr auto cb_in = tt::CBIndex::c_0;
    const auto src = TensorAccessor(src_args, src_addr, page_size);
    for (uint32_t i = start; i < start + num_pages; ++i) {
        cb_reserve_back(cb_in, 1);
        noc_async_read_page(i, src, get_write_ptr(cb_in));
        noc_async_read_barrier();
        cb_push_back(cb_in, 1);
    }
}
