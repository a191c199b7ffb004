#pragma once
// CPU reference of ClementPinard/Pytorch-Correlation-extension's SpatialCorrelationSampler
// (`spatial_correlation_sample(input1, input2, kernel_size, patch_size, stride, padding, dilation,
// dilation_patch)`, CPU code `Correlation_Module/correlation.cpp`; tilesim spec ops.md §2):
//   out[b, ph, pw, h, w] = sum_c sum_{i<kH, j<kW} in1[b, c, y1, x1] * in2[b, c, y1 + sy, x1 + sx]
//   y1 = -padH + h * strideH + i * dilationH,  sy = (ph - (patchH - 1) / 2) * dilation_patchH
//   (same for x); a term is skipped when either position is outside its image; no normalisation.
// Output [B, patchH, patchW, oH, oW]; its flattened view [B, patchH * patchW, oH, oW] is the same memory.
//
// What is accepted, and how it relates to the original:
// - Even patch sizes are accepted, as the original accepts them; the shift uses the CPU code's
//   `(ph - (patchH - 1) / 2) * dilation_patchH`. (The original's CUDA forward uses
//   `ph * dilation_patchH - dilation_patchH * (patchH - 1) / 2`, which differs only for an even patch
//   with dilation_patch > 1.)
// - The original checks nothing itself. tilesim refuses what would crash or read out of bounds there:
//   stride, dilation, dilation_patch, kernel or patch size < 1 (stride 0 divides by zero), negative
//   padding, inputs of different shapes, and an output size < 1 (where the original's truncating
//   division would still report one row).
// - The seed's "kernel-based mode" (`patch_size=1, kernel_size=k, padding=(k-1)/2`) is NOT one channel
//   per displacement: the original sums the k x k window into one channel. One channel per displacement
//   is `kernel_size=1, patch_size=k` (see spatial_correlation_displacement_preset).
#include <array>
#include <cstdint>
#include <span>

#include "ops/correlation/correlation_common.hpp"

namespace tilesim::ops {

struct SpatialCorrelationParams {
    int kH = 1, kW = 1, patchH = 1, patchW = 1, strideH = 1, strideW = 1, padH = 0, padW = 0, dilationH = 1,
        dilationW = 1, dilation_patchH = 1, dilation_patchW = 1;
};

// The module's arguments, each an int or an (h, w) pair (PyTorch `_pair`).
SpatialCorrelationParams make_spatial_correlation_params(IntPair kernel_size = 1, IntPair patch_size = 1,
                                                         IntPair stride = 1, IntPair padding = 0,
                                                         IntPair dilation = 1, IntPair dilation_patch = 1);

// Throws InvalidArgument naming the argument, the value and what is expected.
void validate(const SpatialCorrelationParams& p);
void validate(const SpatialCorrelationParams& p, const NchwShape& input1, const NchwShape& input2);

// [B, patchH, patchW, oH, oW], oH = (H + 2 padH - dilationH (kH - 1) - 1) / strideH + 1. Validates.
std::array<int64_t, 5> spatial_correlation_output_shape(const SpatialCorrelationParams& p,
                                                        const NchwShape& input);

// Forward: result shape [B, patchH, patchW, oH, oW].
CorrelationArray spatial_correlation_forward_cpu(const NchwView& input1, const NchwView& input2,
                                                 const SpatialCorrelationParams& p);
// The same, written into `out`, which holds spatial_correlation_output_shape(p, input1.shape) values: every
// one is written (callers may pass uninitialised memory).
void spatial_correlation_forward_cpu(const NchwView& input1, const NchwView& input2,
                                     const SpatialCorrelationParams& p, std::span<float> out);

// The same result viewed as [B, patchH * patchW, oH, oW] (no copy of the layout: same memory order).
CorrelationArray flatten_patch_dims(CorrelationArray output);

// Backward: grad_output has the output's element count ([B, patchH, patchW, oH, oW] or its flattened view).
// grad_input1 += g * in2[...], grad_input2 += g * in1[...] over the forward's terms.
CorrelationGrads spatial_correlation_backward_cpu(std::span<const float> grad_output, const NchwView& input1,
                                                  const NchwView& input2, const SpatialCorrelationParams& p);

// Presets (functions returning params).
// One output channel per displacement in a patch x patch window: kernel 1, no padding.
SpatialCorrelationParams spatial_correlation_displacement_preset(int patch_size);
// FlowNetC through the sampler: kernel_size=1, patch_size=21, dilation_patch=2 (displacements -20..20 step
// 2).
SpatialCorrelationParams spatial_correlation_flownetc_preset();
// Tracker-style 9x9 search: patch 9, kernel 1 -> flattened output [B, 81, H, W].
SpatialCorrelationParams spatial_correlation_tracker_9x9_preset();
// PWC-Net cost volume: max displacement d -> patch 2d + 1, kernel 1 (d = 4 -> [B, 81, H, W]).
SpatialCorrelationParams spatial_correlation_pwcnet_preset(int max_displacement = 4);

namespace detail {
struct CorrelationGeometry;
}
// The loop geometry the reference (and the CUDA reference) run for these arguments; validates them.
detail::CorrelationGeometry spatial_correlation_geometry(const SpatialCorrelationParams& p,
                                                         const NchwShape& s);

}  // namespace tilesim::ops
