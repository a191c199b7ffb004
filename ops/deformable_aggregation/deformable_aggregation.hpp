#pragma once
// deformable_aggregation, the op front end: SparseDrive's deformable_aggregation_function(mc_ms_feat,
// spatial_shape, scale_start_index, sampling_location, weights) on tilesim tensors, plus where to run it
// (backend cpu | sim | cuda) and, for the simulated device, how (device config, dtype, cores, buffering).
#include <optional>
#include <string>
#include <string_view>

#include "ops/common/front_end.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_device.hpp"
#include "ops/common/host_array.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

// Output: Float32 [bs, num_anchor, C]. Options: BFloat16 makes the feature maps bf16 (cpu/cuda: mc_ms_feat
// and the output rounded to bf16, math in fp32; sim: bf16 data, blocks and DEST); sampling locations and
// weights stay float32 on every backend. buffering_factor: block CB pages in flight.
using DeformableAggregationResult = OpResult<ProgramSummary>;

// mc_ms_feat [bs, num_feat, C], spatial_shape [num_cams, num_scale, 2] (H, W), scale_start_index
// [num_cams, num_scale], sampling_location [bs, num_anchor, num_pts, num_cams, 2], weights [bs, num_anchor,
// num_pts, num_cams, num_scale, num_groups]. spatial_shape and scale_start_index hold integers (Float32
// holding exact integers, or Int32).
DeformableAggregationResult deformable_aggregation(const FloatInput& mc_ms_feat, const Tensor& spatial_shape,
                                                   const Tensor& scale_start_index,
                                                   const FloatInput& sampling_location,
                                                   const FloatInput& weights,
                                                   const DeviceRunOptions& options = {});

// The values of an integer-valued tensor as int32: Int32 tensors as they are, Float32 tensors (.npy inputs
// are float32) only when every value is an exact integer in [0, 2^31); otherwise an error naming `op`,
// `name`, the index and the value.
HostArray<int32_t> nonnegative_integer_array(const Tensor& t, std::string_view op, std::string_view name);

}  // namespace tilesim::ops
