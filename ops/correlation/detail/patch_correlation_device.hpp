#pragma once
// The simulated program both the spatial correlation sampler and FlowNet's correlation run (they are the
// same patch-correlation loop, ops/correlation/correlation_engine.hpp, with different geometry):
//   out[b, oy, ox, d] = scaler * sum_{taps (i, j)} sum_c term(in1[b, y1, x1, c], in2[b, y1 + sy(d), x1 +
//   sx(d), c]) y1 = oy * stride_h + origin_h + i * dilation_h,  sy(d) = (d / patch_w - (patch_h - 1) / 2) *
//   dilation_patch_h (same for x); positions outside the (unpadded) image read zeros; term = product or |a -
//   b|.
// Inputs are channels-last, interleaved in DRAM (one page per stick); the output is [B, oH, oW, P] sticks.
// Work unit: one output pixel (its stick of P = patch_h * patch_w values), split with split_work_to_cores.
#include <cstdint>

#include "ops/correlation/correlation_program_device.hpp"

namespace tilesim::ops {

struct PatchCorrelationGeometry {
    uint32_t batch = 0, channels = 0, height = 0, width = 0;  // of the stored (unpadded) images
    uint32_t out_h = 0, out_w = 0;
    uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
    int32_t origin_h = 0, origin_w = 0;  // first tap of output (0, 0), in image coordinates
    uint32_t patch_h = 1, patch_w = 1, dilation_patch_h = 1, dilation_patch_w = 1;
    bool abs_diff = false;  // FlowNet's is_multiply = false
    float scaler = 1.f;     // applied to every sum (1 / (kernel_size^2 C) for FlowNet)
    uint32_t displacements() const { return patch_h * patch_w; }
};

// in1, in2: [B, H, W, C] float32 values (rounded to opts.dtype on the device). Returns the output sticks
// [B, oH, oW, P] (Float32) in `output`.
CorrelationDeviceResult patch_correlation_device(Device& device, const Tensor& in1_nhwc,
                                                 const Tensor& in2_nhwc,
                                                 const PatchCorrelationGeometry& geometry,
                                                 const DeviceRunOptions& opts, const RunOptions& run,
                                                 const char* op);

// The factory alone (work split, CBs, kernels, runtime args for buffers at the given addresses), so that
// its L1 plan can be inspected without running it.
Program patch_correlation_program(Device& device, const PatchCorrelationGeometry& g,
                                  const DeviceRunOptions& o, uint32_t in1_addr, uint32_t in2_addr,
                                  uint32_t out_addr, ProgramSummary& info);

}  // namespace tilesim::ops
