// grid_sample writer, interleaved output (tt-metal: writer_grid_sample_interleaved.cpp): each output stick
// arrives in the output CB as `pages_per_stick` pages and is written to output page start_id + i.
// Runtime args: 0 output address, 1 number of output sticks, 2 first output stick id.
// Compile-time args: grid_sample_args::WriterCt (0 output CB, 1 output stick bytes, aligned, 2 CB pages
// per stick), then TensorAccessorArgs of the output.
#include <cstdint>

#include "kernels/grid_sample/grid_sample_args.hpp"

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_sticks = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t out_cb = get_compile_time_arg_val(grid_sample_args::kOutputCb);
    constexpr uint32_t stick_nbytes = get_compile_time_arg_val(grid_sample_args::kOutputStickBytes);
    constexpr uint32_t pages_per_stick = get_compile_time_arg_val(grid_sample_args::kPagesPerStick);
    constexpr auto dst_args = TensorAccessorArgs<grid_sample_args::kOutputAccessor>();
    const auto dst = TensorAccessor(dst_args, dst_addr, stick_nbytes);
    for (uint32_t i = start; i < start + num_sticks; ++i) {
        cb_wait_front(out_cb, pages_per_stick);
        noc_async_write(get_read_ptr(out_cb), dst.get_noc_addr(i), stick_nbytes);
        noc_async_write_barrier();
        cb_pop_front(out_cb, pages_per_stick);
    }
}
