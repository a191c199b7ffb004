// Spatial correlation sampler (ClementPinard/Pytorch-Correlation-extension) CPU reference.
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "correlation_golden_params.hpp"
#include "correlation_test_utils.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::testing {
namespace {

using ops::IntPair;
using ops::NchwShape;
using ops::SpatialCorrelationParams;

// The spec's formula, term by term in double: out[b, ph, pw, h, w].
std::vector<double> direct_formula(const OwnedNchw& in1, const OwnedNchw& in2,
                                   const SpatialCorrelationParams& p) {
    const auto shape = ops::spatial_correlation_output_shape(p, in1.shape);
    const auto [B, C, H, W] = in1.shape;
    std::vector<double> out(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3] * shape[4]));
    size_t idx = 0;
    for (int64_t b = 0; b < B; ++b)
        for (int ph = 0; ph < p.patchH; ++ph)
            for (int pw = 0; pw < p.patchW; ++pw)
                for (int64_t h = 0; h < shape[3]; ++h)
                    for (int64_t w = 0; w < shape[4]; ++w, ++idx) {
                        double acc = 0;
                        for (int i = 0; i < p.kH; ++i)
                            for (int j = 0; j < p.kW; ++j) {
                                const int64_t y1 = -p.padH + h * p.strideH + i * p.dilationH;
                                const int64_t x1 = -p.padW + w * p.strideW + j * p.dilationW;
                                const int64_t y2 = y1 + (ph - (p.patchH - 1) / 2) * p.dilation_patchH;
                                const int64_t x2 = x1 + (pw - (p.patchW - 1) / 2) * p.dilation_patchW;
                                if (y1 < 0 || y1 >= H || x1 < 0 || x1 >= W || y2 < 0 || y2 >= H || x2 < 0 ||
                                    x2 >= W)
                                    continue;
                                for (int64_t c = 0; c < C; ++c) {
                                    acc += double(in1.data[((b * C + c) * H + y1) * W + x1]) *
                                           in2.data[((b * C + c) * H + y2) * W + x2];
                                }
                            }
                        out[idx] = acc;
                    }
    return out;
}

void expect_matches_direct_formula(const SpatialCorrelationParams& p, NchwShape shape, uint32_t seed) {
    const auto in1 = random_nchw(shape, seed), in2 = random_nchw(shape, seed + 1);
    const auto out = ops::spatial_correlation_forward_cpu(in1.view(), in2.view(), p);
    expect_close_to_double(out.data, direct_formula(in1, in2, p), 1e-5 * shape.c);
}

TEST(SpatialCorrelation, MatchesPyTorchFixturesForwardAndBackward) {
    const auto cases = load_golden("correlation_spatial.json");
    ASSERT_GE(cases.size(), 6u);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto in1 = from_golden(c.tensor("input1")), in2 = from_golden(c.tensor("input2"));
        const auto p = spatial_params_of(c);
        const auto expected = c.tensor("output");
        const auto out = ops::spatial_correlation_forward_cpu(in1.view(), in2.view(), p);
        EXPECT_EQ(out.shape, expected.shape);
        EXPECT_CLOSE(out.data, expected.data, tolerance(expected.data), 0.999999);
        const auto grads =
            ops::spatial_correlation_backward_cpu(c.tensor("grad_output").data, in1.view(), in2.view(), p);
        const auto g1 = c.tensor("grad_input1"), g2 = c.tensor("grad_input2");
        EXPECT_CLOSE(grads.grad_input1, g1.data, tolerance(g1.data), 0.999999);
        EXPECT_CLOSE(grads.grad_input2, g2.data, tolerance(g2.data), 0.999999);
    }
}

TEST(SpatialCorrelation, FlattenedViewIsTheSameMemory) {
    const auto in1 = random_nchw({2, 3, 5, 6}, 1), in2 = random_nchw({2, 3, 5, 6}, 2);
    const auto out = ops::spatial_correlation_forward_cpu(in1.view(), in2.view(),
                                                          ops::make_spatial_correlation_params(1, 3));
    const auto flat = ops::flatten_patch_dims(out);
    EXPECT_EQ(flat.shape, (std::vector<int64_t>{2, 9, 5, 6}));
    EXPECT_TRUE(bitwise_equal(flat.data, out.data));
}

TEST(SpatialCorrelation, FlowNetCPresetIs21x21DisplacementsStep2) {
    const auto p = ops::spatial_correlation_flownetc_preset();
    EXPECT_EQ(p.kH, 1);
    EXPECT_EQ(p.patchH, 21);
    EXPECT_EQ(p.dilation_patchW, 2);
    const NchwShape shape{1, 6, 23, 26};
    EXPECT_EQ(ops::spatial_correlation_output_shape(p, shape), (std::array<int64_t, 5>{1, 21, 21, 23, 26}));
    expect_matches_direct_formula(p, shape, 10);
}

TEST(SpatialCorrelation, Tracker9x9PresetGives81ChannelsAtInputResolution) {
    const auto p = ops::spatial_correlation_tracker_9x9_preset();
    const NchwShape shape{2, 5, 11, 13};
    const auto in1 = random_nchw(shape, 3), in2 = random_nchw(shape, 4);
    const auto flat =
        ops::flatten_patch_dims(ops::spatial_correlation_forward_cpu(in1.view(), in2.view(), p));
    EXPECT_EQ(flat.shape, (std::vector<int64_t>{2, 81, 11, 13}));
    // Channel 0 is displacement (-4, -4): out[b, 0, h, w] = sum_c in1[h, w] * in2[h - 4, w - 4].
    const int64_t b = 1, h = 7, w = 9, C = 5, H = 11, W = 13;
    double expected = 0;
    for (int64_t c = 0; c < C; ++c) {
        expected +=
            double(in1.data[((b * C + c) * H + h) * W + w]) * in2.data[((b * C + c) * H + h - 4) * W + w - 4];
    }
    EXPECT_NEAR(flat.data[((b * 81 + 0) * H + h) * W + w], expected, 1e-5);
    expect_matches_direct_formula(p, shape, 5);
}

TEST(SpatialCorrelation, PwcNetPresetIsPatchOfTwiceMaxDisplacementPlusOne) {
    const auto p4 = ops::spatial_correlation_pwcnet_preset(4);
    EXPECT_EQ(p4.patchH, 9);
    EXPECT_EQ(p4.patchW, 9);
    EXPECT_EQ(p4.kH, 1);
    const auto p2 = ops::spatial_correlation_pwcnet_preset(2);
    const NchwShape shape{1, 7, 9, 12};
    EXPECT_EQ(ops::spatial_correlation_output_shape(p2, shape), (std::array<int64_t, 5>{1, 5, 5, 9, 12}));
    expect_matches_direct_formula(p2, shape, 7);
    expect_matches_direct_formula(p4, shape, 8);
}

// The seed's "kernel-based mode" arguments sum the k x k window into one channel (as the original does);
// one channel per displacement is kernel 1, patch k.
TEST(SpatialCorrelation, SeedKernelModeArgumentsSumTheWindowIntoOneChannel) {
    const NchwShape shape{1, 4, 6, 7};
    const auto in1 = random_nchw(shape, 11), in2 = random_nchw(shape, 12);
    const auto box = ops::spatial_correlation_forward_cpu(in1.view(), in2.view(),
                                                          ops::make_spatial_correlation_params(3, 1, 1, 1));
    EXPECT_EQ(box.shape, (std::vector<int64_t>{1, 1, 1, 6, 7}));
    const int64_t H = 6, W = 7, C = 4, h = 0, w = 3;  // window rows -1..1: row -1 is skipped
    double expected = 0;
    for (int64_t y = h - 1; y <= h + 1; ++y)
        for (int64_t x = w - 1; x <= w + 1; ++x)
            for (int64_t c = 0; c < C && y >= 0; ++c) {
                expected += double(in1.data[(c * H + y) * W + x]) * in2.data[(c * H + y) * W + x];
            }
    EXPECT_NEAR(box.data[h * W + w], expected, 1e-5);

    const auto per_displacement = ops::flatten_patch_dims(ops::spatial_correlation_forward_cpu(
        in1.view(), in2.view(), ops::spatial_correlation_displacement_preset(3)));
    EXPECT_EQ(per_displacement.shape, (std::vector<int64_t>{1, 9, 6, 7}));
    // Channel 0 = displacement (-1, -1).
    double d0 = 0;
    for (int64_t c = 0; c < C; ++c)
        d0 += double(in1.data[(c * H + 2) * W + 3]) * in2.data[(c * H + 1) * W + 2];
    EXPECT_NEAR(per_displacement.data[2 * W + 3], d0, 1e-5);
}

TEST(SpatialCorrelation, EvenPatchAndPairArgumentsFollowTheCpuFormula) {
    expect_matches_direct_formula(
        ops::make_spatial_correlation_params({2, 1}, {4, 2}, {2, 1}, {1, 0}, {1, 2}, {3, 1}), {2, 3, 10, 9},
        21);
}

// kernel_size 1 and stride 1 take the channels-first path (rows of shifted planes, vectorised over the
// row): rows long enough for full vector blocks and ragged tails, even patches, dilated patches, padding
// wider than the shifts and shifts wider than the image.
TEST(SpatialCorrelation, UnitKernelPathMatchesTheFormulaOnOddShapesPatchesAndPadding) {
    expect_matches_direct_formula(ops::make_spatial_correlation_params(1, 9), {2, 5, 13, 71}, 61);
    expect_matches_direct_formula(ops::make_spatial_correlation_params(1, {4, 6}, 1, {1, 2}, 1, {2, 3}),
                                  {1, 37, 11, 53}, 62);
    expect_matches_direct_formula(ops::make_spatial_correlation_params(1, 21, 1, 0, 1, 2), {1, 3, 7, 40}, 63);
    expect_matches_direct_formula(ops::make_spatial_correlation_params(1, 5, 1, 3), {1, 16, 9, 150}, 64);
}

// Patches wider than the image and windows mostly in the padding: every out-of-image term is skipped.
TEST(SpatialCorrelation, TinyImagesAndOversizedPatchesFollowTheFormula) {
    expect_matches_direct_formula(ops::make_spatial_correlation_params(1, 7), {1, 3, 2, 3}, 51);
    expect_matches_direct_formula(ops::make_spatial_correlation_params(3, 5, 1, 2), {2, 2, 1, 1}, 52);
    expect_matches_direct_formula(
        ops::make_spatial_correlation_params({1, 3}, {3, 1}, {2, 1}, {3, 0}, {4, 1}), {1, 17, 2, 4}, 53);
}

TEST(SpatialCorrelation, GradientsMatchFiniteDifferences) {
    const NchwShape shape{1, 2, 4, 5};
    const auto p = ops::make_spatial_correlation_params(3, {3, 2}, 1, 1, 1, {1, 2});
    const auto in1 = random_nchw(shape, 31), in2 = random_nchw(shape, 32);
    const auto oshape = ops::spatial_correlation_output_shape(p, shape);
    const auto grad_out = random_values(oshape[0] * oshape[1] * oshape[2] * oshape[3] * oshape[4], 33);
    const auto grads = ops::spatial_correlation_backward_cpu(grad_out, in1.view(), in2.view(), p);
    // The op is linear in each input, so central differences are exact up to rounding.
    auto f1 = [&](const std::vector<float>& x) {
        return ops::spatial_correlation_forward_cpu({x, shape}, in2.view(), p).data;
    };
    auto f2 = [&](const std::vector<float>& x) {
        return ops::spatial_correlation_forward_cpu(in1.view(), {x, shape}, p).data;
    };
    expect_close_to_double(grads.grad_input1, finite_difference(f1, in1.data, grad_out, 0.25f), 1e-4);
    expect_close_to_double(grads.grad_input2, finite_difference(f2, in2.data, grad_out, 0.25f), 1e-4);
}

TEST(SpatialCorrelation, ResultsAreBitIdenticalForAnyThreadCount) {
    const NchwShape shape{2, 19, 12, 15};
    const auto p = ops::make_spatial_correlation_params(3, 5, {1, 2}, 1, 1, 2);
    const auto in1 = random_nchw(shape, 41), in2 = random_nchw(shape, 42);
    auto run = [&] {
        auto out = ops::spatial_correlation_forward_cpu(in1.view(), in2.view(), p);
        auto grads = ops::spatial_correlation_backward_cpu(out.data, in1.view(), in2.view(), p);
        return std::make_pair(out.data, grads);
    };
    const auto one = with_threads(1, run), three = with_threads(4, run);
    EXPECT_TRUE(bitwise_equal(one.first, three.first));
    EXPECT_TRUE(bitwise_equal(one.second.grad_input1, three.second.grad_input1));
    EXPECT_TRUE(bitwise_equal(one.second.grad_input2, three.second.grad_input2));
}

TEST(SpatialCorrelation, RejectsBadArgumentsWithPreciseMessages) {
    const NchwShape shape{1, 2, 5, 5};
    const auto in = random_nchw(shape, 1);
    auto fwd = [&](SpatialCorrelationParams p) {
        return [=] { ops::spatial_correlation_forward_cpu(in.view(), in.view(), p); };
    };
    EXPECT_THROW_MSG(fwd(ops::make_spatial_correlation_params(1, 1, {0, 1}))(), InvalidArgument,
                     "spatial_correlation: stride must be >= 1 in both dims, got (0, 1)");
    EXPECT_THROW_MSG(fwd(ops::make_spatial_correlation_params(1, 1, 1, {0, -1}))(), InvalidArgument,
                     "spatial_correlation: padding must be >= 0 in both dims, got (0, -1)");
    EXPECT_THROW_MSG(fwd(ops::make_spatial_correlation_params(1, 1, 1, 0, 0))(), InvalidArgument,
                     "spatial_correlation: dilation must be >= 1 in both dims, got (0, 0)");
    EXPECT_THROW_MSG(fwd(ops::make_spatial_correlation_params(1, 3, 1, 0, 1, {2, 0}))(), InvalidArgument,
                     "spatial_correlation: dilation_patch must be >= 1 in both dims, got (2, 0)");
    EXPECT_THROW_MSG(fwd(ops::make_spatial_correlation_params(1, 0))(), InvalidArgument,
                     "spatial_correlation: patch_size must be >= 1 in both dims, got (0, 0)");
    EXPECT_THROW_MSG(fwd(ops::make_spatial_correlation_params({0, 1}))(), InvalidArgument,
                     "spatial_correlation: kernel_size must be >= 1 in both dims, got (0, 1)");
    EXPECT_THROW_MSG(
        fwd(ops::make_spatial_correlation_params(4, 1, 1, 0, 2))(), InvalidArgument,
        "spatial_correlation: output size must be >= 1, but the dilated kernel (7, 7) is larger than "
        "the padded input (5, 5)");
    const auto other = random_nchw({1, 2, 5, 6}, 2);
    EXPECT_THROW_MSG(ops::spatial_correlation_forward_cpu(in.view(), other.view(), {}), InvalidArgument,
                     "spatial_correlation: input1 and input2 must have the same shape, got [1, 2, 5, 5] and "
                     "[1, 2, 5, 6]");
    EXPECT_THROW_MSG(
        ops::spatial_correlation_forward_cpu({std::span(in.data).first(7), shape}, in.view(), {}),
        InvalidArgument, "spatial_correlation: input1 has 7 values but its shape [1, 2, 5, 5] needs 50");
    EXPECT_THROW_MSG(
        ops::spatial_correlation_backward_cpu(std::vector<float>(3), in.view(), in.view(), {}),
        InvalidArgument,
        "spatial_correlation: grad_output must have 25 values (output shape [1, 1, 1, 5, 5]), got 3");
}

}  // namespace
}  // namespace tilesim::testing
