// The simulated deformable aggregation program against the CPU reference on SparseDrive-like odd shapes
// (float32 and bf16), its determinism, the work split and CBs it reports, and what it refuses.
#include <gtest/gtest.h>

#include <cmath>

#include "common/cb_buffering.hpp"
#include "common/prediction_invariance.hpp"
#include "common/expect_throw_msg.hpp"
#include "ops/deformable_aggregation/deformable_aggregation.hpp"
#include "ops/deformable_aggregation/deformable_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

template <class T>
Tensor to_tensor(const HostArray<T>& a) {
    std::vector<float> v(a.data.begin(), a.data.end());
    return Tensor::from_floats(Shape(std::vector<uint32_t>(a.shape.begin(), a.shape.end())), v);
}

// A problem as the op front end takes it (integer tensors as float32 holding integers, as .npy files hold
// them).
struct DeviceProblem {
    DeformableProblem p;
    Tensor feat, spatial_shape, start_index, loc, weights;
    explicit DeviceProblem(DeformableProblem problem)
        : p(std::move(problem)),
          feat(to_tensor(p.formatted.mc_ms_feat)),
          spatial_shape(to_tensor(p.formatted.spatial_shape)),
          start_index(to_tensor(p.formatted.scale_start_index)),
          loc(to_tensor(p.loc)),
          weights(to_tensor(p.weights)) {}
    DeformableAggregationResult run(const DeviceRunOptions& a) const {
        return deformable_aggregation(feat, spatial_shape, start_index, loc, weights, a);
    }
};

DeviceRunOptions sim_args(DataType dtype = DataType::Float32, uint32_t threads = 2) {
    DeviceRunOptions a;
    a.backend = Backend::Sim;
    a.dtype = dtype;
    a.run.host_threads = threads;
    return a;
}

// SparseDrive's layout, scaled down: 6 cameras, 4 scales of odd sizes, 13 points per anchor, 8 groups.
const DeformableShape kSparseDriveLike{2, 6, {{15, 27}, {9, 13}, {5, 7}, {3, 4}}, 37, 13, 64, 8};

double max_abs(const std::vector<float>& v) {
    double m = 0;
    for (float x : v) m = std::max(m, double(std::abs(x)));
    return m;
}

TEST(DeformableAggregationDevice, Float32MatchesCpuReferenceOnSparseDriveLikeShapes) {
    const DeviceProblem d(random_problem(kSparseDriveLike, 7));
    const auto sim = d.run(sim_args());
    const std::vector<float> expected = d.p.forward().data;
    ASSERT_EQ(sim.output.shape(), (Shape{2, 37, 64}));
    EXPECT_TRUE(matches(sim.output.to_floats(), expected, 2e-6));
}

TEST(DeformableAggregationDevice, BFloat16MatchesCpuReferenceWithinBf16Accuracy) {
    const DeviceProblem d(random_problem(kSparseDriveLike, 8));
    const auto sim = d.run(sim_args(DataType::BFloat16));
    const std::vector<float> expected = d.p.forward().data;
    // bf16 features, weight products and DEST: ~3 significant digits per term, over ~150 kept samples.
    EXPECT_CLOSE(sim.output.to_floats(), expected, 0.015 * max_abs(expected), 0.999);
}

TEST(DeformableAggregationDevice, BFloat16WithFp32DestIsCloserThanWithBf16Dest) {
    const DeviceProblem d(random_problem(kSparseDriveLike, 9));
    const std::vector<float> expected = d.p.forward().data;
    DeviceRunOptions a = sim_args(DataType::BFloat16);
    const auto bf16_dest = compare(d.run(a).output.to_floats(), expected);
    a.fp32_dest_acc_en = true;
    const auto fp32_dest = compare(d.run(a).output.to_floats(), expected);
    EXPECT_LT(fp32_dest.max_abs_error, bf16_dest.max_abs_error);
    EXPECT_GT(fp32_dest.pcc, 0.9999);
}

TEST(DeformableAggregationDevice, CpuBackendInBFloat16RoundsTheFeaturesAndTheOutput) {
    DeformableProblem p = random_problem({1, 2, {{5, 7}, {3, 3}}, 6, 4, 16, 4}, 10);
    const DeviceProblem d(p);
    DeviceRunOptions a;
    a.dtype = DataType::BFloat16;
    for (float& v : p.formatted.mc_ms_feat.data) v = round_to_bf16(v);
    std::vector<float> expected = p.forward().data;
    for (float& v : expected) v = round_to_bf16(v);
    EXPECT_TRUE(identical(d.run(a).output.to_floats(), expected));
}

TEST(DeformableAggregationDevice, WideAndUnalignedChannelCountsMatch) {
    // C = 512 (16 channel tiles: all of DEST), C = 256 and C = 40 (rows padded to 64 values; 5 groups of 8).
    for (const DeformableShape& s : {DeformableShape{1, 2, {{5, 7}}, 3, 2, 512, 8},
                                     DeformableShape{1, 3, {{11, 9}, {5, 6}}, 9, 5, 256, 8},
                                     DeformableShape{2, 2, {{7, 13}, {4, 3}, {2, 2}}, 11, 7, 40, 5}}) {
        const DeviceProblem d(random_problem(s, 3));
        EXPECT_TRUE(matches(d.run(sim_args()).output.to_floats(), d.p.forward().data, 2e-6))
            << "C = " << s.channels;
    }
}

TEST(DeformableAggregationDevice, AnchorsWithoutKeptSamplesGiveZeros) {
    // Locations in [1, 2): every sample is skipped (loc >= 1), so every anchor sends zero blocks.
    const DeviceProblem d(random_problem({1, 2, {{5, 7}}, 5, 3, 32, 4}, 4, 1.f, 2.f));
    const auto sim = d.run(sim_args());
    for (float v : sim.output.to_floats()) EXPECT_EQ(v, 0.f);
}

TEST(DeformableAggregationDevice, LocationsOnTheBoundaryAreSkippedAsSparseDriveSkipsThem) {
    DeformableProblem p = random_problem({1, 1, {{6, 9}}, 4, 8, 32, 2}, 5, 0.1f, 0.9f);
    const float edges[] = {0.f, 1.f, -0.f, std::nextafter(1.f, 0.f), std::nextafter(0.f, 1.f), NAN};
    for (size_t i = 0; i < std::size(edges) * 2; ++i) p.loc.data[3 * i] = edges[i % std::size(edges)];
    const DeviceProblem d(std::move(p));
    EXPECT_TRUE(matches(d.run(sim_args()).output.to_floats(), d.p.forward().data, 2e-6));
}

TEST(DeformableAggregationDevice, ResultsAreBitwiseIdenticalOnOneAndTwoHostThreads) {
    const DeviceProblem d(random_problem({2, 3, {{9, 11}, {4, 5}}, 13, 7, 64, 4}, 6));
    for (DataType dtype : {DataType::Float32, DataType::BFloat16}) {
        const auto one = d.run(sim_args(dtype, 1)).output.to_floats();
        const auto two = d.run(sim_args(dtype, 2)).output.to_floats();
        EXPECT_TRUE(identical(one, two)) << to_string(dtype);
    }
}

TEST(DeformableAggregationDevice, ReportsOneUnitPerAnchorSplitOverTheCores) {
    const DeviceProblem d(random_problem({2, 2, {{5, 7}, {3, 3}}, 37, 3, 48, 3}, 7));
    DeviceRunOptions a = sim_args();
    a.core_grid = {4, 5};
    const auto sim = d.run(a);
    ASSERT_TRUE(sim.program && sim.report);
    // 74 anchors on 20 cores: 14 cores do 4, 6 do 3 (split_work_to_cores).
    EXPECT_EQ(sim.program->units, 74u);
    EXPECT_EQ(sim.program->num_cores, 20u);
    EXPECT_EQ(sim.program->cores_group_1, 14u);
    EXPECT_EQ(sim.program->units_per_core_group_1, 4u);
    EXPECT_EQ(sim.program->cores_group_2, 6u);
    EXPECT_EQ(sim.program->units_per_core_group_2, 3u);
    EXPECT_EQ(sim.report->total_units(), 74u);
    // Blocks of 32 rows of ceil(48 / 32) * 32 = 64 float32 values.
    for (const auto& cb : sim.program->cbs) {
        if (cb.index == 4 || cb.index == 5) {
            EXPECT_EQ(cb.page_size, 32u * 64 * 4) << cb.holds;
        }
    }
    EXPECT_EQ(sim.program->kernels.size(), 3u);
}

TEST(DeformableAggregationDevice, RefusesMoreThan512Channels) {
    const DeviceProblem d(random_problem({1, 1, {{2, 3}}, 2, 1, 544, 4}, 1));
    EXPECT_THROW_MSG((void)d.run(sim_args()), InvalidArgument,
                     "deformable_aggregation (sim): C=544 needs 17 channel tiles; DEST holds 16 (C <= 512 "
                     "supported on the simulated device");
}

TEST(DeformableAggregationDevice, RefusesShapesAsTheReferenceDoes) {
    DeviceProblem d(random_problem({2, 3, {{5, 7}, {3, 4}}, 7, 3, 12, 3}, 1));
    d.weights = to_tensor(HostArray<float>({2, 7, 3, 3, 4, 3}));
    EXPECT_THROW_MSG((void)d.run(sim_args()), InvalidArgument,
                     "deformable_aggregation (sim): weights must be [bs, num_anchor, num_pts (from "
                     "sampling_location), num_cams, num_scale (from spatial_shape), num_groups] = "
                     "[2, 7, 3, 3, 2, 3], got [2, 7, 3, 3, 4, 3]");
    d.weights = to_tensor(HostArray<float>({2, 7, 3, 3, 2, 5}));
    EXPECT_THROW_MSG((void)d.run(sim_args()), InvalidArgument,
                     "C = 12 (mc_ms_feat) must be a multiple of num_groups = 5");
}

TEST(DeformableAggregationDevice, RefusesNonIntegerSpatialShapesOnEveryBackend) {
    DeviceProblem d(random_problem({1, 2, {{5, 7}}, 3, 2, 8, 2}, 1));
    d.spatial_shape = Tensor::from_floats(Shape{2, 1, 2}, std::vector<float>{5.f, 7.5f, 5.f, 7.f});
    for (Backend b : {Backend::Cpu, Backend::Sim}) {
        DeviceRunOptions a = sim_args();
        a.backend = b;
        EXPECT_THROW_MSG((void)d.run(a), InvalidArgument,
                         "deformable_aggregation: spatial_shape must hold non-negative integers (stored as "
                         "float32), got 7.5 at flat index 1");
    }
    d.spatial_shape = to_tensor(d.p.formatted.spatial_shape);
    d.start_index = Tensor::from_floats(Shape{2, 1}, std::vector<float>{0.f, -35.f});
    EXPECT_THROW_MSG((void)d.run(sim_args()), InvalidArgument,
                     "scale_start_index must hold non-negative integers (stored as float32), got -35");
}

TEST(DeformableAggregationDevice, RefusesBadDeviceOptions) {
    const DeviceProblem d(random_problem({1, 1, {{3, 3}}, 2, 1, 8, 2}, 1));
    DeviceRunOptions a = sim_args(DataType::Bfp8_b);
    EXPECT_THROW_MSG((void)d.run(a), InvalidArgument,
                     "deformable_aggregation: dtype must be float32 or bfloat16, got");
    a = sim_args();
    a.core_grid = {9, 1};
    EXPECT_THROW_MSG(
        (void)d.run(a), InvalidArgument,
        "deformable_aggregation (sim): core grid 9x1 must be non-empty and fit the device's worker "
        "grid 8x8");
    a = sim_args();
    a.buffering_factor = 0;
    EXPECT_THROW_MSG((void)d.run(a), InvalidArgument, "buffering factor must be in [1, 64], got 0");
}

TEST(DeformableAggregationDevice, PredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const DeviceProblem d(random_problem({2, 3, {{5, 7}, {3, 4}}, 7, 3, 12, 3}, 31));
    expect_prediction_is_host_invariant([&](const RunOptions& o) {
        DeviceRunOptions a = sim_args();
        a.core_grid = {2, 2};
        a.run = o;
        return d.run(a);
    });
}

// The sampling program's compute tilizes each value / weight block and pops it at once, so one page
// already lets the reader refill it while compute multiplies and sums; and the reader's scalar work (soft-
// float coordinates and bilinear weights per sample on the RISC-V) far exceeds the compute's. Measured on
// wormhole_b0, 2x2 cores: 210308 cycles at buffering 1, 2 and 4 alike: no
// shape on a shipped device makes the block CBs the bound, so only "never slower" is pinned, and the CBs
// growing with the factor shows the factor reaches the program.
TEST(DeformableAggregationDevice, DeeperCbBufferingIsNeverSlower) {
    const DeviceProblem d(random_problem({1, 2, {{5, 7}, {3, 4}}, 13, 4, 32, 4}, 32));
    const BufferingRuns runs = run_with_buffering_1_2_4([&](uint32_t factor) {
        DeviceRunOptions a = sim_args(DataType::Float32, 1);
        a.core_grid = {2, 2};
        a.buffering_factor = factor;
        return d.run(a);
    });
    expect_deeper_buffering_never_slower(
        runs, "deformable_aggregation 32 channels, 4 points x 2 cameras x 2 scales");
}

}  // namespace
}  // namespace tilesim::testing
