// Bilinear grid_sample reader, interleaved input and grid in DRAM (tt-metal:
// reader_grid_sample_interleaved_start_id.cpp). Per grid stick: read it into the grid CB; per point of
// the stick: the four corner sticks into one input CB page and the four weights into one scalar page.
// Runtime args: 0 input address, 1 grid address, 2 number of grid sticks, 3 first grid stick id.
// Compile-time args: grid_sample_args::ReaderCt, then TensorAccessorArgs of the input and of the grid.
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

template <bool DataFp32, class InputAccessor, class GridAccessor>
void read_sticks(const InputAccessor& input, const GridAccessor& grid, uint32_t start, uint32_t num_sticks) {
    for (uint32_t s = start; s < start + num_sticks; ++s) {
        cb_reserve_back(grid_cb, 1);
        noc_async_read(grid.get_noc_addr(s), get_write_ptr(grid_cb), grid_stick_nbytes);
        noc_async_read_barrier();
        cb_push_back(grid_cb, 1);
        cb_wait_front(grid_cb, 1);
        const uint32_t stick = get_read_ptr(grid_cb);
        for (uint32_t k = 0; k < grid_batching; ++k) {
            const BilinearPoint p =
                bilinear_point<precomputed, kAlignCorners, grid_fp32>(stick, k, input_height, input_width);
            read_bilinear_corners<DataFp32>(p, s / grid_hw, input, input_cb, scalar_cb, input_stick_nbytes,
                                            input_height, input_width);
        }
        cb_pop_front(grid_cb, 1);
    }
}

void kernel_main() {
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t grid_addr = get_arg_val<uint32_t>(1);
    const uint32_t num_sticks = get_arg_val<uint32_t>(2);
    const uint32_t start = get_arg_val<uint32_t>(3);

    constexpr auto input_args = TensorAccessorArgs<kNumCommonReaderArgs>();
    constexpr auto grid_args = TensorAccessorArgs<input_args.next_compile_time_args_offset()>();
    const auto input = TensorAccessor(input_args, input_addr, input_stick_nbytes);
    const auto grid = TensorAccessor(grid_args, grid_addr, grid_stick_nbytes);
    if (get_dataformat(input_cb) == DataFormat::Float32) {
        read_sticks<true>(input, grid, start, num_sticks);
    } else {
        read_sticks<false>(input, grid, start, num_sticks);
    }
}
