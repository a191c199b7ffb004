// The tt-metal idioms a host build must honour: a compile-time arg as a template argument and in
// if constexpr, a define, a TensorAccessorArgs chain and raw tt_l1_ptr stores into a CB page.
// Compile-time args: 0 scale, 1 values per page, then the accessor args of input and output.
// Output page i = input page i * SCALE (+ OFFSET when the define is set), as uint32 values.
#include <cstdint>

template <uint32_t Scale>
uint32_t scaled(uint32_t v) {
    return v * Scale;
}

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t dst_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_pages = get_arg_val<uint32_t>(2);
    constexpr uint32_t scale = get_compile_time_arg_val(0);
    constexpr uint32_t values_per_page = get_compile_time_arg_val(1);
    constexpr uint32_t page_bytes = values_per_page * sizeof(uint32_t);
    constexpr auto src_args = TensorAccessorArgs<2>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    static_assert(dst_args.next_compile_time_args_offset() == 4);
    const auto src = TensorAccessor(src_args, src_addr, page_bytes);
    const auto dst = TensorAccessor(dst_args, dst_addr, page_bytes);
    constexpr uint32_t cb = tt::CBIndex::c_0;
    for (uint32_t p = 0; p < num_pages; ++p) {
        cb_reserve_back(cb, 1);
        const uint32_t l1 = get_write_ptr(cb);
        noc_async_read_page(p, src, l1);
        noc_async_read_barrier();
        volatile tt_l1_ptr uint32_t* values = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(l1);
        for (uint32_t i = 0; i < values_per_page; ++i) {
            uint32_t v = values[i];
            if constexpr (scale != 1) v = scaled<scale>(v);
#ifdef ADD_OFFSET
            v += ADD_OFFSET;
#endif
            values[i] = v;
        }
        // a pointer back to its L1 address, as kernels do for NoC calls
        const uint32_t again = reinterpret_cast<uint32_t>(values);
        noc_async_write_page(p, dst, again);
        noc_async_write_barrier();
        cb_push_back(cb, 1);
        cb_wait_front(cb, 1);
        cb_pop_front(cb, 1);
    }
}
