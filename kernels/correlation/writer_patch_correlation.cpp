// Patch-correlation writer: each output stick (the P displacement values of one output pixel) arrives as
// ceil(P / 32) tiles whose column 0 holds 32 consecutive displacements. tt-metal would transpose the tile
// (transpose_wh_tile) and pack row 0; tilesim's compute API has no transpose, so the writer moves the
// column's words to the front of the tile page (no arithmetic) and writes them to their place in the
// output stick.
#include "kernels/correlation/correlation_kernel_common.hpp"

using namespace correlation_kernels;

void kernel_main() {
    // Runtime args: 0 output address, 1 number of output sticks, 2 first output stick.
    // Compile-time args: PatchWriterArg (correlation_kernel_args.hpp).
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_units = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t out_cb = get_compile_time_arg_val(kWriterOutCb);
    constexpr uint32_t displacements = get_compile_time_arg_val(kWriterDisplacements);
    constexpr uint32_t blocks = get_compile_time_arg_val(kWriterRowBlocks);
    const uint32_t esize = element_bytes(get_dataformat(out_cb));

    const InterleavedAddrGen<true> out{.bank_base_address = out_addr, .page_size = displacements * esize};
    for (uint32_t u = start; u < start + num_units; ++u) {
        for (uint32_t k = 0; k < blocks; ++k) {
            cb_wait_front(out_cb, 1);
            const uint32_t tile = get_read_ptr(out_cb);
            const uint32_t n =
                displacements - k * kTileRows < kTileRows ? displacements - k * kTileRows : kTileRows;
            // In place, front to back: value r moves from element column0_index(r) >= r to element r.
            for (uint32_t r = 1; r < n; ++r) copy_column0_value(tile, r, tile + r * esize, esize);
            noc_async_write(tile, get_noc_addr(u, out, k * kTileRows * esize), n * esize);
            noc_async_write_barrier();
            cb_pop_front(out_cb, 1);
        }
    }
}
