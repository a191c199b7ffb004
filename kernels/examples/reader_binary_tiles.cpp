// Reader of tt-metal's "eltwise_binary" example: tile i of each input into c_0 and c_1.
#include <cstdint>

void kernel_main() {
    // Runtime args: 0 input A address, 1 input B address, 2 number of tiles, 3 first tile id.
    // Compile-time args: 0 tile size in bytes.
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_tiles = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);
    constexpr uint32_t tile_bytes = get_compile_time_arg_val(0);
    constexpr auto cb_a = tt::CBIndex::c_0;
    constexpr auto cb_b = tt::CBIndex::c_1;
    const InterleavedAddrGenFast<true> a{
        .bank_base_address = a_addr, .page_size = tile_bytes, .data_format = get_dataformat(cb_a)};
    const InterleavedAddrGenFast<true> b{
        .bank_base_address = b_addr, .page_size = tile_bytes, .data_format = get_dataformat(cb_b)};
    for (uint32_t i = start; i < start + num_tiles; ++i) {
        cb_reserve_back(cb_a, 1);
        cb_reserve_back(cb_b, 1);
        noc_async_read_tile(i, a, get_write_ptr(cb_a));
        noc_async_read_tile(i, b, get_write_ptr(cb_b));
        noc_async_read_barrier();
        cb_push_back(cb_a, 1);
        cb_push_back(cb_b, 1);
    }
}
