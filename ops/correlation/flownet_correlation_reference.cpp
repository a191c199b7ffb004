#include "ops/correlation/flownet_correlation_reference.hpp"

#include "ops/correlation/correlation_engine.hpp"
#include "ops/correlation/detail/correlation_layout.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kOp = "flownet_correlation";

int64_t border(const FlowNetCorrelationParams& p) {
    return int64_t{p.max_displacement} + (p.kernel_size - 1) / 2;
}

// ceil((padded - 2 border) / stride1) for a positive numerator (Caffe: float ceil).
int64_t output_extent(int64_t size, const FlowNetCorrelationParams& p) {
    const int64_t span = size + 2 * int64_t{p.pad_size} - 2 * border(p);
    return span <= 0 ? 0 : (span + p.stride1 - 1) / p.stride1;
}

}  // namespace

detail::CorrelationGeometry flownet_correlation_geometry(const FlowNetCorrelationParams& p,
                                                         const NchwShape& s) {
    const auto shape = flownet_correlation_output_shape(p, s);
    const int d = p.max_displacement / p.stride2;
    // Padded zeros change |a - b| but add nothing to a product: in multiply mode the engine reads the
    // unpadded images and skips the taps that fall in the padding (less work at the borders).
    const int64_t pad = p.is_multiply ? 0 : p.pad_size;
    detail::CorrelationGeometry g;
    g.batch = s.n;
    g.channels = s.c;
    g.height = s.h + 2 * pad;
    g.width = s.w + 2 * pad;
    g.pad = pad;
    g.out_h = shape[2];
    g.out_w = shape[3];
    g.kernel_h = g.kernel_w = p.kernel_size;
    g.stride_h = g.stride_w = p.stride1;
    // Window top-left = centre - kernel_rad = o * stride1 + max_displacement in coordinates padded by
    // pad_size, i.e. o * stride1 + max_displacement - (pad_size - pad) in the images the engine reads.
    g.origin_h = g.origin_w = static_cast<int>(p.max_displacement - (p.pad_size - pad));
    g.patch_h = g.patch_w = 2 * d + 1;
    g.dilation_patch_h = g.dilation_patch_w = p.stride2;
    g.absolute_difference = !p.is_multiply;
    g.divisor = static_cast<float>(int64_t{p.kernel_size} * p.kernel_size * s.c);
    return g;
}

void validate(const FlowNetCorrelationParams& p) {
    if (p.kernel_size < 1 || p.kernel_size % 2 == 0) {
        fail("{}: kernel_size must be odd and >= 1, got {}", kOp, p.kernel_size);
    }
    if (p.max_displacement < 0) fail("{}: max_displacement must be >= 0, got {}", kOp, p.max_displacement);
    if (p.pad_size < 0) fail("{}: pad_size must be >= 0, got {}", kOp, p.pad_size);
    if (p.stride1 < 1) fail("{}: stride1 must be >= 1, got {}", kOp, p.stride1);
    if (p.stride2 < 1) fail("{}: stride2 must be >= 1, got {}", kOp, p.stride2);
}

void validate(const FlowNetCorrelationParams& p, const NchwShape& input1, const NchwShape& input2) {
    validate(p);
    if (input1.n <= 0 || input1.c <= 0 || input1.h <= 0 || input1.w <= 0) {
        fail("{}: input1 must be a non-empty [N, C, H, W] tensor, got {}", kOp, input1);
    }
    detail::check_same_shape(kOp, "input1", input1, "input2", input2);
    if (output_extent(input1.h, p) < 1 || output_extent(input1.w, p) < 1) {
        fail(
            "{}: output size must be >= 1, but the padded input ({}, {}) is not larger than 2 * border = {} "
            "(border = max_displacement {} + kernel_rad {}; input {}, pad_size {})",
            kOp, input1.h + 2 * p.pad_size, input1.w + 2 * p.pad_size, 2 * border(p), p.max_displacement,
            (p.kernel_size - 1) / 2, input1, p.pad_size);
    }
}

std::array<int64_t, 4> flownet_correlation_output_shape(const FlowNetCorrelationParams& p,
                                                        const NchwShape& input) {
    validate(p, input, input);
    const int64_t D = 2 * (p.max_displacement / p.stride2) + 1;
    return {input.n, D * D, output_extent(input.h, p), output_extent(input.w, p)};
}

CorrelationArray flownet_correlation_forward_cpu(const NchwView& input1, const NchwView& input2,
                                                 const FlowNetCorrelationParams& p) {
    detail::check_view(kOp, "input1", input1);
    detail::check_view(kOp, "input2", input2);
    validate(p, input1.shape, input2.shape);
    const auto shape = flownet_correlation_output_shape(p, input1.shape);
    const auto g = flownet_correlation_geometry(p, input1.shape);
    CorrelationArray out;
    out.shape.assign(shape.begin(), shape.end());
    out.data.resize(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3]));
    const auto a = detail::to_nhwc_padded(input1, g.pad);
    const auto b = detail::to_nhwc_padded(input2, g.pad);
    detail::correlation_forward_nhwc(g, a.data(), b.data(), out.data.data());
    return out;
}

CorrelationGrads flownet_correlation_backward_cpu(std::span<const float> grad_output, const NchwView& input1,
                                                  const NchwView& input2, const FlowNetCorrelationParams& p) {
    detail::check_view(kOp, "input1", input1);
    detail::check_view(kOp, "input2", input2);
    validate(p, input1.shape, input2.shape);
    const auto shape = flownet_correlation_output_shape(p, input1.shape);
    const int64_t expected = shape[0] * shape[1] * shape[2] * shape[3];
    if (static_cast<int64_t>(grad_output.size()) != expected) {
        fail("{}: grad_output must have {} values (output shape {}), got {}", kOp, expected,
             detail::shape_str(shape), grad_output.size());
    }
    const auto g = flownet_correlation_geometry(p, input1.shape);
    const auto a = detail::to_nhwc_padded(input1, g.pad);
    const auto b = detail::to_nhwc_padded(input2, g.pad);
    std::vector<float> grad_a(static_cast<size_t>(input1.shape.volume()), 0.f);
    std::vector<float> grad_b(static_cast<size_t>(input2.shape.volume()), 0.f);
    detail::correlation_backward_nhwc(g, a.data(), b.data(), grad_output.data(), grad_a.data(),
                                      grad_b.data());
    return {detail::nhwc_to_nchw(grad_a, input1.shape), detail::nhwc_to_nchw(grad_b, input2.shape)};
}

}  // namespace tilesim::ops
