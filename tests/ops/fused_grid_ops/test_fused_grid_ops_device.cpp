// The simulated sample_sum and sample_dot programs against the CPU references on odd shapes (float32 and
// bf16), their determinism, the work split they report, and what they refuse.
#include <gtest/gtest.h>

#include <cmath>

#include "common/cb_buffering.hpp"
#include "common/prediction_invariance.hpp"
#include "common/expect_throw_msg.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"
#include "ops/fused_grid_ops/fused_grid_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

Tensor to_tensor(const HostArray<float>& a) {
    return Tensor::from_floats(Shape(std::vector<uint32_t>(a.shape.begin(), a.shape.end())), a.data);
}

struct DeviceProblem {
    FusedGridProblem p;
    Tensor images, samples, weights, queries, depths;
    explicit DeviceProblem(FusedGridProblem problem)
        : p(std::move(problem)),
          images(to_tensor(p.images)),
          samples(to_tensor(p.samples)),
          weights(to_tensor(p.weights)),
          queries(to_tensor(p.queries)),
          depths(to_tensor(p.depths)) {}
    FusedGridOpsResult sum(const DeviceRunOptions& a) const {
        return sample_sum(images, samples, weights, a);
    }
    FusedGridOpsResult dot(const DeviceRunOptions& a) const {
        return sample_dot(images, samples, queries, depths, p.octaves, a);
    }
};

DeviceRunOptions sim_args(DataType dtype = DataType::Float32, uint32_t threads = 2) {
    DeviceRunOptions a;
    a.backend = Backend::Sim;
    a.dtype = dtype;
    a.run.host_threads = threads;
    return a;
}

double max_abs(const std::vector<float>& v) {
    double m = 0;
    for (float x : v) m = std::max(m, double(std::abs(x)));
    return m;
}

// b, c, h, w, q, d, hd, octaves: odd sizes; d = 37 spans two groups of 32 samples in sample_dot and five
// blocks of 8 in sample_sum; c = 45 pads rows to 64 values.
const FusedGridShape kOdd{2, 45, 13, 17, 7, 37, 3, 4};

TEST(FusedGridOpsDevice, SampleSumFloat32MatchesCpuReference) {
    const DeviceProblem d(random_fused_problem(kOdd, 1));
    const auto sim = d.sum(sim_args());
    ASSERT_EQ(sim.output.shape(), (Shape{2, 3, 7, 45}));
    EXPECT_TRUE(matches(sim.output.to_floats(), d.p.sum().data, 2e-6));
}

TEST(FusedGridOpsDevice, SampleDotFloat32MatchesCpuReference) {
    const DeviceProblem d(random_fused_problem(kOdd, 2));
    const auto sim = d.dot(sim_args());
    ASSERT_EQ(sim.output.shape(), (Shape{2, 3, 7, 37}));
    EXPECT_TRUE(matches(sim.output.to_floats(), d.p.dot().data, 2e-6));
}

TEST(FusedGridOpsDevice, BFloat16MatchesCpuReferencesWithinBf16Accuracy) {
    const DeviceProblem d(random_fused_problem(kOdd, 3));
    const std::vector<float> sum = d.p.sum().data, dot = d.p.dot().data;
    // bf16 images, weights and DEST: ~3 significant digits per term.
    EXPECT_CLOSE(d.sum(sim_args(DataType::BFloat16)).output.to_floats(), sum, 0.015 * max_abs(sum), 0.999);
    EXPECT_CLOSE(d.dot(sim_args(DataType::BFloat16)).output.to_floats(), dot, 0.015 * max_abs(dot), 0.999);
}

TEST(FusedGridOpsDevice, CpuBackendInBFloat16RoundsImagesQueriesAndTheOutput) {
    FusedGridProblem p = random_fused_problem({1, 12, 5, 6, 3, 7, 2, 2}, 10);
    const DeviceProblem d(p);
    DeviceRunOptions a;
    a.dtype = DataType::BFloat16;
    for (auto* array : {&p.images, &p.queries}) {
        for (float& v : array->data) v = round_to_bf16(v);
    }
    std::vector<float> sum = p.sum().data, dot = p.dot().data;
    for (auto* out : {&sum, &dot}) {
        for (float& v : *out) v = round_to_bf16(v);
    }
    EXPECT_TRUE(identical(d.sum(a).output.to_floats(), sum));
    EXPECT_TRUE(identical(d.dot(a).output.to_floats(), dot));
}

TEST(FusedGridOpsDevice, EdgeChannelSplitsMatch) {
    // No query channels (c = 2 * octaves), no encoding (octaves = 0), 8 channel tiles, 16 (all of DEST).
    for (const FusedGridShape& s :
         {FusedGridShape{1, 8, 5, 6, 3, 5, 2, 4}, FusedGridShape{1, 19, 6, 5, 4, 9, 1, 0},
          FusedGridShape{1, 256, 4, 7, 3, 33, 2, 3}}) {
        const DeviceProblem d(random_fused_problem(s, 4));
        EXPECT_TRUE(matches(d.dot(sim_args()).output.to_floats(), d.p.dot().data, 2e-6)) << "c = " << s.c;
        EXPECT_TRUE(matches(d.sum(sim_args()).output.to_floats(), d.p.sum().data, 2e-6)) << "c = " << s.c;
    }
}

TEST(FusedGridOpsDevice, SamplesOutsideTheImageReadZeros) {
    FusedGridProblem p = random_fused_problem({1, 16, 6, 7, 3, 11, 2, 2}, 5);
    const float far[] = {1.5f, -1.5f, NAN, INFINITY, -INFINITY, 1.1f};
    for (size_t i = 0; i < p.samples.data.size(); i += 3) p.samples.data[i] = far[(i / 3) % std::size(far)];
    const DeviceProblem d(std::move(p));
    EXPECT_TRUE(matches(d.sum(sim_args()).output.to_floats(), d.p.sum().data, 2e-6));
    EXPECT_TRUE(matches(d.dot(sim_args()).output.to_floats(), d.p.dot().data, 2e-6));
}

TEST(FusedGridOpsDevice, ResultsAreBitwiseIdenticalOnOneAndTwoHostThreads) {
    const DeviceProblem d(random_fused_problem({2, 37, 9, 11, 5, 13, 3, 2}, 6));
    for (DataType dtype : {DataType::Float32, DataType::BFloat16}) {
        EXPECT_TRUE(identical(d.sum(sim_args(dtype, 1)).output.to_floats(),
                              d.sum(sim_args(dtype, 2)).output.to_floats()));
        EXPECT_TRUE(identical(d.dot(sim_args(dtype, 1)).output.to_floats(),
                              d.dot(sim_args(dtype, 2)).output.to_floats()));
    }
}

TEST(FusedGridOpsDevice, ReportsOneUnitPerBatchHeadAndQuery) {
    const DeviceProblem d(random_fused_problem({2, 24, 5, 6, 11, 7, 3, 2}, 7));
    for (const auto& r : {d.sum(sim_args()), d.dot(sim_args())}) {
        ASSERT_TRUE(r.program && r.report);
        // 66 units on 64 cores: 2 cores do 2, 62 do 1.
        EXPECT_EQ(r.program->units, 66u);
        EXPECT_EQ(r.program->num_cores, 64u);
        EXPECT_EQ(r.program->cores_group_1, 2u);
        EXPECT_EQ(r.program->units_per_core_group_1, 2u);
        EXPECT_EQ(r.report->total_units(), 66u);
    }
    EXPECT_EQ(d.sum(sim_args()).program->factory, "sample_sum");
    EXPECT_EQ(d.dot(sim_args()).program->factory, "sample_dot");
}

TEST(FusedGridOpsDevice, RefusesBadShapesAndLimitsPrecisely) {
    DeviceProblem d(random_fused_problem({2, 8, 5, 6, 3, 4, 2, 1}, 8));
    const DeviceRunOptions a = sim_args();
    d.weights = to_tensor(HostArray<float>({2, 2, 3, 5}));
    EXPECT_THROW_MSG(d.sum(a), InvalidArgument,
                     "sample_sum (sim): weights must be [b (from images), hd, q, d (from samples)] = "
                     "[2, 2, 3, 4], got [2, 2, 3, 5]");
    d.queries = to_tensor(HostArray<float>({2, 2, 3, 7}));
    EXPECT_THROW_MSG(d.dot(a), InvalidArgument,
                     "sample_dot (sim): queries must be [b (from images), hd, q (from samples), c - "
                     "2 * num_octaves] = [2, 2, 3, 6], got [2, 2, 3, 7]");
    d.p.octaves = 5;
    EXPECT_THROW_MSG(d.dot(a), InvalidArgument,
                     "sample_dot (sim): num_octaves = 5 must be in [0, c / 2] with c = 8");
    d.samples = to_tensor(HostArray<float>({2, 3, 4, 3}));
    EXPECT_THROW_MSG(d.dot(a), InvalidArgument,
                     "sample_dot (sim): samples must be [b (from images), q, d, 2] = [2, 3, 4, 2], "
                     "got [2, 3, 4, 3]");
    const DeviceProblem wide(random_fused_problem({1, 520, 3, 3, 2, 2, 1, 0}, 9));
    EXPECT_THROW_MSG(wide.sum(a), InvalidArgument,
                     "sample_sum (sim): C=520 needs 17 channel tiles; DEST holds 16 (C <= 512");
    const DeviceProblem empty(random_fused_problem({1, 4, 3, 3, 0, 2, 1, 0}, 9));
    EXPECT_THROW_MSG(empty.sum(a), InvalidArgument,
                     "sample_sum (sim): zero-sized dimension (b=1, h=3, w=3, c=4, q=0, d=2, hd=1)");
}

TEST(FusedGridOpsDevice, SampleSumPredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const DeviceProblem d(random_fused_problem({1, 9, 5, 6, 7, 5, 2, 2}, 41));
    expect_prediction_is_host_invariant([&](const RunOptions& o) {
        DeviceRunOptions a = sim_args();
        a.core_grid = {2, 2};
        a.run = o;
        return d.sum(a);
    });
}

TEST(FusedGridOpsDevice, SampleDotPredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const DeviceProblem d(random_fused_problem({1, 9, 5, 6, 7, 5, 2, 2}, 42));
    expect_prediction_is_host_invariant([&](const RunOptions& o) {
        DeviceRunOptions a = sim_args();
        a.core_grid = {2, 2};
        a.run = o;
        return d.dot(a);
    });
}

// sample_sum and sample_dot share the sampling programs' shape: compute tilizes each sample block and
// pops it at once, and the reader's soft-float coordinate and weight work per sample far exceeds the
// compute's. Measured on wormhole_b0, 2x2 cores: sample_sum 431701 and sample_dot 277208 cycles at
// buffering 1, 2 and 4 alike (sample_sum also over 8-512 channels and 5-40 samples): only "never slower"
// is pinned, and the CBs growing with the factor shows the factor reaches the program.
TEST(FusedGridOpsDevice, DeeperCbBufferingIsNeverSlower) {
    const DeviceProblem d(random_fused_problem({1, 64, 9, 11, 7, 8, 3, 4}, 43));
    for (const bool dot : {false, true}) {
        const BufferingRuns runs = run_with_buffering_1_2_4([&](uint32_t factor) {
            DeviceRunOptions a = sim_args(DataType::Float32, 1);
            a.core_grid = {2, 2};
            a.buffering_factor = factor;
            return dot ? d.dot(a) : d.sum(a);
        });
        expect_deeper_buffering_never_slower(runs, dot ? "sample_dot 64 channels" : "sample_sum 64 channels");
    }
}

}  // namespace
}  // namespace tilesim::testing
