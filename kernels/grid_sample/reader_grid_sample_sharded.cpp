// Bilinear grid_sample reader, grid height-sharded in this core's L1, input interleaved in DRAM (tt-metal:
// reader_grid_sample_sharded.cpp). With the split reader, two instances run on the two data-movement
// RISCs, each taking every other point into its own input/scalar CB pair.
#include "kernels/grid_sample/grid_sample_reader_common.hpp"

using namespace grid_sample_kernels;

TILESIM_KERNEL_MAIN("kernels/grid_sample/reader_grid_sample_sharded.cpp") {
    // Runtime args: 0 input address, 1 L1 address of this core's grid shard, 2 number of grid sticks in
    // the shard, 3 global id of the shard's first grid stick.
    // Compile-time args: see ReaderArg in grid_sample_reader_common.hpp.
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t shard_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);

    const ReaderConfig c = load_reader_config();  // compile-time args: see ReaderArg
    const InterleavedAddrGen<true> input{input_addr, c.stick_bytes};
    const uint32_t num_points = num_sticks * c.batching;
    for (uint32_t point = c.point_offset; point < num_points; point += c.point_stride) {
        const uint32_t s = point / c.batching, k = point % c.batching;
        const std::byte* stick = l1_ptr<std::byte>(shard_addr + s * c.grid_stick_bytes, c.grid_stick_bytes);
        process_bilinear_point(c, stick, k, (start + s) / c.sticks_per_image, input, c.input_cb, c.scalar_cb);
    }
}
