// Deformable aggregation reader (SparseDrive's deformable_aggregation_function on the device). Per anchor:
// read its sampling-location stick and its attention-weight stick, count the samples SparseDrive keeps
// (location strictly inside (0, 1) on both axes; every scale of a kept (point, camera) is a sample), send
// the number of blocks to the compute kernel, then for each kept sample read its 4 corner sticks of the
// camera's map at that scale into the value block and write the matching weight rows (bilinear weight x
// attention weight of the channel's group). Coordinates are the CPU reference's own: h = loc_y * H - 0.5,
// w = loc_x * W - 0.5 (kernels/deformable_aggregation/deformable_taps.hpp).
#include <array>
#include <cstdint>

#include "kernels/deformable_aggregation/deformable_taps.hpp"
#include "kernels/deformable_aggregation/reader_deformable_aggregation_args.hpp"
#include "kernels/deformable_aggregation/sampling_reader_common.hpp"

using namespace sampling_kernels;
using namespace deformable_kernels;
using tilesim::ops::detail::deformable_taps;
using tilesim::ops::detail::FeatureMapGeometry;
using tilesim::ops::detail::location_is_sampled;

namespace {

// (H, W, start) of every map, index cam * num_scale + scale, from the compile-time args.
template <uint32_t kMaps>
constexpr std::array<FeatureMapGeometry, kMaps> map_table() {
    std::array<FeatureMapGeometry, kMaps> maps{};
    for (uint32_t m = 0; m < kMaps; ++m) {
        maps[m] = {get_compile_time_arg_val(kFirstMapArg + 3 * m),
                   get_compile_time_arg_val(kFirstMapArg + 3 * m + 1),
                   get_compile_time_arg_val(kFirstMapArg + 3 * m + 2)};
    }
    return maps;
}

// Kept samples of one anchor: kept (point, camera) pairs times the scales.
uint32_t kept_samples(const volatile tt_l1_ptr float* locations, uint32_t point_cams, uint32_t scales) {
    uint32_t kept = 0;
    for (uint32_t pc = 0; pc < point_cams; ++pc) {
        kept += location_is_sampled(locations[2 * pc], locations[2 * pc + 1]) ? scales : 0;
    }
    return kept;
}

}  // namespace

void kernel_main() {
    // Runtime args: 0 mc_ms_feat address, 1 sampling_location address, 2 weights address,
    //               3 number of anchors, 4 first anchor (b * num_anchor + a).
    // Compile-time args: see DeformableReaderArg; (H, W, start) of every map from kFirstMapArg on.
    const uint32_t feat_addr = get_arg_val<uint32_t>(0);
    const uint32_t location_addr = get_arg_val<uint32_t>(1);
    const uint32_t weight_addr = get_arg_val<uint32_t>(2);
    const uint32_t num_anchors = get_arg_val<uint32_t>(3);
    const uint32_t start = get_arg_val<uint32_t>(4);

    constexpr uint32_t channels = get_compile_time_arg_val(kChannels);
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(kStickBytes);
    constexpr uint32_t row_bytes = get_compile_time_arg_val(kRowBytes);
    constexpr uint32_t anchors_per_batch = get_compile_time_arg_val(kAnchorsPerBatch);
    constexpr uint32_t pts = get_compile_time_arg_val(kPts);
    constexpr uint32_t cams = get_compile_time_arg_val(kCams);
    constexpr uint32_t scales = get_compile_time_arg_val(kScales);
    constexpr uint32_t groups = get_compile_time_arg_val(kGroups);
    constexpr uint32_t num_feat = get_compile_time_arg_val(kNumFeat);
    constexpr uint32_t location_stick_bytes = get_compile_time_arg_val(kLocationStickBytes);
    constexpr uint32_t weight_stick_bytes = get_compile_time_arg_val(kWeightStickBytes);
    constexpr uint32_t group_size = channels / groups;
    constexpr auto maps = map_table<cams * scales>();

    const RowGeometry rows{channels, stick_bytes, row_bytes, get_dataformat(kValueRowsCb)};
    const InterleavedAddrGen<true> feat{.bank_base_address = feat_addr, .page_size = stick_bytes};
    const InterleavedAddrGen<true> locations{.bank_base_address = location_addr,
                                             .page_size = location_stick_bytes};
    const InterleavedAddrGen<true> weights{.bank_base_address = weight_addr, .page_size = weight_stick_bytes};
    push_reduce_scaler(kScalerCb, 1.f);
    WeightedRowBlocks<InterleavedAddrGen<true>> blocks(feat, rows);
    for (uint32_t anchor = start; anchor < start + num_anchors; ++anchor) {
        const uint32_t batch_page = anchor / anchors_per_batch * num_feat;  // first feature of this batch
        const auto* loc = reinterpret_cast<volatile tt_l1_ptr float*>(
            read_stick(kIndexStickCb, locations, anchor, location_stick_bytes));
        const auto* w = reinterpret_cast<volatile tt_l1_ptr float*>(
            read_stick(kWeightStickCb, weights, anchor, weight_stick_bytes));
        push_block_count(kCountCb, blocks_for(kept_samples(loc, pts * cams, scales)));
        for (uint32_t pc = 0; pc < pts * cams; ++pc) {
            const float x = loc[2 * pc], y = loc[2 * pc + 1];
            if (!location_is_sampled(x, y)) continue;
            const uint32_t cam = pc % cams;
            for (uint32_t s = 0; s < scales; ++s) {
                const FeatureMapGeometry& m = maps[cam * scales + s];
                blocks.add(deformable_taps(x, y, m), batch_page + static_cast<uint32_t>(m.start),
                           w + (pc * scales + s) * groups, group_size);
            }
        }
        blocks.finish();
        cb_pop_front(kIndexStickCb, 1);
        cb_pop_front(kWeightStickCb, 1);
    }
}
