#pragma once
// CPU reference of FlowNet's correlation layer (NVIDIA/flownet2-pytorch `correlation_package`, the Caffe
// layer of lmb-freiburg/flownet2 it ports; tilesim spec ops.md §3):
//   both inputs zero-padded by pad_size; kernel_rad = (kernel_size - 1) / 2,
//   border = max_displacement + kernel_rad, d = max_displacement / stride2, D = 2 d + 1,
//   oH = ceil((H + 2 pad_size - 2 border) / stride1); output [N, D * D, oH, oW];
//   channel (tj + d) * D + (ti + d) holds displacement (dy, dx) = (tj * stride2, ti * stride2);
//   out = sum_{|j|,|i| <= kernel_rad} sum_c a[y1 + j, x1 + i, c] * b[y1 + j + dy, x1 + i + dx, c]
//         / (kernel_size^2 * C),   centre (y1, x1) = (oy * stride1 + border, ox * stride1 + border)
//   in padded coordinates; is_multiply = false uses |a - b| instead of the product.
//
// Notes on the originals:
// - The window is centred at `border`, as in the Caffe layer (window top-left at max_displacement).
//   flownet2-pytorch's CUDA forward centres it at max_displacement instead, which differs by
//   kernel_rad when kernel_size > 1 (and then reads before the padded image); tilesim follows the spec.
// - The backward is the exact derivative of this forward (what autograd gives). flownet2-pytorch's
//   CUDA backward kernels index input pixels as `blockIdx * stride1 + pad_size` and round window bounds
//   by truncation, so they agree with it only for stride1 == 1.
// - d|a - b|/da is sign(a - b) with sign(0) = 0 (autograd's convention for abs).
// - Validation follows the Caffe layer (odd kernel_size, output size >= 1, equal input shapes) plus
//   what would divide by zero or index out of range: stride1, stride2, kernel_size >= 1,
//   max_displacement >= 0, pad_size >= 0.
// Inputs are float32 NCHW (the original also takes fp16, accumulating in fp32; not provided here).
#include <array>
#include <cstdint>
#include <span>

#include "ops/correlation/correlation_common.hpp"

namespace tilesim::ops {

struct FlowNetCorrelationParams {
    int pad_size = 4, kernel_size = 1, max_displacement = 4, stride1 = 1, stride2 = 1;
    bool is_multiply = true;
};

// Throws InvalidArgument naming the argument, the value and what is expected.
void validate(const FlowNetCorrelationParams& p);
void validate(const FlowNetCorrelationParams& p, const NchwShape& input1, const NchwShape& input2);

// [N, D * D, oH, oW]. Validates.
std::array<int64_t, 4> flownet_correlation_output_shape(const FlowNetCorrelationParams& p,
                                                        const NchwShape& input);

CorrelationArray flownet_correlation_forward_cpu(const NchwView& input1, const NchwView& input2,
                                                 const FlowNetCorrelationParams& p);

// grad_output: [N, D * D, oH, oW]. Returns d(out)/d(input1), d(out)/d(input2) contracted with it.
CorrelationGrads flownet_correlation_backward_cpu(std::span<const float> grad_output, const NchwView& input1,
                                                  const NchwView& input2, const FlowNetCorrelationParams& p);

namespace detail {
struct CorrelationGeometry;
}
// The loop geometry the reference (and the CUDA reference) run for these arguments; validates them.
detail::CorrelationGeometry flownet_correlation_geometry(const FlowNetCorrelationParams& p,
                                                         const NchwShape& s);

}  // namespace tilesim::ops
