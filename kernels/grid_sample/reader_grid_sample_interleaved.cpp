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

    const uint32_t input_cb = get_compile_time_arg_val(kInputCb);
    const uint32_t scalar_cb = get_compile_time_arg_val(kScalarCb);
    const uint32_t grid_cb = get_compile_time_arg_val(kGridCb);
    const uint32_t stick_bytes = get_compile_time_arg_val(kInputStickBytes);
    const uint32_t slot_bytes = get_compile_time_arg_val(kInputSlotBytes);
    const int64_t height = get_compile_time_arg_val(kInputHeight);
    const int64_t width = get_compile_time_arg_val(kInputWidth);
    const uint32_t batching = get_compile_time_arg_val(kGridBatching);
    const bool precomputed = get_compile_time_arg_val(kPrecomputedGrid);
    const bool align_corners = get_compile_time_arg_val(kAlignCorners);
    const uint32_t format = get_compile_time_arg_val(kDataFormat);
    const uint32_t sticks_per_image = get_compile_time_arg_val(kGridSticksPerImage);
    const uint32_t grid_stick_bytes = get_compile_time_arg_val(kGridStickBytes);

    const InterleavedAddrGen<true> input{input_addr, stick_bytes};
    const InterleavedAddrGen<true> grid{grid_addr, grid_stick_bytes};
    for (uint32_t s = start; s < start + num_sticks; ++s) {
        cb_reserve_back(grid_cb, 1);
        noc_async_read(get_noc_addr(s, grid), get_write_ptr(grid_cb), grid_stick_bytes);
        noc_async_read_barrier();
        cb_push_back(grid_cb, 1);
        cb_wait_front(grid_cb, 1);
        const std::byte* stick = l1_ptr<std::byte>(get_read_ptr(grid_cb), grid_stick_bytes);
        const uint32_t image = s / sticks_per_image;
        for (uint32_t k = 0; k < batching; ++k) {
            const BilinearPoint p = bilinear_point(stick, k, precomputed, format, height, width, align_corners);
            read_bilinear_corners(p, image, input, input_cb, scalar_cb, stick_bytes, slot_bytes, height, width, format);
        }
        cb_pop_front(grid_cb, 1);
    }
}
