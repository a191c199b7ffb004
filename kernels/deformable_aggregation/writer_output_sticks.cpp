// Output stick writer of the weighted row sum (deformable_aggregation, sample_sum): each output stick
// arrives in the output CB as one page and is written to output page start + i.
#include <cstdint>

#include "kernels/deformable_aggregation/sampling_layout.hpp"

void kernel_main() {
    // Runtime args: 0 output address, 1 number of output sticks, 2 first output stick id.
    // Compile-time args: see sampling_kernels::OutputStickWriterArg (output CB, stick bytes).
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_sticks = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t out_cb = get_compile_time_arg_val(sampling_kernels::kWriterOutputCb);
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(sampling_kernels::kWriterStickBytes);
    const InterleavedAddrGen<true> out{.bank_base_address = out_addr, .page_size = stick_bytes};
    for (uint32_t i = start; i < start + num_sticks; ++i) {
        cb_wait_front(out_cb, 1);
        noc_async_write(get_read_ptr(out_cb), get_noc_addr(i, out), stick_bytes);
        noc_async_write_barrier();
        cb_pop_front(out_cb, 1);
    }
}
