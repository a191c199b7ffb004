// FlowNet correlation layer (flownet2-pytorch correlation_package / Caffe CorrelationLayer) CPU reference.
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "correlation_golden_params.hpp"
#include "correlation_test_utils.hpp"
#include "ops/correlation/flownet_correlation_reference.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::testing {
namespace {

using ops::FlowNetCorrelationParams;
using ops::NchwShape;

// Values on two interleaved grids: every a - b, a and b is at least 1/32 away from 0, so |a - b| has no
// kink within a small finite-difference step.
OwnedNchw grid_values(NchwShape shape, uint32_t seed, bool odd_sixteenths) {
    auto t = random_nchw(shape, seed);
    for (auto& v : t.data) {
        const float k = std::round(v * 8.f);
        v = odd_sixteenths ? (2.f * k + 1.f) / 16.f : k / 8.f + 1.f / 32.f;
    }
    return t;
}

TEST(FlowNetCorrelation, MatchesPyTorchFixturesForwardAndBackward) {
    const auto cases = load_golden("correlation_flownet.json");
    ASSERT_GE(cases.size(), 7u);
    int subtraction_cases = 0;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto in1 = from_golden(c.tensor("input1")), in2 = from_golden(c.tensor("input2"));
        const auto p = flownet_params_of(c);
        subtraction_cases += p.is_multiply ? 0 : 1;
        const auto expected = c.tensor("output");
        const auto out = ops::flownet_correlation_forward_cpu(in1.view(), in2.view(), p);
        EXPECT_EQ(out.shape, expected.shape);
        EXPECT_CLOSE(out.data, expected.data, tolerance(expected.data), 0.999999);
        const auto grads =
            ops::flownet_correlation_backward_cpu(c.tensor("grad_output").data, in1.view(), in2.view(), p);
        const auto g1 = c.tensor("grad_input1"), g2 = c.tensor("grad_input2");
        EXPECT_CLOSE(grads.grad_input1, g1.data, tolerance(g1.data), 0.999999);
        EXPECT_CLOSE(grads.grad_input2, g2.data, tolerance(g2.data), 0.999999);
    }
    EXPECT_GE(subtraction_cases, 2);
}

TEST(FlowNetCorrelation, OutputSizeIsCeilOfPaddedSizeMinusBordersOverStride1) {
    FlowNetCorrelationParams p{
        .pad_size = 0, .kernel_size = 1, .max_displacement = 2, .stride1 = 2, .stride2 = 1};
    // ceil((9 - 4) / 2) = 3, ceil((12 - 4) / 2) = 4; D = 5.
    EXPECT_EQ(ops::flownet_correlation_output_shape(p, {2, 3, 9, 12}), (std::array<int64_t, 4>{2, 25, 3, 4}));
    p = {.pad_size = 2, .kernel_size = 3, .max_displacement = 3, .stride1 = 1, .stride2 = 2};
    // border 4: ceil(9 + 4 - 8) = 5; d = 3 / 2 = 1 -> 9 channels.
    EXPECT_EQ(ops::flownet_correlation_output_shape(p, {1, 3, 9, 9}), (std::array<int64_t, 4>{1, 9, 5, 5}));
}

// In multiply mode, padded zeros add nothing: FlowNet = the spatial sampler with padding
// pad_size - max_displacement, patch D, dilation_patch stride2, divided by kernel_size^2 * C.
TEST(FlowNetCorrelation, MultiplyModeIsTheSpatialSamplerNormalised) {
    const NchwShape shape{2, 6, 11, 14};
    const FlowNetCorrelationParams p{
        .pad_size = 5, .kernel_size = 3, .max_displacement = 4, .stride1 = 2, .stride2 = 2};
    const auto in1 = random_nchw(shape, 51), in2 = random_nchw(shape, 52);
    const auto flownet = ops::flownet_correlation_forward_cpu(in1.view(), in2.view(), p);
    const auto sp = ops::make_spatial_correlation_params(3, 5, 2, 1, 1, 2);
    auto spatial = ops::flatten_patch_dims(ops::spatial_correlation_forward_cpu(in1.view(), in2.view(), sp));
    ASSERT_EQ(flownet.shape, spatial.shape);
    for (auto& v : spatial.data) v /= 9.f * 6.f;
    EXPECT_CLOSE(flownet.data, spatial.data, 1e-6, 0.999999);
}

void expect_gradients_match_finite_differences(const FlowNetCorrelationParams& p, const OwnedNchw& in1,
                                               const OwnedNchw& in2, float eps) {
    const auto oshape = ops::flownet_correlation_output_shape(p, in1.shape);
    const auto grad_out = random_values(oshape[0] * oshape[1] * oshape[2] * oshape[3], 61);
    const auto grads = ops::flownet_correlation_backward_cpu(grad_out, in1.view(), in2.view(), p);
    auto f1 = [&](const std::vector<float>& x) {
        return ops::flownet_correlation_forward_cpu({x, in1.shape}, in2.view(), p).data;
    };
    auto f2 = [&](const std::vector<float>& x) {
        return ops::flownet_correlation_forward_cpu(in1.view(), {x, in2.shape}, p).data;
    };
    expect_close_to_double(grads.grad_input1, finite_difference(f1, in1.data, grad_out, eps), 2e-3);
    expect_close_to_double(grads.grad_input2, finite_difference(f2, in2.data, grad_out, eps), 2e-3);
}

TEST(FlowNetCorrelation, GradientsMatchFiniteDifferencesInBothModes) {
    const NchwShape shape{1, 2, 5, 6};
    const auto in1 = grid_values(shape, 71, true), in2 = grid_values(shape, 72, false);
    FlowNetCorrelationParams p{
        .pad_size = 2, .kernel_size = 3, .max_displacement = 2, .stride1 = 2, .stride2 = 2};
    {
        SCOPED_TRACE("multiply");
        expect_gradients_match_finite_differences(p, in1, in2, 0.25f);  // linear in each input: exact
    }
    p.is_multiply = false;
    {
        SCOPED_TRACE("subtraction");
        expect_gradients_match_finite_differences(p, in1, in2, 1e-2f);
    }
}

TEST(FlowNetCorrelation, ResultsAreBitIdenticalForAnyThreadCount) {
    const NchwShape shape{2, 21, 13, 17};
    const auto in1 = random_nchw(shape, 81), in2 = random_nchw(shape, 82);
    for (bool multiply : {true, false}) {
        const FlowNetCorrelationParams p{.pad_size = 3,
                                         .kernel_size = 3,
                                         .max_displacement = 3,
                                         .stride1 = 1,
                                         .stride2 = 1,
                                         .is_multiply = multiply};
        auto run = [&] {
            auto out = ops::flownet_correlation_forward_cpu(in1.view(), in2.view(), p);
            auto grads = ops::flownet_correlation_backward_cpu(out.data, in1.view(), in2.view(), p);
            return std::make_pair(out.data, grads);
        };
        const auto one = with_threads(1, run), four = with_threads(4, run);
        EXPECT_TRUE(bitwise_equal(one.first, four.first));
        EXPECT_TRUE(bitwise_equal(one.second.grad_input1, four.second.grad_input1));
        EXPECT_TRUE(bitwise_equal(one.second.grad_input2, four.second.grad_input2));
    }
}

TEST(FlowNetCorrelation, RejectsBadArgumentsWithPreciseMessages) {
    const NchwShape shape{1, 2, 6, 7};
    const auto in = random_nchw(shape, 1);
    auto fwd = [&](FlowNetCorrelationParams p) {
        return [=] { ops::flownet_correlation_forward_cpu(in.view(), in.view(), p); };
    };
    EXPECT_THROW_MSG(fwd({.kernel_size = 2})(), InvalidArgument,
                     "flownet_correlation: kernel_size must be odd and >= 1, got 2");
    EXPECT_THROW_MSG(fwd({.kernel_size = 0})(), InvalidArgument,
                     "flownet_correlation: kernel_size must be odd and >= 1, got 0");
    EXPECT_THROW_MSG(fwd({.max_displacement = -1})(), InvalidArgument,
                     "flownet_correlation: max_displacement must be >= 0, got -1");
    EXPECT_THROW_MSG(fwd({.pad_size = -2})(), InvalidArgument,
                     "flownet_correlation: pad_size must be >= 0, got -2");
    EXPECT_THROW_MSG(fwd({.stride1 = 0})(), InvalidArgument,
                     "flownet_correlation: stride1 must be >= 1, got 0");
    EXPECT_THROW_MSG(fwd({.stride2 = 0})(), InvalidArgument,
                     "flownet_correlation: stride2 must be >= 1, got 0");
    EXPECT_THROW_MSG(
        fwd({.pad_size = 0, .kernel_size = 3, .max_displacement = 2})(), InvalidArgument,
        "flownet_correlation: output size must be >= 1, but the padded input (6, 7) is not larger than "
        "2 * border = 6 (border = max_displacement 2 + kernel_rad 1");
    const auto other = random_nchw({1, 3, 6, 7}, 2);
    EXPECT_THROW_MSG(ops::flownet_correlation_forward_cpu(in.view(), other.view(), {}), InvalidArgument,
                     "flownet_correlation: input1 and input2 must have the same shape, got [1, 2, 6, 7] and "
                     "[1, 3, 6, 7]");
    EXPECT_THROW_MSG(
        ops::flownet_correlation_backward_cpu(std::vector<float>(5), in.view(), in.view(), {}),
        InvalidArgument,
        "flownet_correlation: grad_output must have 3402 values (output shape [1, 81, 6, 7]), got 5");
}

}  // namespace
}  // namespace tilesim::testing
