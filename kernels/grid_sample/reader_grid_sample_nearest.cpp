// Nearest grid_sample reader (tt-metal: grid_sample_nearest_program_factory.cpp): one input stick per
// point, no weights and no compute kernel. The stick (or zeros, outside the image) goes straight into the
// output CB: drained by the writer (interleaved output) or backed by the output shard (height-sharded).
#include "kernels/grid_sample/grid_sample_reader_common.hpp"

using namespace grid_sample_kernels;

TILESIM_KERNEL_MAIN("kernels/grid_sample/reader_grid_sample_nearest.cpp") {
    // Runtime args: 0 input address, 1 grid address (DRAM) or grid shard L1 address, 2 number of grid
    // sticks, 3 first grid stick id.
    // Compile-time args: ReaderArg indices (kInputCb = output CB, kGridCb), then kNumReaderArgs: 1 when
    // the grid is height-sharded in L1.
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t grid_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);

    const uint32_t out_cb = get_compile_time_arg_val(kInputCb);
    const uint32_t grid_cb = get_compile_time_arg_val(kGridCb);
    const uint32_t stick_bytes = get_compile_time_arg_val(kInputStickBytes);
    const int64_t height = get_compile_time_arg_val(kInputHeight);
    const int64_t width = get_compile_time_arg_val(kInputWidth);
    const uint32_t batching = get_compile_time_arg_val(kGridBatching);
    const bool precomputed = get_compile_time_arg_val(kPrecomputedGrid);
    const bool align_corners = get_compile_time_arg_val(kAlignCorners);
    const uint32_t format = get_compile_time_arg_val(kDataFormat);
    const uint32_t sticks_per_image = get_compile_time_arg_val(kGridSticksPerImage);
    const uint32_t grid_stick_bytes = get_compile_time_arg_val(kGridStickBytes);
    const bool grid_sharded = get_compile_time_arg_val(kNumReaderArgs);

    const InterleavedAddrGen<true> input{input_addr, stick_bytes};
    const InterleavedAddrGen<true> grid{grid_addr, grid_stick_bytes};
    for (uint32_t s = 0; s < num_sticks; ++s) {
        const std::byte* stick;
        if (grid_sharded) {
            stick = l1_ptr<std::byte>(grid_addr + s * grid_stick_bytes, grid_stick_bytes);
        } else {
            cb_reserve_back(grid_cb, 1);
            noc_async_read(get_noc_addr(start + s, grid), get_write_ptr(grid_cb), grid_stick_bytes);
            noc_async_read_barrier();
            cb_push_back(grid_cb, 1);
            cb_wait_front(grid_cb, 1);
            stick = l1_ptr<std::byte>(get_read_ptr(grid_cb), grid_stick_bytes);
        }
        const uint32_t image = (start + s) / sticks_per_image;
        for (uint32_t k = 0; k < batching; ++k) {
            int64_t h, w;
            nearest_point(stick, k, precomputed, format, height, width, align_corners, h, w);
            cb_reserve_back(out_cb, 1);
            const uint32_t slot = get_write_ptr(out_cb);
            if (h >= 0) {
                noc_async_read(get_noc_addr(static_cast<uint32_t>((int64_t(image) * height + h) * width + w), input), slot, stick_bytes);
            } else {
                std::memset(l1_ptr<std::byte>(slot, stick_bytes), 0, stick_bytes);
            }
            kernel_spend_cycles(kSpatialCyclesPerPoint);
            noc_async_read_barrier();
            cb_push_back(out_cb, 1);
        }
        if (!grid_sharded) cb_pop_front(grid_cb, 1);
    }
}
