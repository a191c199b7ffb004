#pragma once
// FlowNet's correlation layer on the simulated device (spec ops.md §3): the patch-correlation program
// (patch_correlation_device.hpp) with displacements (tj, ti) * stride2, the zero padding by pad_size read
// as zero sticks (never stored), the scaler 1 / (kernel_size^2 C), and |a - b| for is_multiply = false.
#include "ops/correlation/correlation_program_device.hpp"
#include "ops/correlation/flownet_correlation_reference.hpp"

namespace tilesim::ops {

// input1, input2: [N, H, W, C] (channels-last). Returns [N, D * D, oH, oW] (Float32), as
// flownet_correlation_forward_cpu.
CorrelationDeviceResult flownet_correlation_device(Device& device, const Tensor& input1_nhwc,
                                                   const Tensor& input2_nhwc,
                                                   const FlowNetCorrelationParams& params,
                                                   const DeviceRunOptions& opts = {},
                                                   const RunOptions& run = {});

}  // namespace tilesim::ops
