// RAFT lookup writer. Per query: builds the taps CB page from the reduced cell tiles (word moves only, no
// arithmetic: tilesim's compute API has no transpose, so the column a REDUCE_ROW leaves is spread out
// here), then writes the output stick the compute packs. Taps page: 4 rows per level, row l * 4 + tap,
// column l * (2r+1)^2 + a * (2r+1) + b = the cell output (a, b) of level l reads through `tap`, i.e. cell
// (u, v) = (b + tap / 2, a + tap % 2) (RAFT: channel a (2r+1) + b samples (x + a - r, y + b - r)). Every
// other column is 0.
#include "kernels/correlation/correlation_kernel_common.hpp"

using namespace correlation_kernels;

void kernel_main() {
    // Runtime args: 0 output address, 1 number of queries, 2 first query.
    // Compile-time args: CorrLookupWriterArg (correlation_kernel_args.hpp).
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_units = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t cells_out = get_compile_time_arg_val(kCorrLookupWriterCellsOutCb);
    constexpr uint32_t taps_cb = get_compile_time_arg_val(kCorrLookupWriterTapsCb);
    constexpr uint32_t out_cb = get_compile_time_arg_val(kCorrLookupWriterOutCb);
    constexpr uint32_t levels = get_compile_time_arg_val(kCorrLookupWriterLevels);
    constexpr uint32_t radius = get_compile_time_arg_val(kCorrLookupWriterRadius);
    constexpr uint32_t blocks = get_compile_time_arg_val(kCorrLookupWriterRowBlocks);
    constexpr uint32_t row_bytes = get_compile_time_arg_val(kCorrLookupWriterTapsRowBytes);
    constexpr uint32_t face_cols = get_compile_time_arg_val(kCorrLookupWriterFaceCols);
    constexpr uint32_t side = 2 * radius + 1, cells_per_side = side + 1, samples = side * side;
    constexpr uint32_t cells = cells_per_side * cells_per_side;
    const uint32_t esize = element_bytes(get_dataformat(out_cb));
    const uint32_t stick_bytes = levels * samples * esize;

    const InterleavedAddrGen<true> out{.bank_base_address = out_addr, .page_size = stick_bytes};
    for (uint32_t q = start; q < start + num_units; ++q) {
        cb_reserve_back(taps_cb, 1);
        const uint32_t page = get_write_ptr(taps_cb);
        zero_l1(page, levels * kBilinearTaps * row_bytes);
        for (uint32_t l = 0; l < levels; ++l) {
            for (uint32_t k = 0; k < blocks; ++k) {
                cb_wait_front(cells_out, 1);
                const uint32_t tile = get_read_ptr(cells_out);
                for (uint32_t r = 0; r < kTileRows && k * kTileRows + r < cells; ++r) {
                    const uint32_t cell = k * kTileRows + r, u = cell / cells_per_side,
                                   v = cell % cells_per_side;
                    for (uint32_t tap = 0; tap < kBilinearTaps; ++tap) {
                        const uint32_t du = tap / 2, dv = tap % 2;  // nw, ne, sw, se
                        if (u < du || v < dv || u - du >= side || v - dv >= side) continue;
                        const uint32_t column = l * samples + (v - dv) * side + (u - du);
                        copy_column0_value(
                            tile, r, page + (l * kBilinearTaps + tap) * row_bytes + column * esize, esize);
                    }
                }
                cb_pop_front(cells_out, 1);
            }
        }
        cb_push_back(taps_cb, 1);
        cb_wait_front(out_cb, face_cols);
        noc_async_write(get_read_ptr(out_cb), get_noc_addr(q, out), stick_bytes);
        noc_async_write_barrier();
        cb_pop_front(out_cb, face_cols);
    }
}
