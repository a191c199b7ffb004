#include "ops/correlation/spatial_correlation_reference.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/correlation/correlation_engine.hpp"
#include "ops/correlation/detail/correlation_layout.hpp"
#include "ops/correlation/detail/correlation_simd.hpp"
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

// kernel_size 1 and stride 1 (FlowNetC's, PWC-Net's and the 9x9 tracker's settings): every output is the
// dot product over channels of pixel (y, x) of input1 and pixel (y + dy, x + dx) of input2, with
// (y, x) = (oh - padH, ow - padW). On the NCHW inputs as given, one patch offset's outputs along a row are
// the dot products of two shifted rows of every channel plane: vectorised over the row, no transposes and
// no per-output reduction across lanes.
void forward_unit_kernel_nchw(const NchwView& in1, const NchwView& in2, const SpatialCorrelationParams& p,
                              int64_t out_h, int64_t out_w, float* out) {
    const NchwShape& s = in1.shape;
    const int64_t plane = s.h * s.w;
    const int rad_h = (p.patchH - 1) / 2, rad_w = (p.patchW - 1) / 2;  // C++ division, as the original
    using Range = oneapi::tbb::blocked_range<int64_t>;
    oneapi::tbb::parallel_for(Range(0, s.n * out_h), [&](const Range& range) {
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t n = task / out_h, oh = task % out_h, y1 = oh - p.padH;
            const float* a = in1.data.data() + n * s.c * plane;
            const float* b = in2.data.data() + n * s.c * plane;
            for (int ph = 0; ph < p.patchH; ++ph) {
                const int64_t y2 = y1 + int64_t{ph - rad_h} * p.dilation_patchH;
                const bool rows_inside = y1 >= 0 && y1 < s.h && y2 >= 0 && y2 < s.h;
                // Columns whose input1 pixel (ow - padW) and input2 pixel (+ dx) are both inside.
                auto columns = [&](int64_t dx) -> std::pair<int64_t, int64_t> {
                    if (!rows_inside) return {0, 0};
                    const int64_t first =
                        std::clamp<int64_t>(std::max<int64_t>(p.padW, p.padW - dx), 0, out_w);
                    return {first, std::clamp<int64_t>(std::min<int64_t>(s.w + p.padW, s.w + p.padW - dx),
                                                       first, out_w)};
                };
                const int64_t a_offset = y1 * s.w - p.padW, b_row = y2 * s.w - p.padW;
                // Patch columns in groups of up to 4: one pass over input1's planes serves every shift of the
                // group over the columns valid for all of them; the rest of each row takes its own pass.
                constexpr int kGroup = 4;
                for (int pw = 0; pw < p.patchW; pw += kGroup) {
                    const int count = std::min(kGroup, p.patchW - pw);
                    float* rows[kGroup];
                    int64_t offsets[kGroup], first[kGroup], last[kGroup];
                    int64_t lo = 0, hi = out_w;
                    for (int k = 0; k < count; ++k) {
                        rows[k] = out + (((n * p.patchH + ph) * p.patchW + pw + k) * out_h + oh) * out_w;
                        const int64_t dx = int64_t{pw + k - rad_w} * p.dilation_patchW;
                        offsets[k] = b_row + dx;
                        std::tie(first[k], last[k]) = columns(dx);
                        std::fill(rows[k], rows[k] + first[k], 0.f);
                        std::fill(rows[k] + last[k], rows[k] + out_w, 0.f);
                        lo = std::max(lo, first[k]);
                        hi = std::min(hi, last[k]);
                    }
                    if (lo >= hi) lo = hi = 0;  // no column common to the group
                    if (lo < hi)
                        detail::shifted_row_dots_many(a, a_offset, b, offsets, count, s.c, plane, lo, hi,
                                                      rows);
                    for (int k = 0; k < count; ++k) {  // each row's columns outside the common range
                        const int64_t left_end = lo < hi ? std::min(lo, last[k]) : last[k];
                        if (first[k] < left_end)
                            detail::shifted_row_dots(a, a_offset, b, offsets[k], s.c, plane, first[k],
                                                     left_end, rows[k]);
                        const int64_t right_begin = std::max(lo < hi ? hi : last[k], first[k]);
                        if (right_begin < last[k])
                            detail::shifted_row_dots(a, a_offset, b, offsets[k], s.c, plane, right_begin,
                                                     last[k], rows[k]);
                    }
                }
            }
        }
    });
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
        fail("{}: input1 must be a non-empty [B, C, H, W] tensor, got {}", kOp, input1);
    }
    detail::check_same_shape(kOp, "input1", input1, "input2", input2);
    const int64_t eh = output_extent(input1.h, p.padH, p.dilationH, p.kH);
    const int64_t ew = output_extent(input1.w, p.padW, p.dilationW, p.kW);
    if (eh < 0 || ew < 0) {
        fail(
            "{}: output size must be >= 1, but the dilated kernel ({}, {}) is larger than the padded input "
            "({}, {}) (input {}, padding ({}, {}))",
            kOp, int64_t{p.dilationH} * (p.kH - 1) + 1, int64_t{p.dilationW} * (p.kW - 1) + 1,
            input1.h + 2 * p.padH, input1.w + 2 * p.padW, input1, p.padH, p.padW);
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
    validate(p, input1.shape, input2.shape);  // both inputs (the output shape checks input1 only)
    CorrelationArray out;
    const auto shape = spatial_correlation_output_shape(p, input1.shape);
    out.shape.assign(shape.begin(), shape.end());
    out.data.resize(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3] * shape[4]));
    spatial_correlation_forward_cpu(input1, input2, p, out.data);
    return out;
}

void spatial_correlation_forward_cpu(const NchwView& input1, const NchwView& input2,
                                     const SpatialCorrelationParams& p, std::span<float> out) {
    detail::check_view(kOp, "input1", input1);
    detail::check_view(kOp, "input2", input2);
    validate(p, input1.shape, input2.shape);
    const auto g = spatial_correlation_geometry(p, input1.shape);
    const auto shape = spatial_correlation_output_shape(p, input1.shape);
    const auto volume = static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3] * shape[4]);
    if (out.size() != volume)
        fail("{}: the output holds {} values, expected {} for {}", kOp, out.size(), volume, input1.shape);
    // With few channels the per-output lane reductions of the channels-last kernel dominate; with many
    // (FlowNetC's 256) its contiguous channel vectors win (bench_correlation_cpu: 64 channels or fewer
    // here, e.g. PWC-Net's 32: 5.8 -> 2.3 ms; FlowNetC's preset would go 17 -> 68 ms).
    constexpr int64_t kMaxChannelsFirstChannels = 64;
    if (p.kH == 1 && p.kW == 1 && p.strideH == 1 && p.strideW == 1 &&
        input1.shape.c <= kMaxChannelsFirstChannels) {
        forward_unit_kernel_nchw(input1, input2, p, shape[3], shape[4], out.data());
        return;
    }
    const auto a = detail::to_nhwc_padded(input1);
    const auto b = detail::to_nhwc_padded(input2);
    detail::correlation_forward_nhwc(g, a.data(), b.data(), out.data());
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
