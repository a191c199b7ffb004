// FlowNet's correlation on the simulated device against the CPU reference: multiplication and
// subtraction, kernel windows, strides, padding wider than the search (in1 taps inside the padding),
// bfloat16, the FlowNetC preset, determinism, and what it refuses.
#include <gtest/gtest.h>

#include <ostream>

#include "common/prediction_invariance.hpp"
#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "correlation_device_test_util.hpp"

using namespace tilesim;
using namespace tilesim::ops;
using namespace tilesim::testing;

namespace {
struct Case {
    const char* name;
    Shape shape;  // [N, C, H, W]
    FlowNetCorrelationParams params;
};
// gtest prints the parameter in test listings: its name is enough.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

FlowNetCorrelationParams params(int pad, int kernel, int max_displacement, int stride1, int stride2,
                                bool multiply) {
    return {pad, kernel, max_displacement, stride1, stride2, multiply};
}

std::vector<Case> cases() {
    return {
        {"Multiply", Shape{2, 13, 9, 12}, params(3, 1, 3, 1, 1, true)},
        {"MultiplyKernel3Strides2", Shape{1, 35, 11, 10}, params(4, 3, 4, 2, 2, true)},
        {"Subtract", Shape{2, 6, 7, 8}, params(2, 1, 2, 1, 1, false)},
        {"SubtractKernel3PadWiderThanSearch", Shape{1, 33, 6, 9}, params(5, 3, 2, 1, 1, false)},
    };
}

class FlowNetCorrelationDevice : public ::testing::TestWithParam<Case> {};
}  // namespace

TEST_P(FlowNetCorrelationDevice, Float32MatchesCpuReference) {
    const Case& c = GetParam();
    const Tensor a = random_tensor(c.shape, 21), b = random_tensor(c.shape, 22);
    const Tensor expected = flownet_correlation(a, b, c.params, cpu_args()).output;
    const auto sim = flownet_correlation(a, b, c.params, sim_args());
    ASSERT_EQ(sim.output.shape(), expected.shape());
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 2e-6 * scale_of(expected), 0.999999);
}

TEST_P(FlowNetCorrelationDevice, BFloat16MatchesCpuReferenceByPcc) {
    const Case& c = GetParam();
    const Tensor a = random_tensor(c.shape, 23), b = random_tensor(c.shape, 24);
    const Tensor expected = flownet_correlation(a, b, c.params, cpu_args(DataType::BFloat16)).output;
    const auto sim = flownet_correlation(a, b, c.params, sim_args(DataType::BFloat16));
    // Normalised outputs (|out| < 1): bf16 products, bf16 DEST sums and a bf16 scaler 1 / (k^2 C).
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 0.02, 0.999);
}

INSTANTIATE_TEST_SUITE_P(Cases, FlowNetCorrelationDevice, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FlowNetCorrelationDevicePresets, FlownetcGives441ChannelsAndMatchesTheReference) {
    const Shape s{1, 4, 9, 11};
    const Tensor a = random_tensor(s, 25), b = random_tensor(s, 26);
    const auto p = flownet_correlation_preset("flownetc");
    const auto sim = flownet_correlation(a, b, p, sim_args());
    EXPECT_EQ(sim.output.shape(), (Shape{1, 441, 9, 11}));
    EXPECT_EQ(sim.program->fact("row_blocks"), 14u);  // 441 displacements in blocks of 32
    const Tensor expected = flownet_correlation(a, b, p, cpu_args()).output;
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 2e-6 * scale_of(expected), 0.999999);
}

TEST(FlowNetCorrelationDeviceRuns, SubtractionIsBitwiseIdenticalOnOneAndTwoHostThreads) {
    const Shape s{1, 17, 6, 7};
    const Tensor a = random_tensor(s, 27), b = random_tensor(s, 28);
    const auto p = params(2, 3, 2, 1, 1, false);
    const auto one = flownet_correlation(a, b, p, sim_args(DataType::BFloat16, 1));
    const auto two = flownet_correlation(a, b, p, sim_args(DataType::BFloat16, 2));
    EXPECT_TRUE(bitwise_equal(one.output, two.output));
}

TEST(FlowNetCorrelationDeviceErrors, BadArgumentsAreRefusedPrecisely) {
    const Tensor a = random_tensor(Shape{1, 3, 6, 6}, 29);
    EXPECT_THROW_MSG(flownet_correlation(a, a, params(1, 2, 1, 1, 1, true), sim_args()), InvalidArgument,
                     "flownet_correlation: kernel_size must be odd and >= 1, got 2");
    EXPECT_THROW_MSG(flownet_correlation(a, a, params(0, 1, 4, 1, 1, true), sim_args()), InvalidArgument,
                     "flownet_correlation: output size must be >= 1");
    EXPECT_THROW_MSG(flownet_correlation(a, a, params(1, 1, 1, 0, 1, true), sim_args()), InvalidArgument,
                     "flownet_correlation: stride1 must be >= 1, got 0");
    EXPECT_THROW_MSG(
        flownet_correlation(a, random_tensor(Shape{1, 4, 6, 6}, 30), params(1, 1, 1, 1, 1, true), sim_args()),
        InvalidArgument, "input1 and input2 must have the same shape, got [1, 3, 6, 6] and [1, 4, 6, 6]");
    EXPECT_THROW_MSG(flownet_correlation_preset("pwcnet"), InvalidArgument,
                     "flownet_correlation: preset must be flownetc; got 'pwcnet'");
}

TEST(FlowNetCorrelationDeviceRuns, PredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const Tensor a = random_tensor(Shape{1, 5, 7, 8}, 61), b = random_tensor(Shape{1, 5, 7, 8}, 62);
    expect_prediction_is_host_invariant([&](const RunOptions& o) {
        auto args = sim_args();
        args.core_grid = {2, 2};
        args.run = o;
        return flownet_correlation(a, b, params(2, 3, 2, 1, 1, false), args);
    });
}
