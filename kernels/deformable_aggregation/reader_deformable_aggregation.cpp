// Deformable aggregation reader (SparseDrive's deformable_aggregation_function on the device). Per anchor:
// read its sampling-location stick and its attention-weight stick, count the samples SparseDrive keeps
// (location strictly inside (0, 1) on both axes; every scale of a kept (point, camera) is a sample), send
// the number of blocks to the compute kernel, then for each kept sample read its 4 corner sticks of the
// camera's map at that scale into the value block and write the matching weight rows (bilinear weight x
// attention weight of the channel's group). Coordinates are the CPU reference's own: h = loc_y * H - 0.5,
// w = loc_x * W - 0.5 (ops/deformable_aggregation/deformable_aggregation_inputs.hpp).
#include "kernels/deformable_aggregation/reader_deformable_aggregation_args.hpp"
#include "kernels/deformable_aggregation/sampling_reader_common.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_inputs.hpp"

using namespace sampling_kernels;
using namespace deformable_kernels;
using tilesim::ops::detail::deformable_taps;
using tilesim::ops::detail::FeatureMapGeometry;
using tilesim::ops::detail::location_is_sampled;

namespace {

struct AnchorGeometry {
    uint32_t anchors_per_batch, pts, cams, scales, groups, num_feat;
    uint32_t location_stick_bytes, weight_stick_bytes;
};

FeatureMapGeometry map_geometry(uint32_t map) {
    return {get_compile_time_arg_val(kFirstMapArg + 3 * map),
            get_compile_time_arg_val(kFirstMapArg + 3 * map + 1),
            get_compile_time_arg_val(kFirstMapArg + 3 * map + 2)};
}

// Kept samples of one anchor: kept (point, camera) pairs times the scales.
uint32_t kept_samples(const std::byte* locations, const AnchorGeometry& a) {
    uint32_t kept = 0;
    for (uint32_t pc = 0; pc < a.pts * a.cams; ++pc) {
        kept +=
            location_is_sampled(load_f32(locations, 2 * pc), load_f32(locations, 2 * pc + 1)) ? a.scales : 0;
    }
    kernel_spend_cycles(4 * a.pts * a.cams);
    return kept;
}

}  // namespace

TILESIM_KERNEL_MAIN("kernels/deformable_aggregation/reader_deformable_aggregation.cpp") {
    // Runtime args: 0 mc_ms_feat address, 1 sampling_location address, 2 weights address,
    //               3 number of anchors, 4 first anchor (b * num_anchor + a).
    // Compile-time args: see DeformableReaderArg; (H, W, start) of every map from kFirstMapArg on.
    const uint32_t feat_addr = get_arg_val<uint32_t>(0);
    const uint32_t location_addr = get_arg_val<uint32_t>(1);
    const uint32_t weight_addr = get_arg_val<uint32_t>(2);
    const uint32_t num_anchors = get_arg_val<uint32_t>(3);
    const uint32_t start = get_arg_val<uint32_t>(4);

    RowGeometry rows;
    rows.channels = get_compile_time_arg_val(kChannels);
    rows.stick_bytes = get_compile_time_arg_val(kStickBytes);
    rows.row_bytes = get_compile_time_arg_val(kRowBytes);
    rows.format = get_compile_time_arg_val(kFormat);
    const AnchorGeometry a{get_compile_time_arg_val(kAnchorsPerBatch),
                           get_compile_time_arg_val(kPts),
                           get_compile_time_arg_val(kCams),
                           get_compile_time_arg_val(kScales),
                           get_compile_time_arg_val(kGroups),
                           get_compile_time_arg_val(kNumFeat),
                           get_compile_time_arg_val(kLocationStickBytes),
                           get_compile_time_arg_val(kWeightStickBytes)};
    const uint32_t group_size = rows.channels / a.groups;

    const InterleavedAddrGen<true> feat{feat_addr, rows.stick_bytes};
    const InterleavedAddrGen<true> locations{location_addr, a.location_stick_bytes};
    const InterleavedAddrGen<true> weights{weight_addr, a.weight_stick_bytes};
    push_reduce_scaler(kScalerCb, rows.format, 1.f);
    WeightedRowBlocks<InterleavedAddrGen<true>> blocks(feat, rows);
    for (uint32_t anchor = start; anchor < start + num_anchors; ++anchor) {
        const uint32_t batch_page = anchor / a.anchors_per_batch * a.num_feat;  // first feature of this batch
        const std::byte* loc = read_stick(kIndexStickCb, locations, anchor, a.location_stick_bytes);
        read_stick(kWeightStickCb, weights, anchor, a.weight_stick_bytes);
        const float* w = l1_ptr<float>(get_read_ptr(kWeightStickCb), a.pts * a.cams * a.scales * a.groups);
        push_block_count(kCountCb, blocks_for(kept_samples(loc, a)));
        for (uint32_t pc = 0; pc < a.pts * a.cams; ++pc) {
            const float x = load_f32(loc, 2 * pc), y = load_f32(loc, 2 * pc + 1);
            if (!location_is_sampled(x, y)) continue;
            const uint32_t cam = pc % a.cams;
            for (uint32_t s = 0; s < a.scales; ++s) {
                const FeatureMapGeometry m = map_geometry(cam * a.scales + s);
                blocks.add(deformable_taps(x, y, m), batch_page + static_cast<uint32_t>(m.start),
                           w + (pc * a.scales + s) * a.groups, group_size);
            }
        }
        blocks.finish();
        cb_pop_front(kIndexStickCb, 1);
        cb_pop_front(kWeightStickCb, 1);
    }
}
