// The spatial correlation sampler on the simulated device against the CPU reference: random odd shapes
// and argument combinations (float32 tight, bfloat16 by PCC and max abs error), the presets' shapes through
// the front end, determinism across host threads, the factory's decisions, and what it refuses.
#include <gtest/gtest.h>

#include <ostream>

#include "common/cb_buffering.hpp"
#include "common/prediction_invariance.hpp"
#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "correlation_device_test_util.hpp"
#include "ops/correlation/spatial_correlation_device.hpp"
#include "tilesim/device_spec.hpp"

using namespace tilesim;
using namespace tilesim::ops;
using namespace tilesim::testing;

namespace {
struct Case {
    const char* name;
    Shape shape;  // [B, C, H, W]
    SpatialCorrelationParams params;
};
// gtest prints the parameter in test listings: its name is enough.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

std::vector<Case> cases() {
    return {
        {"Patch5", Shape{2, 7, 9, 11}, make_spatial_correlation_params(1, 5)},
        {"Kernel3Stride2Pad1Dilation2", Shape{1, 37, 10, 13},
         make_spatial_correlation_params(3, IntPair(3, 5), 2, 1, 2)},
        {"DilationPatch2TwoBlocks", Shape{2, 33, 8, 9}, make_spatial_correlation_params(1, 7, 1, 0, 1, 2)},
        {"EvenPatchPairKernel", Shape{1, 5, 7, 12},
         make_spatial_correlation_params(IntPair(2, 3), 4, IntPair(1, 2), IntPair(1, 0))},
    };
}

class SpatialCorrelationDevice : public ::testing::TestWithParam<Case> {};
}  // namespace

TEST_P(SpatialCorrelationDevice, Float32MatchesCpuReference) {
    const Case& c = GetParam();
    const Tensor a = random_tensor(c.shape, 1), b = random_tensor(c.shape, 2);
    const Tensor expected = spatial_correlation(a, b, c.params, cpu_args()).output;
    const auto sim = spatial_correlation(a, b, c.params, sim_args());
    ASSERT_EQ(sim.output.shape(), expected.shape());
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 2e-6 * scale_of(expected), 0.999999);
}

TEST_P(SpatialCorrelationDevice, BFloat16MatchesCpuReferenceByPcc) {
    const Case& c = GetParam();
    const Tensor a = random_tensor(c.shape, 3), b = random_tensor(c.shape, 4);
    const Tensor expected = spatial_correlation(a, b, c.params, cpu_args(DataType::BFloat16)).output;
    const auto sim = spatial_correlation(a, b, c.params, sim_args(DataType::BFloat16));
    // bf16 products and bf16 DEST accumulation (fp32_dest_acc_en off, as tt-metal for bf16): a few bf16
    // ulps of the output's scale.
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 0.02 * scale_of(expected), 0.999);
}

INSTANTIATE_TEST_SUITE_P(Cases, SpatialCorrelationDevice, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SpatialCorrelationDevicePresets, OutputShapesAndValuesThroughTheFrontEnd) {
    const Tensor a = random_tensor(Shape{1, 6, 11, 13}, 5), b = random_tensor(Shape{1, 6, 11, 13}, 6);
    const struct {
        const char* preset;
        Shape shape, flat;
    } presets[] = {{"flownetc", Shape{1, 21, 21, 11, 13}, Shape{1, 441, 11, 13}},
                   {"tracker9x9", Shape{1, 9, 9, 11, 13}, Shape{1, 81, 11, 13}},
                   {"pwcnet", Shape{1, 9, 9, 11, 13}, Shape{1, 81, 11, 13}}};
    for (const auto& p : presets) {
        const auto params = spatial_correlation_preset(p.preset);
        const auto sim = spatial_correlation(a, b, params, sim_args());
        EXPECT_EQ(sim.output.shape(), p.shape) << p.preset;
        EXPECT_EQ(flatten_spatial_correlation(sim.output).shape(), p.flat) << p.preset;
        const Tensor expected = spatial_correlation(a, b, params, cpu_args()).output;
        EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 2e-6 * scale_of(expected), 0.999999)
            << p.preset;
    }
}

TEST(SpatialCorrelationDevicePresets, FlownetcDisplacementChannelIsTheShiftedProduct) {
    // Channel (ph, pw) of FlowNetC holds in1(y, x) . in2(y + 2 (ph - 10), x + 2 (pw - 10)): check one
    // in-image displacement against the formula directly.
    const Shape s{1, 3, 7, 9};
    const Tensor a = random_tensor(s, 7), b = random_tensor(s, 8);
    const auto out =
        spatial_correlation(a, b, spatial_correlation_preset("flownetc"), sim_args()).output.to_floats();
    const auto x = a.to_floats(), y = b.to_floats();
    const int ph = 11, pw = 9, oy = 2, ox = 4;  // displacement (dy, dx) = (2, -2)
    float expected = 0;
    for (int c = 0; c < 3; ++c) expected += x[(c * 7 + oy) * 9 + ox] * y[(c * 7 + oy + 2) * 9 + ox - 2];
    EXPECT_NEAR(out[((ph * 21 + pw) * 7 + oy) * 9 + ox], expected, 1e-6);
}

TEST(SpatialCorrelationDeviceRuns, BitwiseIdenticalOnOneAndTwoHostThreads) {
    const Tensor a = random_tensor(Shape{2, 19, 6, 7}, 9), b = random_tensor(Shape{2, 19, 6, 7}, 10);
    const auto p = make_spatial_correlation_params(3, 5, 1, 1);
    for (DataType dtype : {DataType::Float32, DataType::BFloat16}) {
        const auto one = spatial_correlation(a, b, p, sim_args(dtype, 1));
        const auto two = spatial_correlation(a, b, p, sim_args(dtype, 2));
        EXPECT_TRUE(bitwise_equal(one.output, two.output)) << to_string(dtype);
        EXPECT_EQ(one.report->predicted_cycles, two.report->predicted_cycles);
    }
}

TEST(SpatialCorrelationDeviceRuns, ReportsTheWorkSplitAndCircularBuffers) {
    const Tensor a = random_tensor(Shape{2, 40, 6, 7}, 11), b = random_tensor(Shape{2, 40, 6, 7}, 12);
    const auto r = spatial_correlation(a, b, make_spatial_correlation_params(3, 7, 1, 1), sim_args());
    const ProgramSummary& p = *r.program;
    EXPECT_EQ(p.factory, "patch_correlation");
    EXPECT_EQ(p.units, 2u * 6 * 7);  // one unit per output pixel
    EXPECT_EQ(p.num_cores, 64u);     // 84 units on the 8x8 Wormhole grid: 20 cores do 2, 44 do 1
    EXPECT_EQ(p.cores_group_1, 20u);
    EXPECT_EQ(p.units_per_core_group_1, 2u);
    EXPECT_EQ(p.units_per_core_group_2, 1u);
    EXPECT_EQ(p.fact("channel_tiles"), 2u);
    EXPECT_EQ(p.fact("row_blocks"), 2u);  // 49 displacements
    ASSERT_EQ(p.cbs.size(), 8u);          // a 3x3 kernel window carries partial sums between taps
    EXPECT_EQ(p.cbs[6].index, 6u);
    EXPECT_EQ(p.cbs[6].num_pages, 2u);
    EXPECT_EQ(p.cbs[0].page_size, 2u * 4096);  // 32 rows x 64 channels x 4 B
    EXPECT_EQ(r.report->cores.size(), 64u);
    EXPECT_EQ(r.report->cores.front().units, 2u);
}

TEST(SpatialCorrelationDeviceRuns, CoreGridAndBufferingFactorLeaveTheResultUnchanged) {
    const Tensor a = random_tensor(Shape{1, 9, 5, 8}, 13), b = random_tensor(Shape{1, 9, 5, 8}, 14);
    const auto p = make_spatial_correlation_params(1, 3);
    auto args = sim_args();
    const auto base = spatial_correlation(a, b, p, args);
    args.core_grid = {2, 3};
    args.buffering_factor = 1;
    const auto small = spatial_correlation(a, b, p, args);
    EXPECT_EQ(small.program->num_cores, 6u);
    EXPECT_TRUE(bitwise_equal(base.output, small.output));
}

TEST(SpatialCorrelationDeviceErrors, BadArgumentsAreRefusedPrecisely) {
    const Tensor a = random_tensor(Shape{1, 3, 5, 6}, 15);
    const auto p = make_spatial_correlation_params(1, 3);
    auto bfp8 = sim_args();
    bfp8.dtype = DataType::Bfp8_b;
    EXPECT_THROW_MSG(spatial_correlation(a, a, p, bfp8), InvalidArgument,
                     "spatial_correlation: dtype must be float32 or bfloat16, got bfp8_b");
    auto grid = sim_args();
    grid.core_grid = {9, 1};
    EXPECT_THROW_MSG(
        spatial_correlation(a, a, p, grid), InvalidArgument,
        "spatial_correlation (sim): core grid 9x1 must be non-empty and fit the device's worker grid 8x8");
    auto buffering = sim_args();
    buffering.buffering_factor = 0;
    EXPECT_THROW_MSG(spatial_correlation(a, a, p, buffering), InvalidArgument,
                     "buffering factor must be in [1, 64], got 0");
    auto cpu_grid = cpu_args();
    cpu_grid.core_grid = {2, 2};
    EXPECT_THROW_MSG(
        spatial_correlation(a, a, p, cpu_grid), InvalidArgument,
        "spatial_correlation: core grid and buffering factor apply to backend 'sim' only (backend is "
        "'cpu')");
    EXPECT_THROW_MSG(spatial_correlation(a, random_tensor(Shape{1, 3, 5, 7}, 16), p, sim_args()),
                     InvalidArgument,
                     "input1 and input2 must have the same shape, got [1, 3, 5, 6] and [1, 3, 5, 7]");
    EXPECT_THROW_MSG(spatial_correlation(a.reshape(Shape{3, 5, 6}), a.reshape(Shape{3, 5, 6}), p, sim_args()),
                     InvalidArgument, "spatial_correlation: input1 must be [N, C, H, W], got [3, 5, 6]");
    EXPECT_THROW_MSG(spatial_correlation(a, a, make_spatial_correlation_params(1, 0), sim_args()),
                     InvalidArgument, "patch_size must be >= 1 in both dims, got (0, 0)");
    EXPECT_THROW_MSG(spatial_correlation_preset("flownet"), InvalidArgument,
                     "preset must be one of flownetc, tracker9x9, pwcnet; got 'flownet'");
    EXPECT_THROW_MSG(flatten_spatial_correlation(a), InvalidArgument,
                     "expected a [B, patchH, patchW, oH, oW] output, got [1, 3, 5, 6]");
}

TEST(SpatialCorrelationDeviceErrors, CircularBuffersLargerThanL1AreRefusedWithByteCounts) {
    // 8192 channels: a row block of 32 sticks is 1 MiB in float32.
    Device device(load_device("wormhole_b0"));
    const Tensor a = random_tensor(Shape{1, 1, 1, 8192}, 17);
    EXPECT_THROW_MSG(spatial_correlation_device(device, a, a, make_spatial_correlation_params(1, 1)),
                     OutOfMemory, "program does not fit in L1 on core (x=0,y=0)");
}

TEST(SpatialCorrelationDeviceErrors, CudaBackendMatchesTheCpuReferenceOrSaysItIsUnavailable) {
    const Tensor a = random_tensor(Shape{1, 2, 3, 3}, 18), b = random_tensor(Shape{1, 2, 3, 3}, 19);
    const auto p = make_spatial_correlation_params(1, 3);
    auto args = cpu_args();
    args.backend = Backend::Cuda;
    try {
        const Tensor out = spatial_correlation(a, b, p, args).output;  // a build with CUDA on a GPU machine
        EXPECT_CLOSE(out.to_floats(), spatial_correlation(a, b, p, cpu_args()).output.to_floats(), 1e-5,
                     0.99999);
    } catch (const BackendUnavailable& e) {  // no CUDA toolkit, or no GPU: one message naming the op
        EXPECT_NE(std::string(e.what()).find("spatial_correlation"), std::string::npos) << e.what();
    }
}

TEST(SpatialCorrelationDeviceRuns, PredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const Tensor a = random_tensor(Shape{1, 5, 5, 7}, 51), b = random_tensor(Shape{1, 5, 5, 7}, 52);
    const auto p = make_spatial_correlation_params(3, 3, 1, 1);
    expect_prediction_is_host_invariant([&](const RunOptions& o) {
        auto args = sim_args();
        args.core_grid = {2, 2};
        args.run = o;
        return spatial_correlation(a, b, p, args);
    });
}

// The patch program's compute tilizes each row block and pops it at once, so one page already lets the
// reader refill it while compute multiplies, and the reader's scalar work (per-row addressing, zeroing) is
// several times the compute's: deeper buffering only overlaps the edges of the stream. Measured on
// wormhole_b0, 2x2 cores: 235018 / 234046 / 234046 cycles at buffering 1 / 2 / 4 (0.4% fewer from 1 to 2;
// 0.4-0.7% over 96-512 channels, float32 and bfloat16), so only "faster at all" is pinned.
TEST(SpatialCorrelationDeviceRuns, DeeperCbBufferingIsNeverSlowerAndSlightlyFaster) {
    const Tensor a = random_tensor(Shape{1, 96, 5, 7}, 53), b = random_tensor(Shape{1, 96, 5, 7}, 54);
    const auto p = make_spatial_correlation_params(1, 7);
    const BufferingRuns runs = run_with_buffering_1_2_4([&](uint32_t factor) {
        auto args = sim_args(DataType::Float32, 1);
        args.core_grid = {2, 2};
        args.buffering_factor = factor;
        return spatial_correlation(a, b, p, args);
    });
    const std::string what = "spatial_correlation 96 channels, patch 7";
    expect_deeper_buffering_never_slower(runs, what);
    EXPECT_LT(runs[1].cycles, runs[0].cycles) << what << ": " << describe(runs);
}
