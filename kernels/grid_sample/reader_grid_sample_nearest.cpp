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

    const ReaderConfig c = load_reader_config();  // compile-time args: see ReaderArg (kInputCb: the output CB)
    const bool grid_sharded = get_compile_time_arg_val(kNumReaderArgs);

    const InterleavedAddrGen<true> input{input_addr, c.stick_bytes};
    const InterleavedAddrGen<true> grid{grid_addr, c.grid_stick_bytes};
    for (uint32_t s = 0; s < num_sticks; ++s) {
        const std::byte* stick;
        if (grid_sharded) {
            stick = l1_ptr<std::byte>(grid_addr + s * c.grid_stick_bytes, c.grid_stick_bytes);
        } else {
            cb_reserve_back(c.grid_cb, 1);
            noc_async_read(get_noc_addr(start + s, grid), get_write_ptr(c.grid_cb), c.grid_stick_bytes);
            noc_async_read_barrier();
            cb_push_back(c.grid_cb, 1);
            cb_wait_front(c.grid_cb, 1);
            stick = l1_ptr<std::byte>(get_read_ptr(c.grid_cb), c.grid_stick_bytes);
        }
        const uint32_t image = (start + s) / c.sticks_per_image;
        for (uint32_t k = 0; k < c.batching; ++k) {
            int64_t h, w;
            nearest_point(stick, k, c.precomputed, c.format, c.height, c.width, c.align_corners, h, w);
            cb_reserve_back(c.input_cb, 1);
            const uint32_t slot = get_write_ptr(c.input_cb);
            if (h >= 0) {
                noc_async_read(get_noc_addr(static_cast<uint32_t>((int64_t(image) * c.height + h) * c.width + w), input), slot, c.stick_bytes);
            } else {
                std::memset(l1_ptr<std::byte>(slot, c.stick_bytes), 0, c.stick_bytes);
            }
            kernel_spend_cycles(kSpatialCyclesPerPoint);
            noc_async_read_barrier();
            cb_push_back(c.input_cb, 1);
        }
        if (!grid_sharded) cb_pop_front(c.grid_cb, 1);
    }
}
