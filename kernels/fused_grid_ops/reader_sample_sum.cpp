// sample_sum reader: per unit (b, hd, q), read the (b, q) samples stick and the unit's depth weights,
// count the samples that touch the image (a sample with its 4 corners outside reads zeros: skipped), send
// the number of blocks to the compute kernel, then for each such sample read its 4 corner sticks of image b
// into the value block and write the weight rows (bilinear weight x weights[b, hd, q, dd], the same for
// every channel). The weighted row sum (compute_weighted_row_sum.cpp) gives out[b, hd, q, :].
#include <cstdint>

#include "kernels/fused_grid_ops/fused_grid_reader_common.hpp"

using namespace sampling_kernels;
using namespace fused_grid_kernels;

void kernel_main() {
    // Runtime args: 0 images address, 1 samples address, 2 weights address, 3 number of units, 4 first unit.
    // Compile-time args: see FusedReaderArg.
    const uint32_t images_addr = get_arg_val<uint32_t>(0);
    const uint32_t samples_addr = get_arg_val<uint32_t>(1);
    const uint32_t weights_addr = get_arg_val<uint32_t>(2);
    const uint32_t num_units = get_arg_val<uint32_t>(3);
    const uint32_t start = get_arg_val<uint32_t>(4);

    constexpr GridDims d = grid_dims();
    constexpr auto depth = static_cast<uint32_t>(d.depth);
    constexpr auto pixels = static_cast<uint32_t>(d.height * d.width);
    const RowGeometry rows = row_geometry();
    const InterleavedAddrGen<true> images{.bank_base_address = images_addr, .page_size = rows.stick_bytes};
    const InterleavedAddrGen<true> samples{.bank_base_address = samples_addr, .page_size = 2 * depth * 4};
    const InterleavedAddrGen<true> weights{.bank_base_address = weights_addr, .page_size = depth * 4};
    push_reduce_scaler(kScalerCb, 1.f);
    WeightedRowBlocks<InterleavedAddrGen<true>> blocks(images, rows);
    for (uint32_t u = start; u < start + num_units; ++u) {
        const Unit unit = unit_of(u, d);
        const auto* xy = reinterpret_cast<volatile tt_l1_ptr float*>(
            read_stick(kIndexStickCb, samples, unit.query_row, 2 * depth * 4));
        const auto* w =
            reinterpret_cast<volatile tt_l1_ptr float*>(read_stick(kWeightStickCb, weights, u, depth * 4));
        uint32_t kept = 0;
        for (uint32_t dd = 0; dd < depth; ++dd) kept += any_corner_inside(sample_taps(xy, dd, d)) ? 1 : 0;
        push_block_count(kCountCb, blocks_for(kept));
        for (uint32_t dd = 0; dd < depth; ++dd) {
            const PixelTaps t = sample_taps(xy, dd, d);
            if (any_corner_inside(t)) blocks.add(t, unit.batch * pixels, w + dd, rows.channels);
        }
        blocks.finish();
        cb_pop_front(kIndexStickCb, 1);
        cb_pop_front(kWeightStickCb, 1);
    }
}
