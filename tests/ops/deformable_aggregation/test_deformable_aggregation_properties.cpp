// Properties of the deformable aggregation CPU reference that do not need PyTorch: fused == fallback on
// random odd shapes, gradients == finite differences, SparseDrive's pixel and skip conventions,
// feature_maps_format's layout, and results independent of the thread count.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "ops/deformable_aggregation/deformable_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

TEST(DeformableAggregationFallback, EqualsFusedOnRandomOddShapes) {
    const std::vector<DeformableShape> shapes = {
        {2, 3, {{9, 13}, {5, 7}, {3, 4}}, 11, 5, 57, 3},  // group size 19: vector body and scalar tail
        {1, 6, {{16, 44}, {8, 22}}, 37, 13, 64, 8},
        {3, 1, {{1, 1}}, 3, 1, 3, 1},
    };
    unsigned seed = 11;
    for (const auto& s : shapes) {
        const DeformableProblem p = random_problem(s, seed++);
        const HostArray<float> fused = p.forward();
        EXPECT_TRUE(matches(p.fallback().data, fused.data)) << "C = " << s.channels;
    }
}

TEST(DeformableAggregationForward, PixelCentresReadSinglePixels) {
    // SparseDrive: w_im = loc_x * W - 0.5, so loc_x = (j + 0.5) / W is exactly column j (W = 8 keeps
    // the arithmetic exact).
    DeformableProblem p = random_problem({1, 1, {{4, 8}}, 1, 1, 5, 1}, 3);
    p.loc.data = {(3 + 0.5f) / 8, (2 + 0.5f) / 4};
    p.weights.data = {1.f};
    const HostArray<float> out = p.forward();
    for (int64_t c = 0; c < 5; ++c) EXPECT_EQ(out.data[c], p.maps[0].data[(c * 4 + 2) * 8 + 3]) << c;
}

TEST(DeformableAggregationForward, HalfwayBetweenColumnsAveragesThem) {
    DeformableProblem p = random_problem({1, 1, {{4, 6}}, 1, 1, 2, 1}, 4);
    p.loc.data = {2.f / 6, (1 + 0.5f) / 4};  // w_im = 1.5, h_im = 1
    p.weights.data = {2.f};
    const HostArray<float> out = p.forward();
    for (int64_t c = 0; c < 2; ++c) {
        const float* row = p.maps[0].data.data() + (c * 4 + 1) * 6;
        EXPECT_NEAR(out.data[c], row[1] + row[2], 1e-6) << c;
    }
}

TEST(DeformableAggregationForward, SkipsSamplesOnOrOutsideTheOpenUnitInterval) {
    const DeformableShape s{1, 2, {{5, 7}, {3, 4}}, 1, 6, 8, 2};
    DeformableProblem p = random_problem(s, 5, 0.1f, 0.9f);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float border[6][2] = {{0.f, 0.5f}, {1.f, 0.5f},   {0.5f, 0.f},
                                {0.5f, 1.f}, {-0.3f, 0.5f}, {nan, 0.5f}};
    DeformableProblem zeroed = p;
    for (int pt = 0; pt < 6; ++pt) {
        p.loc.data[(pt * 2 + 1) * 2] = border[pt][0];  // camera 1 of each point
        p.loc.data[(pt * 2 + 1) * 2 + 1] = border[pt][1];
        for (int k = 0; k < 4; ++k) zeroed.weights.data[((pt * 2 + 1) * 2) * 2 + k] = 0.f;  // both scales
    }
    const HostArray<float> out = p.forward();
    EXPECT_TRUE(matches(out.data, zeroed.forward().data));
    const DeformableAggregationGrads g = p.backward();
    for (int pt = 0; pt < 6; ++pt) {
        EXPECT_EQ(g.grad_sampling_location.data[(pt * 2 + 1) * 2], 0.f) << pt;
        EXPECT_EQ(g.grad_sampling_location.data[(pt * 2 + 1) * 2 + 1], 0.f) << pt;
        for (int k = 0; k < 4; ++k) EXPECT_EQ(g.grad_weights.data[((pt * 2 + 1) * 2) * 2 + k], 0.f) << pt;
    }
}

// Locations whose pixel coordinates stay at least 0.1 from a pixel boundary at every scale, so that a
// finite-difference step of 0.01 never crosses one (the op is only piecewise smooth).
void place_smooth_locations(DeformableProblem& p, const DeformableShape& s, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(0.05f, 0.95f);
    auto smooth = [&](bool is_y) {
        for (;;) {
            const float v = dist(rng);
            bool ok = true;
            for (const auto& hw : s.scales) {
                const float px = v * static_cast<float>(is_y ? hw.first : hw.second) - 0.5f;
                const float frac = px - std::floor(px);
                ok = ok && frac > 0.1f && frac < 0.9f;
            }
            if (ok) return v;
        }
    };
    for (size_t i = 0; i < p.loc.data.size(); ++i) p.loc.data[i] = smooth(i % 2 == 1);
}

void expect_gradients_match_finite_differences(DeformableProblem& p) {
    const DeformableAggregationGrads g = p.backward();
    auto forward = [&] { return p.forward().data; };
    // The op is linear in the features and in the weights: large steps are exact.
    EXPECT_CLOSE(g.grad_mc_ms_feat.data,
                 finite_difference(p.formatted.mc_ms_feat.data, 0.5f, forward, p.grad_output.data), 1e-4,
                 0.99999);
    EXPECT_CLOSE(g.grad_weights.data, finite_difference(p.weights.data, 0.5f, forward, p.grad_output.data),
                 1e-4, 0.99999);
    EXPECT_CLOSE(g.grad_sampling_location.data,
                 finite_difference(p.loc.data, 1e-2f, forward, p.grad_output.data), 2e-3, 0.99999);
}

TEST(DeformableAggregationBackward, GradientsMatchFiniteDifferences) {
    const DeformableShape s{2, 2, {{3, 4}, {2, 3}}, 2, 2, 4, 2};
    DeformableProblem p = random_problem(s, 21);
    std::mt19937 rng(22);
    place_smooth_locations(p, s, rng);
    expect_gradients_match_finite_differences(p);
}

TEST(DeformableAggregationBackward, GradientsMatchFiniteDifferencesWhenCamerasShareFeatures) {
    // Camera 1 reads camera 0's features (same start indices): the scatter must add both contributions.
    const DeformableShape s{1, 2, {{3, 4}, {2, 3}}, 3, 2, 6, 3};
    DeformableProblem p = random_problem(s, 23);
    std::mt19937 rng(24);
    place_smooth_locations(p, s, rng);
    auto& starts = p.formatted.scale_start_index.data;
    starts[2] = starts[0];
    starts[3] = starts[1];
    expect_gradients_match_finite_differences(p);
}

TEST(DeformableAggregation, ResultsDoNotDependOnTheThreadCount) {
    const DeformableProblem p = random_problem({2, 3, {{12, 17}, {6, 9}}, 29, 4, 96, 4}, 31);
    const auto serial = with_threads(1, [&] { return std::make_pair(p.forward(), p.backward()); });
    for (int threads : parallel_thread_counts()) {
        const auto parallel =
            with_threads(threads, [&] { return std::make_pair(p.forward(), p.backward()); });
        EXPECT_TRUE(identical(parallel.first.data, serial.first.data)) << threads;
        EXPECT_TRUE(identical(parallel.second.grad_mc_ms_feat.data, serial.second.grad_mc_ms_feat.data))
            << threads;
        EXPECT_TRUE(identical(parallel.second.grad_sampling_location.data,
                              serial.second.grad_sampling_location.data));
        EXPECT_TRUE(identical(parallel.second.grad_weights.data, serial.second.grad_weights.data)) << threads;
    }
}

TEST(FeatureMapsFormat, PutsCamerasOuterScalesInnerChannelsLast) {
    const DeformableProblem p = random_problem({2, 3, {{3, 5}, {2, 2}}, 1, 1, 4, 1}, 41);
    const auto& f = p.formatted;
    const int64_t per_cam = 3 * 5 + 2 * 2, C = 4;
    EXPECT_EQ(f.mc_ms_feat.shape, (std::vector<int64_t>{2, 3 * per_cam, C}));
    EXPECT_EQ(f.spatial_shape.data, (std::vector<int32_t>{3, 5, 2, 2, 3, 5, 2, 2, 3, 5, 2, 2}));
    EXPECT_EQ(f.scale_start_index.data, (std::vector<int32_t>{0, 15, 19, 34, 38, 53}));
    for (int64_t s = 0; s < 2; ++s) {
        const auto& map = p.maps[static_cast<size_t>(s)];
        const int64_t H = map.shape[3], W = map.shape[4];
        for (int64_t b = 0; b < 2; ++b)
            for (int64_t cam = 0; cam < 3; ++cam)
                for (int64_t c = 0; c < C; ++c)
                    for (int64_t px = 0; px < H * W; ++px) {
                        const int64_t feat = f.scale_start_index.data[static_cast<size_t>(cam * 2 + s)] + px;
                        ASSERT_EQ(f.mc_ms_feat.data[static_cast<size_t>((b * 3 * per_cam + feat) * C + c)],
                                  map.data[static_cast<size_t>(((b * 3 + cam) * C + c) * H * W + px)]);
                    }
    }
}

}  // namespace
}  // namespace tilesim::testing
