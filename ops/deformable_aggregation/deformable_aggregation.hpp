#pragma once
// deformable_aggregation, the op front end: SparseDrive's deformable_aggregation_function(mc_ms_feat,
// spatial_shape, scale_start_index, sampling_location, weights) on tilesim tensors, plus where to run it
// (backend cpu | sim | cuda) and, for the simulated device, how (device config, dtype, cores, buffering).
#include <optional>
#include <string>
#include <string_view>

#include "ops/common/backend.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_device.hpp"
#include "ops/deformable_aggregation/host_array.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

struct DeformableAggregationArgs {
    Backend backend = Backend::Cpu;
    // BFloat16: the feature maps are bf16 (cpu/cuda: mc_ms_feat and the output rounded to bf16, math in fp32;
    // sim: bf16 data, blocks and DEST). Sampling locations and weights stay float32 on every backend.
    DataType dtype = DataType::Float32;
    // Simulated device only:
    std::string device = "wormhole_b0";    // config name or path
    uint32_t buffering_factor = 2;         // block CB pages in flight
    CoreCoord core_grid{0, 0};             // worker grid to use (0x0: the whole device)
    std::optional<bool> fp32_dest_acc_en;  // default: true for float32, false for bfloat16
    RunOptions run;
};

struct DeformableAggregationResult {
    Tensor output;                               // Float32 [bs, num_anchor, C]
    std::optional<RunReport> report;             // sim only
    std::optional<SamplingProgramInfo> program;  // sim only: work split, CBs, kernels
};

// mc_ms_feat [bs, num_feat, C], spatial_shape [num_cams, num_scale, 2] (H, W), scale_start_index
// [num_cams, num_scale], sampling_location [bs, num_anchor, num_pts, num_cams, 2], weights [bs, num_anchor,
// num_pts, num_cams, num_scale, num_groups]. Float32 ROW_MAJOR tensors; spatial_shape and scale_start_index
// hold integers (Float32 holding exact integers, or Int32).
DeformableAggregationResult deformable_aggregation(const Tensor& mc_ms_feat, const Tensor& spatial_shape,
                                                   const Tensor& scale_start_index,
                                                   const Tensor& sampling_location, const Tensor& weights,
                                                   const DeformableAggregationArgs& args = {});

// The values of an integer-valued tensor as int32: Int32 tensors as they are, Float32 tensors (.npy inputs
// are float32) only when every value is an exact integer in [0, 2^31); otherwise an error naming `op`,
// `name`, the index and the value.
HostArray<int32_t> nonnegative_integer_array(const Tensor& t, std::string_view op, std::string_view name);

}  // namespace tilesim::ops
