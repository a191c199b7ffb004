// Nearest grid_sample reader (tt-metal: grid_sample_nearest_program_factory.cpp): one input stick per
// point, no weights and no compute kernel. The stick (or zeros, outside the image) goes straight into the
// output CB: drained by the writer (interleaved output) or backed by the output shard (height-sharded).
// Compile-time args: grid_sample_args::ReaderCt with kInputCb = the output CB; interleaved: then
// TensorAccessorArgs of the input and of the grid; GRID_SHARDED: the sharded layout, then
// TensorAccessorArgs of the input.
// Runtime args: interleaved: 0 input address, 1 grid address, 2 number of grid sticks, 3 first grid stick
// id; GRID_SHARDED: 0 input address, 1 first grid stick id, 2 grid sticks in this core's shard.
// Defines: GRID_SHARDED (the grid CB is backed by the grid shard), ALIGN_CORNERS.
#include <cstdint>

#include "kernels/grid_sample/grid_sample_points.hpp"

using namespace grid_sample_args;
using namespace grid_sample_kernels;

constexpr uint32_t out_cb = get_compile_time_arg_val(kInputCb);
constexpr uint32_t grid_cb = get_compile_time_arg_val(kGridCb);
constexpr uint32_t input_stick_nbytes = get_compile_time_arg_val(kInputStickBytes);
constexpr uint32_t grid_stick_nbytes = get_compile_time_arg_val(kGridStickBytes);
constexpr int64_t input_height = get_compile_time_arg_val(kInputHeight);
constexpr int64_t input_width = get_compile_time_arg_val(kInputWidth);
constexpr uint32_t grid_batching = get_compile_time_arg_val(kGridBatching);
constexpr bool grid_fp32 = get_compile_time_arg_val(kGridDtype) == kDtypeFloat32;
constexpr uint32_t grid_hw = get_compile_time_arg_val(kGridHw);
constexpr bool precomputed = get_compile_time_arg_val(kPrecomputedGrid) == 1;

template <class InputAccessor>
void copy_points(uint32_t stick, uint32_t image, const InputAccessor& input) {
    for (uint32_t k = 0; k < grid_batching; ++k) {
        int64_t h, w;
        nearest_point<precomputed, kAlignCorners, grid_fp32>(stick, k, input_height, input_width, h, w);
        cb_reserve_back(out_cb, 1);
        const uint32_t slot = get_write_ptr(out_cb);
        if (h >= 0) {
            const auto page = static_cast<uint32_t>((int64_t(image) * input_height + h) * input_width + w);
            noc_async_read(input.get_noc_addr(page), slot, input_stick_nbytes);
        } else {
            zero_l1(slot, input_stick_nbytes);
        }
        noc_async_read_barrier();
        cb_push_back(out_cb, 1);
    }
}

void kernel_main() {
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
#ifdef GRID_SHARDED
    const uint32_t start = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);
    constexpr auto input_args = TensorAccessorArgs<kNumShardedReaderArgs>();
    const auto input = TensorAccessor(input_args, input_addr, input_stick_nbytes);
    const uint32_t shard = get_read_ptr(grid_cb);
    for (uint32_t s = 0; s < num_sticks; ++s) {
        copy_points(shard + s * grid_stick_nbytes, (start + s) / grid_hw, input);
    }
#else
    const uint32_t grid_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);
    constexpr auto input_args = TensorAccessorArgs<kNumCommonReaderArgs>();
    constexpr auto grid_args = TensorAccessorArgs<input_args.next_compile_time_args_offset()>();
    const auto input = TensorAccessor(input_args, input_addr, input_stick_nbytes);
    const auto grid = TensorAccessor(grid_args, grid_addr, grid_stick_nbytes);
    for (uint32_t s = start; s < start + num_sticks; ++s) {
        cb_reserve_back(grid_cb, 1);
        noc_async_read(grid.get_noc_addr(s), get_write_ptr(grid_cb), grid_stick_nbytes);
        noc_async_read_barrier();
        cb_push_back(grid_cb, 1);
        cb_wait_front(grid_cb, 1);
        copy_points(get_read_ptr(grid_cb), s / grid_hw, input);
        cb_pop_front(grid_cb, 1);
    }
#endif
}
