#pragma once
// Channel-first <-> channel-last transposes for 4-D tensors, used by every op front end that accepts
// PyTorch's NCHW tensors and runs a channels-last device path (as tt-metal's ttnn ops do).
#include "tilesim/device_tensor.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

// [N, C, H, W] -> [N, H, W, C] and back; Float32 tensors, parallel over (n, h).
Tensor nchw_to_nhwc(const Tensor& nchw);
Tensor nhwc_to_nchw(const Tensor& nhwc);
// The same transposes on the way to and from a device, without an intermediate host tensor: an NCHW
// Float32 tensor written as NHWC sticks (one page per pixel) into a new device tensor, and an NHWC
// Float32 device tensor read back as NCHW. Blocks of pixels are transposed in a small buffer per thread.
DeviceTensor to_device_nhwc(const Tensor& nchw, Device& device, const MemoryConfig& config = {});
Tensor from_device_nchw(const DeviceTensor& nhwc);
// Rounds every value to bfloat16 (kept as float32): what a bf16 input looks like to an fp32 computation.
Tensor round_to_bf16(const Tensor& t);

}  // namespace tilesim::ops
