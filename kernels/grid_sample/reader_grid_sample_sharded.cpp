// Bilinear grid_sample reader, grid height-sharded in this core's L1 (the grid CB is backed by the shard),
// input interleaved in DRAM (tt-metal: reader_grid_sample_sharded.cpp). With the split reader, two
// instances run on the two data-movement RISCs, each taking every other point into its own input/scalar CB
// pair.
// Runtime args: 0 input address, 1 global id of the shard's first grid stick, 2 (tilesim) grid sticks in
// this core's shard (the last shard may be partial; tt-metal processes kGridSticksPerCore everywhere).
// Compile-time args: grid_sample_args::ReaderCt (sharded), then TensorAccessorArgs of the input.
// Define ALIGN_CORNERS (tilesim): align_corners=true.
#include <cstdint>

#include "kernels/grid_sample/grid_sample_points.hpp"

using namespace grid_sample_args;
using namespace grid_sample_kernels;

constexpr uint32_t input_cb = get_compile_time_arg_val(kInputCb);
constexpr uint32_t grid_cb = get_compile_time_arg_val(kGridCb);
constexpr uint32_t scalar_cb = get_compile_time_arg_val(kScalarCb);
constexpr uint32_t input_stick_nbytes = get_compile_time_arg_val(kInputStickBytes);
constexpr uint32_t grid_stick_nbytes = get_compile_time_arg_val(kGridStickBytes);
constexpr int64_t input_height = get_compile_time_arg_val(kInputHeight);
constexpr int64_t input_width = get_compile_time_arg_val(kInputWidth);
constexpr uint32_t grid_batching = get_compile_time_arg_val(kGridBatching);
constexpr bool grid_fp32 = get_compile_time_arg_val(kGridDtype) == kDtypeFloat32;
constexpr uint32_t grid_hw = get_compile_time_arg_val(kGridHw);
constexpr bool precomputed = get_compile_time_arg_val(kPrecomputedGrid) == 1;
constexpr bool split_reader = get_compile_time_arg_val(kSplitReader) == 1;
constexpr uint32_t reader_id = get_compile_time_arg_val(kReaderId);
constexpr uint32_t point_stride = split_reader ? 2 : 1;

template <bool DataFp32, class InputAccessor>
void read_points(const InputAccessor& input, uint32_t start, uint32_t num_sticks) {
    const uint32_t shard = get_read_ptr(grid_cb);
    const uint32_t num_points = num_sticks * grid_batching;
    for (uint32_t point = reader_id; point < num_points; point += point_stride) {
        const uint32_t s = point / grid_batching, k = point % grid_batching;
        const BilinearPoint p = bilinear_point<precomputed, kAlignCorners, grid_fp32>(
            shard + s * grid_stick_nbytes, k, input_height, input_width);
        read_bilinear_corners<DataFp32>(p, (start + s) / grid_hw, input, input_cb, scalar_cb,
                                        input_stick_nbytes, input_height, input_width);
    }
}

void kernel_main() {
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t start = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);

    constexpr auto input_args = TensorAccessorArgs<kNumShardedReaderArgs>();
    const auto input = TensorAccessor(input_args, input_addr, input_stick_nbytes);
    if (get_dataformat(input_cb) == DataFormat::Float32) {
        read_points<true>(input, start, num_sticks);
    } else {
        read_points<false>(input, start, num_sticks);
    }
}
