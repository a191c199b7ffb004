#pragma once
// SparseDrive's deformable aggregation on the simulated device (tilesim's op spec §5).
//
// Program (deformable_aggregation_device.cpp): one work unit per anchor (b, a), split across cores with
// split_work_to_cores. mc_ms_feat lives interleaved in DRAM channels-last, one page per pixel of one
// camera and scale (C values); sampling_location one page per anchor (num_pts * num_cams * 2 floats);
// weights one page per anchor (num_pts * num_cams * num_scale * num_groups floats); the output one page
// per anchor (C values), i.e. [bs * num_anchor, C].
//  - reader (kernels/deformable_aggregation/reader_deformable_aggregation.cpp): per kept sample (location
//    inside (0, 1)), the 4 corner sticks into a row-major value block of 32 rows (8 samples) and the
//    matching weight rows (bilinear weight x attention weight of the channel's group);
//  - compute (compute_weighted_row_sum.cpp): tilize both blocks, mul_tiles, reduce_tile<SUM, REDUCE_COL>
//    accumulated over the anchor's blocks, pack the output stick;
//  - writer (kernels/deformable_aggregation/writer_output_sticks.cpp): the stick to the anchor's output page.
#include "ops/common/host_array.hpp"
#include "ops/deformable_aggregation/sampling_program_device.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

struct DeformableAggregationDeviceResult {
    Tensor output;  // Float32 [bs, num_anchor, C]
    RunReport report;
    ProgramSummary info;
};

// mc_ms_feat [bs, num_feat, C], sampling_location [bs, num_anchor, num_pts, num_cams, 2] and weights
// [bs, num_anchor, num_pts, num_cams, num_scale, num_groups] are Float32 ROW_MAJOR tensors (mc_ms_feat is
// rounded to opts.dtype on the device); spatial_shape [num_cams, num_scale, 2] and scale_start_index
// [num_cams, num_scale] as in the CPU reference. Shapes are checked as the CPU reference checks them,
// plus the device's limits (C <= 512, 32-bit page ids).
DeformableAggregationDeviceResult deformable_aggregation_device(
    Device& device, const Tensor& mc_ms_feat, const ArrayView<int32_t>& spatial_shape,
    const ArrayView<int32_t>& scale_start_index, const Tensor& sampling_location, const Tensor& weights,
    const DeviceRunOptions& opts, const RunOptions& run = {});

}  // namespace tilesim::ops
