// Properties of the sample_sum / sample_dot CPU references that do not need PyTorch: gradients ==
// finite differences, the positional-encoding order, zeros padding for NaN / far samples, and results
// independent of the thread count.
#include <cmath>
#include <limits>
#include <numbers>

#include <gtest/gtest.h>

#include "ops/fused_grid_ops/fused_grid_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

// Grid points whose pixel coordinates stay at least 0.15 from a pixel boundary, so that a finite-difference
// step of 0.01 (at most 0.05 pixels here) never crosses one; some lie in the zero padding.
void place_smooth_samples(FusedGridProblem& p, std::mt19937& rng) {
    const int64_t H = p.images.shape[2], W = p.images.shape[3];
    std::uniform_real_distribution<float> frac(0.15f, 0.85f);
    for (size_t i = 0; i < p.samples.data.size(); ++i) {
        const int64_t size = i % 2 == 0 ? W : H;
        std::uniform_int_distribution<int64_t> cell(-1, size - 1);  // -1: half in the zero padding
        const float pixel = static_cast<float>(cell(rng)) + frac(rng);
        // Inverse of grid_sample's x = ((g + 1) * size - 1) / 2.
        p.samples.data[i] = (2.f * pixel + 1.f) / static_cast<float>(size) - 1.f;
    }
}

TEST(SampleSumBackward, GradientsMatchFiniteDifferences) {
    FusedGridProblem p = random_fused_problem({2, 5, 4, 6, 3, 2, 2, 0}, 3);
    std::mt19937 rng(4);
    place_smooth_samples(p, rng);
    const SampleSumGrads g = p.sum_backward();
    auto forward = [&] { return p.sum().data; };
    const auto& r = p.grad_sum_output.data;
    EXPECT_CLOSE(g.grad_images.data, finite_difference(p.images.data, 0.5f, forward, r), 1e-4, 0.99999);
    EXPECT_CLOSE(g.grad_weights.data, finite_difference(p.weights.data, 0.5f, forward, r), 1e-4, 0.99999);
    EXPECT_CLOSE(g.grad_samples.data, finite_difference(p.samples.data, 1e-2f, forward, r), 2e-3, 0.9999);
}

TEST(SampleDotBackward, GradientsMatchFiniteDifferences) {
    FusedGridProblem p = random_fused_problem({2, 7, 5, 3, 3, 2, 2, 2}, 5);
    std::mt19937 rng(6);
    place_smooth_samples(p, rng);
    const SampleDotGrads g = p.dot_backward();
    auto forward = [&] { return p.dot().data; };
    const auto& r = p.grad_dot_output.data;
    EXPECT_CLOSE(g.grad_images.data, finite_difference(p.images.data, 0.5f, forward, r), 1e-4, 0.99999);
    EXPECT_CLOSE(g.grad_queries.data, finite_difference(p.queries.data, 0.5f, forward, r), 1e-4, 0.99999);
    EXPECT_CLOSE(g.grad_samples.data, finite_difference(p.samples.data, 1e-2f, forward, r), 2e-3, 0.9999);
    // sin(depth * 4π + φ): the third derivative bounds the central-difference error at ~1e-3 for eps 1e-3.
    EXPECT_CLOSE(g.grad_depths.data, finite_difference(p.depths.data, 1e-3f, forward, r), 5e-3, 0.9999);
}

TEST(SampleDotForward, PositionalEncodingIsOrderedOctaveThenPhase) {
    // Only image channel c_q + k is 1 (everywhere), queries are 0: the output is pe_k(depth).
    const int64_t octaves = 3, cq = 2, C = cq + 2 * octaves;
    FusedGridProblem p = random_fused_problem({1, C, 3, 3, 1, 1, 1, octaves}, 7);
    std::fill(p.queries.data.begin(), p.queries.data.end(), 0.f);
    p.samples.data = {0.f, 0.f};  // the centre pixel, fully inside
    p.depths.data = {0.37f};
    for (int64_t k = 0; k < 2 * octaves; ++k) {
        std::fill(p.images.data.begin(), p.images.data.end(), 0.f);
        std::fill(p.images.data.begin() + (cq + k) * 9, p.images.data.begin() + (cq + k + 1) * 9, 1.f);
        const double freq = 2 * std::numbers::pi * std::ldexp(1.0, static_cast<int>(k / 2));
        const double expected = std::sin(0.37 * freq + (k % 2) * std::numbers::pi / 2);
        EXPECT_NEAR(p.dot().data[0], expected, 2e-6) << "channel " << k;
    }
}

TEST(FusedGridOps, NanAndFarSamplesReadZerosAndGetNoGradient) {
    FusedGridProblem p = random_fused_problem({1, 4, 3, 5, 2, 3, 2, 1}, 9);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float bad[3][2] = {{nan, 0.f}, {0.2f, std::numeric_limits<float>::infinity()}, {5.f, 0.f}};
    for (int i = 0; i < 3; ++i) {
        p.samples.data[static_cast<size_t>(2 * i)] = bad[i][0];  // q = 0, d = i
        p.samples.data[static_cast<size_t>(2 * i + 1)] = bad[i][1];
    }
    const HostArray<float> sum = p.sum();
    for (int64_t hd = 0; hd < 2; ++hd)
        for (int64_t c = 0; c < 4; ++c)
            EXPECT_EQ(sum.data[static_cast<size_t>(hd * 2 * 4 + c)], 0.f);  // q = 0
    const SampleSumGrads gs = p.sum_backward();
    const SampleDotGrads gd = p.dot_backward();
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(gs.grad_samples.data[static_cast<size_t>(i)], 0.f);
        EXPECT_EQ(gd.grad_samples.data[static_cast<size_t>(i)], 0.f);
    }
    for (float v : gs.grad_images.data) EXPECT_FALSE(std::isnan(v));
    for (float v : gd.grad_images.data) EXPECT_FALSE(std::isnan(v));
}

TEST(FusedGridOps, ResultsDoNotDependOnTheThreadCount) {
    const FusedGridProblem p = random_fused_problem({2, 70, 9, 11, 13, 5, 3, 2}, 11);  // three channel blocks
    auto run = [&] { return std::make_tuple(p.sum(), p.sum_backward(), p.dot(), p.dot_backward()); };
    const auto serial = with_threads(1, run);
    for (int threads : parallel_thread_counts()) {
        const auto parallel = with_threads(threads, run);
        EXPECT_TRUE(identical(std::get<0>(parallel).data, std::get<0>(serial).data));
        EXPECT_TRUE(identical(std::get<1>(parallel).grad_images.data, std::get<1>(serial).grad_images.data));
        EXPECT_TRUE(
            identical(std::get<1>(parallel).grad_samples.data, std::get<1>(serial).grad_samples.data));
        EXPECT_TRUE(
            identical(std::get<1>(parallel).grad_weights.data, std::get<1>(serial).grad_weights.data));
        EXPECT_TRUE(identical(std::get<2>(parallel).data, std::get<2>(serial).data));
        EXPECT_TRUE(identical(std::get<3>(parallel).grad_images.data, std::get<3>(serial).grad_images.data));
        EXPECT_TRUE(
            identical(std::get<3>(parallel).grad_samples.data, std::get<3>(serial).grad_samples.data));
        EXPECT_TRUE(
            identical(std::get<3>(parallel).grad_queries.data, std::get<3>(serial).grad_queries.data));
        EXPECT_TRUE(identical(std::get<3>(parallel).grad_depths.data, std::get<3>(serial).grad_depths.data));
    }
}

}  // namespace
}  // namespace tilesim::testing
