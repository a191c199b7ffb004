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

    const uint32_t input_cb = get_compile_time_arg_val(kInputCb);
    const uint32_t scalar_cb = get_compile_time_arg_val(kScalarCb);
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
    const uint32_t point_stride = get_compile_time_arg_val(kPointStride);
    const uint32_t point_offset = get_compile_time_arg_val(kPointOffset);

    const InterleavedAddrGen<true> input{input_addr, stick_bytes};
    const uint32_t num_points = num_sticks * batching;
    for (uint32_t point = point_offset; point < num_points; point += point_stride) {
        const uint32_t s = point / batching, k = point % batching;
        const std::byte* stick = l1_ptr<std::byte>(shard_addr + s * grid_stick_bytes, grid_stick_bytes);
        const BilinearPoint p = bilinear_point(stick, k, precomputed, format, height, width, align_corners);
        read_bilinear_corners(p, (start + s) / sticks_per_image, input, input_cb, scalar_cb, stick_bytes, slot_bytes,
                              height, width, format);
    }
}
