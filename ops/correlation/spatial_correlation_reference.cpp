#include "ops/correlation/spatial_correlation_reference.hpp"

#include "ops/correlation/correlation_engine.hpp"
#include "ops/correlation/correlation_layout.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kOp = "spatial_correlation";

void require_at_least(const char* name, int h, int w, int minimum) {
    if (h < minimum || w < minimum)
        fail("{}: {} must be >= {} in both dims, got ({}, {})", kOp, name, minimum, h, w);
}

// Numerator of the output-size formula; the output has numerator / stride + 1 rows when it is >= 0.
int64_t output_extent(int64_t size, int pad, int dilation, int kernel) {
    return size + 2 * int64_t{pad} - int64_t{dilation} * (kernel - 1) - 1;
}

}  // namespace

detail::CorrelationGeometry spatial_correlation_geometry(const SpatialCorrelationParams& p,
                                                         const NchwShape& s) {
    const auto shape = spatial_correlation_output_shape(p, s);
    detail::CorrelationGeometry g;
    g.batch = s.n;
    g.channels = s.c;
    g.height = s.h;
    g.width = s.w;
    g.out_h = shape[3];
    g.out_w = shape[4];
    g.kernel_h = p.kH;
    g.kernel_w = p.kW;
    g.stride_h = p.strideH;
    g.stride_w = p.strideW;
    g.origin_h = -p.padH;  // padding is virtual: taps outside the image are skipped
    g.origin_w = -p.padW;
    g.dilation_h = p.dilationH;
    g.dilation_w = p.dilationW;
    g.patch_h = p.patchH;
    g.patch_w = p.patchW;
    g.dilation_patch_h = p.dilation_patchH;
    g.dilation_patch_w = p.dilation_patchW;
    return g;
}

SpatialCorrelationParams make_spatial_correlation_params(IntPair kernel_size, IntPair patch_size,
                                                         IntPair stride, IntPair padding, IntPair dilation,
                                                         IntPair dilation_patch) {
    SpatialCorrelationParams p;
    p.kH = kernel_size.h;
    p.kW = kernel_size.w;
    p.patchH = patch_size.h;
    p.patchW = patch_size.w;
    p.strideH = stride.h;
    p.strideW = stride.w;
    p.padH = padding.h;
    p.padW = padding.w;
    p.dilationH = dilation.h;
    p.dilationW = dilation.w;
    p.dilation_patchH = dilation_patch.h;
    p.dilation_patchW = dilation_patch.w;
    return p;
}

void validate(const SpatialCorrelationParams& p) {
    require_at_least("kernel_size", p.kH, p.kW, 1);
    require_at_least("patch_size", p.patchH, p.patchW, 1);
    require_at_least("stride", p.strideH, p.strideW, 1);
    require_at_least("padding", p.padH, p.padW, 0);
    require_at_least("dilation", p.dilationH, p.dilationW, 1);
    require_at_least("dilation_patch", p.dilation_patchH, p.dilation_patchW, 1);
}

void validate(const SpatialCorrelationParams& p, const NchwShape& input1, const NchwShape& input2) {
    validate(p);
    if (input1.n <= 0 || input1.c <= 0 || input1.h <= 0 || input1.w <= 0) {
        fail("{}: input1 must be a non-empty [B, C, H, W] tensor, got {}", kOp, input1.str());
    }
    detail::check_same_shape(kOp, "input1", input1, "input2", input2);
    const int64_t eh = output_extent(input1.h, p.padH, p.dilationH, p.kH);
    const int64_t ew = output_extent(input1.w, p.padW, p.dilationW, p.kW);
    if (eh < 0 || ew < 0) {
        fail(
            "{}: output size must be >= 1, but the dilated kernel ({}, {}) is larger than the padded input "
            "({}, {}) (input {}, padding ({}, {}))",
            kOp, int64_t{p.dilationH} * (p.kH - 1) + 1, int64_t{p.dilationW} * (p.kW - 1) + 1,
            input1.h + 2 * p.padH, input1.w + 2 * p.padW, input1.str(), p.padH, p.padW);
    }
}

std::array<int64_t, 5> spatial_correlation_output_shape(const SpatialCorrelationParams& p,
                                                        const NchwShape& input) {
    validate(p, input, input);
    return {input.n, p.patchH, p.patchW, output_extent(input.h, p.padH, p.dilationH, p.kH) / p.strideH + 1,
            output_extent(input.w, p.padW, p.dilationW, p.kW) / p.strideW + 1};
}

CorrelationArray spatial_correlation_forward_cpu(const NchwView& input1, const NchwView& input2,
                                                 const SpatialCorrelationParams& p) {
    detail::check_view(kOp, "input1", input1);
    detail::check_view(kOp, "input2", input2);
    validate(p, input1.shape, input2.shape);
    const auto g = spatial_correlation_geometry(p, input1.shape);
    CorrelationArray out;
    const auto shape = spatial_correlation_output_shape(p, input1.shape);
    out.shape.assign(shape.begin(), shape.end());
    out.data.resize(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3] * shape[4]));
    const auto a = detail::to_nhwc_padded(input1);
    const auto b = detail::to_nhwc_padded(input2);
    detail::correlation_forward_nhwc(g, a.data(), b.data(), out.data.data());
    return out;
}

CorrelationArray flatten_patch_dims(CorrelationArray output) {
    if (output.shape.size() != 5) {
        fail("flatten_patch_dims: expected a [B, patchH, patchW, oH, oW] result, got {}", output.shape_str());
    }
    output.shape = {output.shape[0], output.shape[1] * output.shape[2], output.shape[3], output.shape[4]};
    return output;
}

CorrelationGrads spatial_correlation_backward_cpu(std::span<const float> grad_output, const NchwView& input1,
                                                  const NchwView& input2, const SpatialCorrelationParams& p) {
    detail::check_view(kOp, "input1", input1);
    detail::check_view(kOp, "input2", input2);
    validate(p, input1.shape, input2.shape);
    const auto shape = spatial_correlation_output_shape(p, input1.shape);
    const int64_t expected = shape[0] * shape[1] * shape[2] * shape[3] * shape[4];
    if (static_cast<int64_t>(grad_output.size()) != expected) {
        fail("{}: grad_output must have {} values (output shape {}), got {}", kOp, expected,
             detail::shape_str(shape), grad_output.size());
    }
    const auto g = spatial_correlation_geometry(p, input1.shape);
    const auto a = detail::to_nhwc_padded(input1);
    const auto b = detail::to_nhwc_padded(input2);
    std::vector<float> grad_a(a.size(), 0.f), grad_b(b.size(), 0.f);
    detail::correlation_backward_nhwc(g, a.data(), b.data(), grad_output.data(), grad_a.data(),
                                      grad_b.data());
    return {detail::nhwc_to_nchw(grad_a, input1.shape), detail::nhwc_to_nchw(grad_b, input2.shape)};
}

SpatialCorrelationParams spatial_correlation_displacement_preset(int patch_size) {
    auto p = make_spatial_correlation_params(1, patch_size);
    validate(p);
    return p;
}

SpatialCorrelationParams spatial_correlation_flownetc_preset() {
    return make_spatial_correlation_params(/*kernel_size=*/1, /*patch_size=*/21, /*stride=*/1, /*padding=*/0,
                                           /*dilation=*/1, /*dilation_patch=*/2);
}

SpatialCorrelationParams spatial_correlation_tracker_9x9_preset() {
    return spatial_correlation_displacement_preset(9);
}

SpatialCorrelationParams spatial_correlation_pwcnet_preset(int max_displacement) {
    if (max_displacement < 0)
        fail("{}: pwcnet preset max_displacement must be >= 0, got {}", kOp, max_displacement);
    return spatial_correlation_displacement_preset(2 * max_displacement + 1);
}

}  // namespace tilesim::ops
