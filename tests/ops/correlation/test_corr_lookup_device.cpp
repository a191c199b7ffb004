// RAFT's correlation lookup on the simulated device (AlternateCorrBlock route) against the CPU reference:
// random odd shapes, levels and radii, coordinates outside the map and non-finite ones, bfloat16, the
// RAFT preset through the front end, determinism, the L1 plan for RAFT's real shapes, and the limits.
#include <gtest/gtest.h>

#include <ostream>

#include <limits>

#include "common/cb_buffering.hpp"
#include "common/prediction_invariance.hpp"
#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "correlation_device_test_util.hpp"
#include "ops/correlation/corr_lookup_device.hpp"
#include "tilesim/device_spec.hpp"

using namespace tilesim;
using namespace tilesim::ops;
using namespace tilesim::testing;

namespace {
// Coordinates around the map (x in [-3, W + 3), y in [-3, H + 3)), some of them NaN or infinite.
Tensor random_coords(uint32_t b, uint32_t h, uint32_t w, uint32_t seed) {
    Tensor coords = random_tensor(Shape{b, 2, h, w}, seed, 0.f, 1.f);
    auto v = coords.data<float>();
    for (size_t i = 0; i < v.size(); ++i) {
        const bool is_x = (i / (h * w)) % 2 == 0;
        v[i] = v[i] * (float(is_x ? w : h) + 6.f) - 3.f;
    }
    v[3] = std::numeric_limits<float>::quiet_NaN();
    v[h * w + 5] = std::numeric_limits<float>::infinity();
    v[7] = -1e12f;
    return coords;
}

struct Case {
    const char* name;
    Shape fmap;  // [B, C, H, W]
    int levels, radius;
};
// gtest prints the parameter in test listings: its name is enough.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

std::vector<Case> cases() {
    return {{"TwoLevelsRadius2", Shape{2, 19, 7, 9}, 2, 2},
            {"ThreeLevelsRadius1TwoChannelTiles", Shape{1, 40, 12, 10}, 3, 1},
            {"OneLevelRadius0", Shape{1, 5, 5, 6}, 1, 0}};
}

class CorrLookupDevice : public ::testing::TestWithParam<Case> {};
}  // namespace

TEST_P(CorrLookupDevice, Float32MatchesCpuReference) {
    const Case& c = GetParam();
    const Tensor f1 = random_tensor(c.fmap, 31), f2 = random_tensor(c.fmap, 32);
    const Tensor coords = random_coords(c.fmap[0], c.fmap[2], c.fmap[3], 33);
    const Tensor expected = corr_lookup(f1, f2, coords, c.levels, c.radius, cpu_args()).output;
    const auto sim = corr_lookup(f1, f2, coords, c.levels, c.radius, sim_args());
    ASSERT_EQ(sim.output.shape(), expected.shape());
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 2e-6 * scale_of(expected), 0.999999);
}

TEST_P(CorrLookupDevice, BFloat16MatchesCpuReferenceByPcc) {
    const Case& c = GetParam();
    const Tensor f1 = random_tensor(c.fmap, 34), f2 = random_tensor(c.fmap, 35);
    const Tensor coords = random_coords(c.fmap[0], c.fmap[2], c.fmap[3], 36);
    const Tensor expected =
        corr_lookup(f1, f2, coords, c.levels, c.radius, cpu_args(DataType::BFloat16)).output;
    const auto sim = corr_lookup(f1, f2, coords, c.levels, c.radius, sim_args(DataType::BFloat16));
    // Outputs are dot products / sqrt(C) (|out| ~ 1): bf16 products, sums, weights and pooled levels.
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 0.03, 0.999);
}

INSTANTIATE_TEST_SUITE_P(Cases, CorrLookupDevice, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CorrLookupDevicePreset, FourLevelsRadiusFourGive324ChannelsAndMatchTheReference) {
    const Shape s{1, 8, 16, 10};  // levels 16x10, 8x5, 4x2, 2x1
    const Tensor f1 = random_tensor(s, 37), f2 = random_tensor(s, 38);
    const Tensor coords = random_coords(1, 16, 10, 39);
    const auto preset = corr_lookup_preset();
    const auto sim = corr_lookup(f1, f2, coords, preset.num_levels, preset.radius, sim_args());
    EXPECT_EQ(sim.output.shape(), (Shape{1, 324, 16, 10}));
    EXPECT_EQ(sim.program->fact("row_blocks"), 4u);  // 100 window cells per level
    const Tensor expected = corr_lookup(f1, f2, coords, preset.num_levels, preset.radius, cpu_args()).output;
    EXPECT_CLOSE(sim.output.to_floats(), expected.to_floats(), 2e-6 * scale_of(expected), 0.999999);
}

TEST(CorrLookupDeviceRuns, BitwiseIdenticalOnOneAndTwoHostThreads) {
    const Shape s{1, 21, 6, 8};
    const Tensor f1 = random_tensor(s, 40), f2 = random_tensor(s, 41);
    const Tensor coords = random_coords(1, 6, 8, 42);
    const auto one = corr_lookup(f1, f2, coords, 2, 2, sim_args(DataType::BFloat16, 1));
    const auto two = corr_lookup(f1, f2, coords, 2, 2, sim_args(DataType::BFloat16, 2));
    EXPECT_TRUE(bitwise_equal(one.output, two.output));
}

TEST(CorrLookupDevicePlan, FourLevelsOf55x128MapsFitL1WithoutTheCorrelationVolume) {
    // RAFT at 1/8 of 436x1024: 55x128 feature maps of 256 channels, 4 levels, radius 4.
    Device device(load_device("wormhole_b0"));
    const NchwShape fmap{1, 256, 55, 128};
    for (DataType dtype : {DataType::Float32, DataType::BFloat16}) {
        DeviceRunOptions o;
        o.dtype = dtype;
        const ProgramSummary p = corr_lookup_device_plan(device, fmap, 4, 4, o);
        EXPECT_EQ(p.units, 55u * 128);
        EXPECT_EQ(p.num_cores, 64u);
        EXPECT_EQ(p.fact("channel_tiles"), 8u);
        const uint64_t elem = element_size(dtype);
        // The two largest CBs: the double-buffered row blocks of 32 sticks of 256 channels.
        EXPECT_EQ(p.cbs[0].total_size(), 2 * 8 * 1024 * elem);
        EXPECT_EQ(p.cbs[2].total_size(), 2 * 8 * 1024 * elem);
        // Far below the 1.43 MiB of L1, and far below one query's slice of the volume at level 0
        // (55 * 128 values) times the queries a core handles.
        EXPECT_LT(p.cb_bytes_per_core, p.l1_bytes_per_core / 4);
        EXPECT_EQ(p.l1_bytes_per_core, 1499136u);
    }
}

TEST(CorrLookupDeviceErrors, LimitsAndBadArgumentsAreRefusedPrecisely) {
    const Shape s{1, 3, 8, 8};
    const Tensor f = random_tensor(s, 43);
    const Tensor coords = random_coords(1, 8, 8, 44);
    EXPECT_THROW_MSG(corr_lookup(f, f, coords, 4, 6, sim_args()), InvalidArgument,
                     "corr_lookup (sim): num_levels 4 x (2 radius + 1)^2 = 676 outputs per query");
    Device device(load_device("wormhole_b0"));
    EXPECT_THROW_MSG(corr_lookup_device_plan(device, NchwShape{1, 3, 1024, 1024}, 9, 0), InvalidArgument,
                     "the simulated program supports at most 8 levels and 512 outputs");
    EXPECT_THROW_MSG(corr_lookup(f, f, coords, 5, 1, sim_args()), InvalidArgument,
                     "corr_lookup: level 4 of the pyramid would be 0x0");
    EXPECT_THROW_MSG(corr_lookup(f, f, coords, 1, -1, sim_args()), InvalidArgument,
                     "corr_lookup: radius must be >= 0, got -1");
    EXPECT_THROW_MSG(corr_lookup(f, f, random_tensor(Shape{1, 2, 8, 7}, 45), 1, 1, sim_args()),
                     InvalidArgument, "corr_lookup: coords must be [B, 2, H, W] = [1, 2, 8, 8]");
    EXPECT_THROW_MSG(corr_lookup(f, random_tensor(Shape{1, 4, 8, 8}, 46), coords, 1, 1, sim_args()),
                     InvalidArgument, "corr_lookup: fmap1 and fmap2 must have the same shape");
}

TEST(CorrLookupDeviceRuns, PredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const Tensor f1 = random_tensor(Shape{1, 5, 8, 9}, 71), f2 = random_tensor(Shape{1, 5, 8, 9}, 72);
    const Tensor coords = random_coords(1, 8, 9, 73);
    expect_prediction_is_host_invariant([&](const RunOptions& o) {
        auto args = sim_args();
        args.core_grid = {2, 2};
        args.run = o;
        return corr_lookup(f1, f2, coords, 2, 1, args);
    });
}

// A second page of the streamed CBs lets the lookup reader run ahead of compute, but the reader's own scalar
// work dominates on every shipped device, so the gain is small: measured on wormhole_b0, 2x2 cores, 457782 /
// 450146 / 450146 cycles at buffering 1 / 2 / 4 (1.7% fewer from 1 to 2; 1.6-1.8% over 8-256 channels with 2
// levels, radius 1; at most 1% with other level counts and radii). Pinned: at least 1% fewer.
TEST(CorrLookupDeviceRuns, DeeperCbBufferingIsNeverSlowerAndFasterOnAPinnedShape) {
    const Tensor f1 = random_tensor(Shape{1, 32, 8, 9}, 74), f2 = random_tensor(Shape{1, 32, 8, 9}, 75);
    const Tensor coords = random_coords(1, 8, 9, 76);
    const BufferingRuns runs = run_with_buffering_1_2_4([&](uint32_t factor) {
        auto args = sim_args(DataType::Float32, 1);
        args.core_grid = {2, 2};
        args.buffering_factor = factor;
        return corr_lookup(f1, f2, coords, 2, 1, args);
    });
    const std::string what = "corr_lookup 32 channels, 2 levels, radius 1";
    expect_deeper_buffering_never_slower(runs, what);
    EXPECT_LT(runs[1].cycles, 0.99 * runs[0].cycles) << what << ": " << describe(runs);
}
