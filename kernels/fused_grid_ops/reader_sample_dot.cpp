// sample_dot reader: per unit (b, hd, q), read the (b, q) samples stick, the unit's queries stick and the
// (b, q) stick of positional encodings (pe of each depth sample, computed on the host); then per group of
// up to 32 depth samples, in batches of 8: for each sample its 4 corner sticks of image b (one kValueRowsCb
// page) and its 4 bilinear weights (row 0 of a scalar tile), as grid_sample's reader does; after them the 32
// rows of the vectors the samples are dotted with, cat(queries[b, hd, q], pe[b, q, dd]) (zero rows after
// the last sample). The compute kernel interpolates each sample to one row and does the 32 dot products.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/fused_grid_ops/fused_grid_reader_common.hpp"

using namespace sampling_kernels;
using namespace fused_grid_kernels;

namespace {

// Samples [first, first + kSamplesPerDotBatch) of the unit: for each, its corner rows into one kValueRowsCb
// page and its bilinear weights into row 0 of one kWeightRowsCb tile, with one read barrier per batch (the
// CBs hold a multiple of the batch and always take a whole batch, so its pages are consecutive). Samples
// from `end` on pad the batch: zero rows and zero weights.
template <class Gen>
void push_sample_batch(const volatile tt_l1_ptr float* xy, uint32_t first, uint32_t end, uint32_t image_page,
                       const Gen& images, const GridDims& d, const RowGeometry& rows) {
    cb_reserve_back(kValueRowsCb, kSamplesPerDotBatch);
    cb_reserve_back(kWeightRowsCb, kSamplesPerDotBatch);
    const uint32_t values = get_write_ptr(kValueRowsCb), weights = get_write_ptr(kWeightRowsCb);
    for (uint32_t j = 0; j < kSamplesPerDotBatch; ++j) {
        PixelTaps t{};
        if (first + j < end) {
            t = sample_taps(xy, first + j, d);
        } else {
            std::fill(t.pixel, t.pixel + kCorners, int64_t{-1});
        }
        read_corner_rows(t, image_page, images, values + j * get_tile_size(kValueRowsCb), rows);
        const uint32_t w = weights + j * get_tile_size(kWeightRowsCb);
        for (uint32_t i = 0; i < kCorners; ++i)
            store_value(w, i, t.pixel[i] >= 0 ? t.weight[i] : 0.f, rows.format);
    }
    cb_push_back(kWeightRowsCb, kSamplesPerDotBatch);
    noc_async_read_barrier();
    cb_push_back(kValueRowsCb, kSamplesPerDotBatch);
}

// 32 rows of cat(queries, pe[first + r]) for r < n, zero rows after.
template <uint32_t query_bytes, uint32_t encoding_bytes>
void push_vector_rows(uint32_t queries_addr, uint32_t encodings_addr, uint32_t first, uint32_t n,
                      const RowGeometry& rows) {
    cb_reserve_back(kVectorRowsCb, 1);
    const uint32_t block = get_write_ptr(kVectorRowsCb);
    for (uint32_t r = 0; r < kSamplesPerDotBlock; ++r) {
        const uint32_t row = block + r * rows.row_bytes;
        const uint32_t used = r < n ? query_bytes + encoding_bytes : 0;
        if (used) {
            // The queries part is a local L1 -> L1 NoC copy (both ends aligned); the encodings follow it at
            // any offset, so the RISC-V copies them.
            if constexpr (query_bytes != 0) noc_async_read(get_noc_addr(queries_addr), row, query_bytes);
            if constexpr (encoding_bytes != 0) {
                std::memcpy(
                    reinterpret_cast<tt_l1_ptr uint8_t*>(row + query_bytes),
                    reinterpret_cast<const tt_l1_ptr uint8_t*>(encodings_addr + (first + r) * encoding_bytes),
                    encoding_bytes);
            }
        }
        zero_l1(row + used, rows.row_bytes - used);
    }
    noc_async_read_barrier();
    cb_push_back(kVectorRowsCb, 1);
}

}  // namespace

void kernel_main() {
    // Runtime args: 0 images address, 1 samples address, 2 queries address, 3 encodings address,
    //               4 number of units, 5 first unit.
    // Compile-time args: see FusedReaderArg.
    const uint32_t images_addr = get_arg_val<uint32_t>(0);
    const uint32_t samples_addr = get_arg_val<uint32_t>(1);
    const uint32_t queries_addr = get_arg_val<uint32_t>(2);
    const uint32_t encodings_addr = get_arg_val<uint32_t>(3);
    const uint32_t num_units = get_arg_val<uint32_t>(4);
    const uint32_t start = get_arg_val<uint32_t>(5);

    constexpr GridDims d = grid_dims();
    constexpr uint32_t query_bytes = get_compile_time_arg_val(kQueryBytes);
    constexpr uint32_t encoding_bytes = get_compile_time_arg_val(kEncodingBytes);
    constexpr auto depth = static_cast<uint32_t>(d.depth);
    constexpr auto pixels = static_cast<uint32_t>(d.height * d.width);
    const RowGeometry rows = row_geometry();
    const InterleavedAddrGen<true> images{.bank_base_address = images_addr, .page_size = rows.stick_bytes};
    const InterleavedAddrGen<true> samples{.bank_base_address = samples_addr, .page_size = 2 * depth * 4};
    const InterleavedAddrGen<true> queries{.bank_base_address = queries_addr, .page_size = query_bytes};
    const InterleavedAddrGen<true> encodings{.bank_base_address = encodings_addr,
                                             .page_size = depth * encoding_bytes};
    push_reduce_scaler(kScalerCb, 1.f);
    for (uint32_t u = start; u < start + num_units; ++u) {
        const Unit unit = unit_of(u, d);
        const auto* xy = reinterpret_cast<volatile tt_l1_ptr float*>(
            read_stick(kIndexStickCb, samples, unit.query_row, 2 * depth * 4));
        uint32_t query_stick = 0, pe = 0;
        if constexpr (query_bytes != 0) query_stick = read_stick(kWeightStickCb, queries, u, query_bytes);
        if constexpr (encoding_bytes != 0) {
            pe = read_stick(kEncodingStickCb, encodings, unit.query_row, depth * encoding_bytes);
        }
        for (uint32_t first = 0; first < depth; first += kSamplesPerDotBlock) {
            const uint32_t n = std::min(kSamplesPerDotBlock, depth - first);
            for (uint32_t batch = first; batch < first + n; batch += kSamplesPerDotBatch) {
                push_sample_batch(xy, batch, first + n, unit.batch * pixels, images, d, rows);
            }
            push_vector_rows<query_bytes, encoding_bytes>(query_stick, pe, first, n, rows);
        }
        cb_pop_front(kIndexStickCb, 1);
        if constexpr (query_bytes != 0) cb_pop_front(kWeightStickCb, 1);
        if constexpr (encoding_bytes != 0) cb_pop_front(kEncodingStickCb, 1);
    }
}
