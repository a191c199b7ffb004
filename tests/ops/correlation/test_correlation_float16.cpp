// The correlation family on float16 inputs (dtype Float16): inputs rounded to fp16, the math in fp32, the
// output rounded to fp16, as the original packages run half tensors. Against PyTorch fixtures
// (tests/golden/gen_correlation_fp16.py: fp32 math on x.half().float(), results rounded to fp16), forward
// through the front ends and backward through the references; the simulated device refuses float16.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "common/cuda_test.hpp"
#include "correlation_golden_params.hpp"
#include "correlation_test_utils.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/correlation/correlation.hpp"
#include "ops/correlation/spatial_correlation_device.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/device_spec.hpp"

namespace tilesim::testing {
namespace {

constexpr double kMinPcc = 0.9999;

const std::vector<GoldenCase>& fixtures() {
    static const std::vector<GoldenCase> cases = load_golden("correlation_fp16.json");
    return cases;
}

std::string op_of(const GoldenCase& c) {
    return c.params.at("op").get<std::string>();
}

Tensor tensor_of(const GoldenTensor& t, DataType dtype) {
    return Tensor::from_floats(Shape(std::vector<uint32_t>(t.shape.begin(), t.shape.end())), t.data, dtype);
}

// One fp16 ulp at the largest magnitude of `expected`: where fp32 sums taken in another order round to
// the neighbouring half.
double fp16_ulp_of_max(std::span<const float> expected) {
    float m = 0;
    for (float v : expected) m = std::max(m, std::abs(v));
    return m < std::ldexp(1.0f, -14) ? std::ldexp(1.0, -24) : std::ldexp(1.0, std::ilogb(m) - 10);
}

void expect_fp16_close(std::span<const float> actual, std::span<const float> expected, const char* what) {
    EXPECT_CLOSE(actual, expected, fp16_ulp_of_max(expected), kMinPcc) << what;
}

bool all_fp16(std::span<const float> v) {
    return std::all_of(v.begin(), v.end(), [](float x) { return round_to_fp16(x) == x; });
}

// Runs the fixture case's op through its front end, on `inputs` (feature maps as given, coords Float32).
ops::CorrelationResult run_case(const GoldenCase& c, const Tensor& a, const Tensor& b,
                                const ops::DeviceRunOptions& run) {
    const std::string op = op_of(c);
    if (op == "spatial_correlation") return ops::spatial_correlation(a, b, spatial_params_of(c), run);
    if (op == "flownet_correlation") return ops::flownet_correlation(a, b, flownet_params_of(c), run);
    const int levels = c.params.at("num_levels").get<int>(), radius = c.params.at("radius").get<int>();
    return ops::corr_lookup(a, b, tensor_of(c.tensor("coords"), DataType::Float32), levels, radius, run);
}

// The fixture's two feature maps: input1/input2, or fmap1/fmap2 for the RAFT lookup.
std::pair<GoldenTensor, GoldenTensor> feature_maps(const GoldenCase& c) {
    return c.has("input1") ? std::pair{c.tensor("input1"), c.tensor("input2")}
                           : std::pair{c.tensor("fmap1"), c.tensor("fmap2")};
}

ops::DeviceRunOptions on(ops::Backend backend, DataType dtype) {
    ops::DeviceRunOptions a;
    a.backend = backend;
    a.dtype = dtype;
    return a;
}

TEST(CorrelationFloat16, FrontEndsOnHalfTensorsMatchPyTorchFixtures) {
    ASSERT_GE(fixtures().size(), 7u);
    for (const auto& c : fixtures()) {
        SCOPED_TRACE(c.name);
        const auto [a, b] = feature_maps(c);
        const auto r = run_case(c, tensor_of(a, DataType::Float16), tensor_of(b, DataType::Float16),
                                on(ops::Backend::Cpu, DataType::Float16));
        const GoldenTensor expected = c.tensor("output");
        EXPECT_EQ(r.output.dtype(), DataType::Float32);
        EXPECT_EQ(r.output.shape().dims(),
                  std::vector<uint32_t>(expected.shape.begin(), expected.shape.end()));
        const auto out = r.output.to_floats();
        EXPECT_TRUE(all_fp16(out));
        expect_fp16_close(out, expected.data, "output");
    }
}

// fp16 = the fp32 computation on the rounded inputs, then the output rounded: bit for bit.
TEST(CorrelationFloat16, IsTheFloat32ResultOfRoundedInputsRoundedToHalf) {
    for (const auto& c : fixtures()) {
        SCOPED_TRACE(c.name);
        const auto [a, b] = feature_maps(c);
        // float32 inputs off the fp16 grid by less than a quarter of an fp16 ulp: Float16 rounds them back.
        auto nudged = [](GoldenTensor t) {
            for (float& v : t.data) v *= 1.0f + 1.0f / 8192;
            return tensor_of(t, DataType::Float32);
        };
        const auto half = run_case(c, nudged(a), nudged(b), on(ops::Backend::Cpu, DataType::Float16));
        const auto fp32 = run_case(c, tensor_of(a, DataType::Float16), tensor_of(b, DataType::Float16),
                                   on(ops::Backend::Cpu, DataType::Float32));
        const auto h = half.output.to_floats(), f = fp32.output.to_floats();
        ASSERT_EQ(h.size(), f.size());
        std::vector<float> f_rounded(f.size());
        for (size_t i = 0; i < f.size(); ++i) f_rounded[i] = round_to_fp16(f[i]);
        EXPECT_TRUE(bitwise_equal(h, f_rounded));
        EXPECT_FALSE(all_fp16(f));  // the float32 run itself is not rounded
    }
}

TEST(CorrelationFloat16, BackwardOnHalfValuesMatchesAutogradRoundedToHalf) {
    for (const auto& c : fixtures()) {
        SCOPED_TRACE(c.name);
        const std::string op = op_of(c);
        const auto [ga, gb] = feature_maps(c);
        const OwnedNchw a = from_golden(ga), b = from_golden(gb);
        const auto gout = c.tensor("grad_output").data;
        ops::CorrelationGrads g;
        if (op == "spatial_correlation") {
            g = ops::spatial_correlation_backward_cpu(gout, a.view(), b.view(), spatial_params_of(c));
        } else if (op == "flownet_correlation") {
            g = ops::flownet_correlation_backward_cpu(gout, a.view(), b.view(), flownet_params_of(c));
        } else {
            const OwnedNchw coords = from_golden(c.tensor("coords"));
            g = ops::corr_lookup_backward_cpu(gout, a.view(), b.view(), coords.view(),
                                              c.params.at("num_levels").get<int>(),
                                              c.params.at("radius").get<int>());
        }
        const bool raft = op == "corr_lookup";
        for (auto [got, name] : {std::pair{&g.grad_input1, raft ? "grad_fmap1" : "grad_input1"},
                                 std::pair{&g.grad_input2, raft ? "grad_fmap2" : "grad_input2"}}) {
            for (float& v : *got) v = round_to_fp16(v);  // what the original returns for half inputs
            expect_fp16_close(*got, c.tensor(name).data, name);
        }
    }
}

TEST(CorrelationFloat16, SimBackendRefusesFloat16InOneLine) {
    const GoldenCase& c = fixtures().front();
    const Tensor a = tensor_of(c.tensor("input1"), DataType::Float16);
    EXPECT_THROW_MSG(run_case(c, a, a, on(ops::Backend::Sim, DataType::Float16)), InvalidArgument,
                     "spatial_correlation: dtype float16 is not a device data type (tt-metal has none); use "
                     "float32 or bfloat16");
    // Half tensors with a device dtype are fine: they are converted (exactly) first.
    const auto r = run_case(c, a, a, on(ops::Backend::Sim, DataType::Float32));
    EXPECT_EQ(r.output.shape().dims(), (std::vector<uint32_t>{1, 5, 5, 9, 11}));
    // The device entry point refuses it too.
    Device device(load_device("wormhole_b0"));
    const Tensor nhwc(Shape{1, 9, 11, 5}, DataType::Float32);
    ops::DeviceRunOptions o;
    o.dtype = DataType::Float16;
    EXPECT_THROW_MSG(ops::spatial_correlation_device(device, nhwc, nhwc, spatial_params_of(c), o, {}),
                     InvalidArgument, "spatial_correlation (sim): dtype float16 is not a device data type");
}

TEST(CorrelationFloat16, OtherDtypesAreRefusedListingTheAcceptedOnes) {
    const GoldenCase& c = fixtures().front();
    const Tensor a = tensor_of(c.tensor("input1"), DataType::Float32);
    EXPECT_THROW_MSG(run_case(c, a, a, on(ops::Backend::Cpu, DataType::Bfp8_b)), InvalidArgument,
                     "dtype must be float32, bfloat16 or float16, got bfp8_b");
}

using CorrelationFloat16Cuda = CudaTest;

TEST_F(CorrelationFloat16Cuda, MatchesTheCpuReference) {
    for (const auto& c : fixtures()) {
        SCOPED_TRACE(c.name);
        const auto [ga, gb] = feature_maps(c);
        const Tensor a = tensor_of(ga, DataType::Float16), b = tensor_of(gb, DataType::Float16);
        const auto gpu = run_case(c, a, b, on(ops::Backend::Cuda, DataType::Float16)).output.to_floats();
        const auto cpu = run_case(c, a, b, on(ops::Backend::Cpu, DataType::Float16)).output.to_floats();
        EXPECT_TRUE(all_fp16(gpu));
        expect_fp16_close(gpu, cpu, "cuda output");
    }
}

}  // namespace
}  // namespace tilesim::testing
