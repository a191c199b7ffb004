#pragma once
// The correlation family's op front ends: PyTorch's NCHW tensors in (float32; bfloat16 and float16 are
// converted), the original packages' arguments, and where to run (backend cpu | sim | cuda):
//   spatial_correlation  ClementPinard's SpatialCorrelationSampler -> [B, patchH, patchW, oH, oW]
//   flownet_correlation  FlowNet's correlation layer               -> [N, D * D, oH, oW]
//   corr_lookup          RAFT's correlation lookup (AlternateCorrBlock values) -> [B, L (2r+1)^2, H, W]
// plus the named presets (FlowNetC, tracker 9x9, PWC-Net, RAFT).
#include <optional>
#include <string>
#include <string_view>

#include "ops/common/front_end.hpp"
#include "ops/correlation/correlation_program_device.hpp"
#include "ops/correlation/flownet_correlation_reference.hpp"
#include "ops/correlation/corr_lookup_reference.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

// Output: Float32, values rounded to the options' dtype. Options: BFloat16 / Float16 round inputs and
// outputs to bf16 / fp16 with the math in fp32 (cpu, cuda; the original packages accumulate half in fp32);
// sim takes Float32 and BFloat16 (tt-metal has no fp16). Core grid and buffering factor (the pages of the
// streamed row-block CBs) apply to backend sim only, and are refused elsewhere.
using CorrelationResult = OpResult<ProgramSummary>;

// input1, input2: [B, C, H, W]. Output: the original 5-D [B, patchH, patchW, oH, oW].
CorrelationResult spatial_correlation(const FloatInput& input1, const FloatInput& input2,
                                      const SpatialCorrelationParams& params,
                                      const DeviceRunOptions& options = {});
// [B, patchH, patchW, oH, oW] -> its flattened view [B, patchH * patchW, oH, oW] (same memory order).
Tensor flatten_spatial_correlation(const Tensor& output);

// input1, input2: [N, C, H, W]. Output [N, D * D, oH, oW], D = 2 (max_displacement / stride2) + 1.
CorrelationResult flownet_correlation(const FloatInput& input1, const FloatInput& input2,
                                      const FlowNetCorrelationParams& params,
                                      const DeviceRunOptions& options = {});

// fmap1, fmap2: [B, C, H, W]; coords: [B, 2, H, W] holding (x, y) in pixels. Output
// [B, num_levels * (2 radius + 1)^2, H, W]. Coordinates are never rounded to bf16 (see
// corr_lookup_device.hpp).
CorrelationResult corr_lookup(const FloatInput& fmap1, const FloatInput& fmap2, const FloatInput& coords,
                              int num_levels = 4, int radius = 4, const DeviceRunOptions& options = {});

// Named presets of the spatial correlation sampler: "flownetc" (kernel 1, patch 21, dilation_patch 2),
// "tracker9x9" (patch 9: [B, 81, H, W] flattened), "pwcnet" (max displacement 4: patch 9). Throws
// InvalidArgument listing the names for anything else.
SpatialCorrelationParams spatial_correlation_preset(std::string_view name);
// Named presets of FlowNet's correlation: "flownetc" (flownet2-pytorch FlowNetC: pad_size 20, kernel_size 1,
// max_displacement 20, stride1 1, stride2 2 -> [N, 441, H, W]).
FlowNetCorrelationParams flownet_correlation_preset(std::string_view name);
// RAFT's lookup: 4 levels, radius 4.
struct CorrLookupPreset {
    int num_levels = 4;
    int radius = 4;
};
CorrLookupPreset corr_lookup_preset();

}  // namespace tilesim::ops
