// Bilinear grid_sample reader, interleaved input and grid in DRAM (tt-metal:
// reader_grid_sample_interleaved_start_id.cpp). Per grid stick: read it into the grid CB; per point of
// the stick: the four corner sticks into one input CB page and the four weights into one scalar page.
#include "kernels/grid_sample/grid_sample_reader_common.hpp"

using namespace grid_sample_kernels;

TILESIM_KERNEL_MAIN("kernels/grid_sample/reader_grid_sample_interleaved.cpp") {
    // Runtime args: 0 input address, 1 grid address, 2 number of grid sticks, 3 first grid stick id.
    // Compile-time args: see ReaderArg in grid_sample_reader_common.hpp.
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t grid_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);

    const ReaderConfig c = load_reader_config();  // compile-time args: see ReaderArg
    const InterleavedAddrGen<true> input{input_addr, c.stick_bytes};
    const InterleavedAddrGen<true> grid{grid_addr, c.grid_stick_bytes};
    for (uint32_t s = start; s < start + num_sticks; ++s) {
        cb_reserve_back(c.grid_cb, 1);
        noc_async_read(get_noc_addr(s, grid), get_write_ptr(c.grid_cb), c.grid_stick_bytes);
        noc_async_read_barrier();
        cb_push_back(c.grid_cb, 1);
        cb_wait_front(c.grid_cb, 1);
        const std::byte* stick = l1_ptr<std::byte>(get_read_ptr(c.grid_cb), c.grid_stick_bytes);
        for (uint32_t k = 0; k < c.batching; ++k) {
            process_bilinear_point(c, stick, k, s / c.sticks_per_image, input, c.input_cb, c.scalar_cb);
        }
        cb_pop_front(c.grid_cb, 1);
    }
}
