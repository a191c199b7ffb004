#pragma once
// ClementPinard's SpatialCorrelationSampler on the simulated device (spec ops.md §2): channels-last inputs
// interleaved in DRAM, one output pixel per work unit, reader / compute / writer kernels
// (patch_correlation_device.hpp). Same arguments and output as spatial_correlation_forward_cpu.
#include "ops/correlation/correlation_program_device.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::ops {

// input1, input2: [B, H, W, C] (channels-last; the front end transposes PyTorch's NCHW). Returns the
// original 5-D output [B, patchH, patchW, oH, oW] (Float32).
CorrelationDeviceResult spatial_correlation_device(Device& device, const Tensor& input1_nhwc,
                                                   const Tensor& input2_nhwc,
                                                   const SpatialCorrelationParams& params,
                                                   const DeviceRunOptions& opts = {},
                                                   const RunOptions& run = {});

}  // namespace tilesim::ops
