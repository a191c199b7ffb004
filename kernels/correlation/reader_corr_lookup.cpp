// RAFT lookup reader, the AlternateCorrBlock way (no correlation volume). Per query pixel: its coords
// stick (x, y) and its fmap1 stick (replicated in 32 rows); per pyramid level: the window centre
// coords / 2^l, its bilinear taps (kernels/common/bilinear.hpp, as the references), and the (2r+2)^2 pooled
// fmap2 sticks of the window's cells (cell (u, v) = level pixel (floor(y) - r + u, floor(x) - r + v)) in
// row blocks of 32, zero rows for cells outside the level; the 4 weights of every level go into row 0 of
// one scalar tile (element l * 4 + tap). A non-finite centre reads no cell and has zero weights
// (the references output 0 there).
#include <array>
#include <bit>
#include <cstdint>

#include "kernels/common/bilinear.hpp"
#include "kernels/correlation/correlation_kernel_common.hpp"

using namespace correlation_kernels;

namespace {
struct Level {
    int64_t height, width;
    uint32_t first_page;
};

// The pyramid's level dims, compile-time args from kCorrLookupReaderLevelDims on (3 per level).
template <uint32_t levels>
constexpr std::array<Level, levels> level_table() {
    std::array<Level, levels> t{};
    for (uint32_t l = 0; l < levels; ++l) {
        const uint32_t at = kCorrLookupReaderLevelDims + 3 * l;
        t[l] = {get_compile_time_arg_val(at), get_compile_time_arg_val(at + 1),
                get_compile_time_arg_val(at + 2)};
    }
    return t;
}

// Reads the coords stick of query `q` through the coords CB (the reader is its producer and consumer).
void read_coords(uint32_t q, const InterleavedAddrGen<true>& coords, uint32_t cb, uint32_t bytes, float& x,
                 float& y) {
    cb_reserve_back(cb, 1);
    noc_async_read(get_noc_addr(q, coords), get_write_ptr(cb), bytes);
    noc_async_read_barrier();
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    volatile tt_l1_ptr float* xy = reinterpret_cast<volatile tt_l1_ptr float*>(get_read_ptr(cb));
    x = xy[0];
    y = xy[1];
    cb_pop_front(cb, 1);
}
}  // namespace

void kernel_main() {
    // Runtime args: 0 fmap1 address, 1 pyramid address, 2 coords address, 3 number of queries, 4 first query.
    // Compile-time args: CorrLookupReaderArg (correlation_kernel_args.hpp).
    const uint32_t f1_addr = get_arg_val<uint32_t>(0);
    const uint32_t pyramid_addr = get_arg_val<uint32_t>(1);
    const uint32_t coords_addr = get_arg_val<uint32_t>(2);
    const uint32_t num_units = get_arg_val<uint32_t>(3);
    const uint32_t start = get_arg_val<uint32_t>(4);

    constexpr uint32_t f1_cb = get_compile_time_arg_val(kCorrLookupReaderF1Cb);
    constexpr uint32_t cells_cb = get_compile_time_arg_val(kCorrLookupReaderCellsCb);
    constexpr uint32_t weights_cb = get_compile_time_arg_val(kCorrLookupReaderWeightsCb);
    constexpr uint32_t scalar_cb = get_compile_time_arg_val(kCorrLookupReaderScalarCb);
    constexpr uint32_t coords_cb = get_compile_time_arg_val(kCorrLookupReaderCoordsCb);
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(kCorrLookupReaderStickBytes);
    constexpr uint32_t row_bytes = get_compile_time_arg_val(kCorrLookupReaderRowBytes);
    constexpr uint32_t coords_bytes = get_compile_time_arg_val(kCorrLookupReaderCoordsStickBytes);
    constexpr uint32_t hw =
        get_compile_time_arg_val(kCorrLookupReaderHeight) * get_compile_time_arg_val(kCorrLookupReaderWidth);
    constexpr uint32_t levels = get_compile_time_arg_val(kCorrLookupReaderLevels);
    constexpr int64_t radius = get_compile_time_arg_val(kCorrLookupReaderRadius);
    constexpr float scaler = std::bit_cast<float>(get_compile_time_arg_val(kCorrLookupReaderScalerBits));
    constexpr std::array<Level, levels> level_dims = level_table<levels>();
    constexpr int64_t cells_per_side = 2 * radius + 2;
    constexpr uint32_t cells = static_cast<uint32_t>(cells_per_side * cells_per_side);
    constexpr uint32_t blocks = (cells + kTileRows - 1) / kTileRows;
    const DataFormat format = get_dataformat(weights_cb);

    push_scalar_tile(scalar_cb, scaler);
    const InterleavedAddrGen<true> fmap1{.bank_base_address = f1_addr, .page_size = stick_bytes};
    const InterleavedAddrGen<true> pyramid{.bank_base_address = pyramid_addr, .page_size = stick_bytes};
    const InterleavedAddrGen<true> coords{.bank_base_address = coords_addr, .page_size = coords_bytes};
    for (uint32_t q = start; q < start + num_units; ++q) {
        const uint32_t b = q / hw;
        float x = 0, y = 0;
        read_coords(q, coords, coords_cb, coords_bytes, x, y);
        cb_reserve_back(f1_cb, 1);
        const uint32_t f1_block = get_write_ptr(f1_cb);
        read_stick_row(fmap1, q, f1_block, stick_bytes, row_bytes);
        noc_async_read_barrier();
        replicate_first_row(f1_block, row_bytes);
        cb_push_back(f1_cb, 1);

        cb_reserve_back(weights_cb, 1);
        const uint32_t weights = get_write_ptr(weights_cb);
        zero_l1(weights, kTileValues * element_bytes(format));
        for (uint32_t l = 0; l < levels; ++l) {
            const Level& level = level_dims[l];
            const float scale = static_cast<float>(int64_t{1} << l);  // RAFT: coords / 2**i
            const float xc = x / scale, yc = y / scale;
            const bool usable =
                tilesim::ops::coordinate_is_usable(xc) && tilesim::ops::coordinate_is_usable(yc);
            const tilesim::ops::BilinearTaps t =
                usable ? tilesim::ops::bilinear_taps(yc, xc) : tilesim::ops::BilinearTaps{};
            const float w[kBilinearTaps] = {t.w_nw, t.w_ne, t.w_sw, t.w_se};
            for (uint32_t tap = 0; tap < kBilinearTaps && usable; ++tap) {
                store_value(weights, row0_index(l * kBilinearTaps + tap), w[tap], format);
            }
            for (uint32_t k = 0; k < blocks; ++k) {
                cb_reserve_back(cells_cb, 1);
                const uint32_t block = get_write_ptr(cells_cb);
                for (uint32_t r = 0; r < kTileRows; ++r) {
                    const uint32_t cell = k * kTileRows + r;
                    const int64_t cy = t.y0 - radius + cell / cells_per_side,
                                  cx = t.x0 - radius + cell % cells_per_side;
                    const uint32_t row = block + r * row_bytes;
                    if (usable && cell < cells &&
                        tilesim::ops::in_bounds(cy, cx, level.height, level.width)) {
                        const auto page = static_cast<uint32_t>(level.first_page +
                                                                (b * level.height + cy) * level.width + cx);
                        read_stick_row(pyramid, page, row, stick_bytes, row_bytes);
                    } else {
                        zero_l1(row, row_bytes);
                    }
                }
                noc_async_read_barrier();
                cb_push_back(cells_cb, 1);
            }
        }
        cb_push_back(weights_cb, 1);
    }
}
