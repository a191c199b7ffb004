// sample_dot writer: per unit (b, hd, q), per group of up to 32 depth samples, the compute kernel packs a
// tile whose column 0 holds the group's dot products (row r = sample r). The writer gathers column 0 into
// the start of the same CB page (element (r, 0) of a tile in face order lies at or after position r, so an
// ascending in-place copy is safe) and writes those values to the unit's output stick at the group's offset.
#include <algorithm>

#include "kernels/fused_grid_ops/fused_grid_reader_common.hpp"

using namespace sampling_kernels;
using namespace fused_grid_kernels;

TILESIM_KERNEL_MAIN("kernels/fused_grid_ops/writer_sample_dot.cpp") {
    // Runtime args: 0 output address, 1 number of units, 2 first unit (= output page).
    // Compile-time args: see SampleDotArg.
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_units = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    const uint32_t depth = get_compile_time_arg_val(kDotDepth);
    const uint32_t stick_bytes = get_compile_time_arg_val(kDotOutputStickBytes);
    const uint32_t format = get_compile_time_arg_val(kDotFormat);
    const uint32_t esize = element_bytes(format);
    const InterleavedAddrGen<true> out{out_addr, stick_bytes};
    for (uint32_t u = start; u < start + num_units; ++u) {
        for (uint32_t first = 0; first < depth; first += kSamplesPerDotBlock) {
            const uint32_t n = std::min(kSamplesPerDotBlock, depth - first);
            cb_wait_front(kOutputCb, 1);
            std::byte* tile = l1_ptr<std::byte>(get_read_ptr(kOutputCb), 1024 * esize);
            for (uint32_t r = 0; r < n; ++r) {
                const uint32_t at =
                    (r / 16) * 512 + (r % 16) * 16;  // element (r, 0): face 0 or 2, row r % 16
                store_value(tile, r, load_value(tile, at, format), format);
            }
            kernel_spend_cycles(2 * n);
            noc_async_write(get_read_ptr(kOutputCb), get_noc_addr(u, out, first * esize), n * esize);
            noc_async_write_barrier();
            cb_pop_front(kOutputCb, 1);
        }
    }
}
