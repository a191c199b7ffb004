// Deformable aggregation CPU reference against PyTorch (tests/golden/gen_deformable.py): the
// grid_sample-per-camera-and-scale formulation with the (0, 1) mask, float64 autograd gradients.
#include <gtest/gtest.h>

#include "ops/deformable_aggregation/deformable_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

struct DeformableFixture {
    DeformableProblem problem;  // inputs as the fixture gives them (maps per scale and formatted)
    GoldenCase expected;
};

const std::vector<DeformableFixture>& fixtures() {
    static const std::vector<DeformableFixture> all = [] {
        std::vector<DeformableFixture> out;
        for (const GoldenCase& c : load_golden("deformable_aggregation.json")) {
            DeformableProblem p;
            for (int s = 0; c.has("feature_map_" + std::to_string(s)); ++s) {
                p.maps.push_back(to_array(c.tensor("feature_map_" + std::to_string(s))));
            }
            p.formatted = {to_array(c.tensor("mc_ms_feat")), to_int_array(c.tensor("spatial_shape")),
                           to_int_array(c.tensor("scale_start_index"))};
            p.loc = to_array(c.tensor("sampling_location"));
            p.weights = to_array(c.tensor("weights"));
            p.grad_output = to_array(c.tensor("grad_output"));
            out.push_back({std::move(p), c});
        }
        return out;
    }();
    return all;
}

TEST(DeformableAggregationGolden, FixtureHasTheExpectedCases) {
    EXPECT_EQ(fixtures().size(), 3u);
}

TEST(DeformableAggregationGolden, FeatureMapsFormatMatchesSparseDriveLayout) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.expected.name);
        const std::vector<ArrayView<float>> views(f.problem.maps.begin(), f.problem.maps.end());
        const FormattedFeatureMaps got = feature_maps_format(views);
        const FormattedFeatureMaps& want = f.problem.formatted;
        EXPECT_EQ(got.mc_ms_feat.shape, want.mc_ms_feat.shape);
        EXPECT_CLOSE(got.mc_ms_feat.data, want.mc_ms_feat.data, 0.0, 1.0);  // a pure permutation
        EXPECT_EQ(got.spatial_shape.shape, want.spatial_shape.shape);
        EXPECT_EQ(got.spatial_shape.data, want.spatial_shape.data);
        EXPECT_EQ(got.scale_start_index.shape, want.scale_start_index.shape);
        EXPECT_EQ(got.scale_start_index.data, want.scale_start_index.data);
    }
}

TEST(DeformableAggregationGolden, ForwardMatchesPyTorch) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.expected.name);
        EXPECT_TRUE(matches_golden(f.problem.forward(), f.expected, "output"));
    }
}

TEST(DeformableAggregationGolden, FallbackMatchesPyTorch) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.expected.name);
        EXPECT_TRUE(matches_golden(f.problem.fallback(), f.expected, "output"));
    }
}

TEST(DeformableAggregationGolden, BackwardMatchesPyTorchAutograd) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.expected.name);
        const DeformableAggregationGrads g = f.problem.backward();
        EXPECT_TRUE(matches_golden(g.grad_mc_ms_feat, f.expected, "grad_mc_ms_feat"));
        EXPECT_TRUE(matches_golden(g.grad_sampling_location, f.expected, "grad_sampling_location"));
        EXPECT_TRUE(matches_golden(g.grad_weights, f.expected, "grad_weights"));
    }
}

TEST(DeformableAggregationGolden, SkippedSamplesHaveZeroGradients) {
    // The fixtures place samples exactly on 0 and 1; those, and all outside (0, 1), get no gradient.
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.expected.name);
        const DeformableAggregationGrads g = f.problem.backward();
        const std::vector<float>& loc = f.problem.loc.data;
        int skipped = 0;
        for (size_t i = 0; i < loc.size(); i += 2) {
            if (loc[i] > 0 && loc[i] < 1 && loc[i + 1] > 0 && loc[i + 1] < 1) continue;
            ++skipped;
            EXPECT_EQ(g.grad_sampling_location.data[i], 0.f);
            EXPECT_EQ(g.grad_sampling_location.data[i + 1], 0.f);
        }
        EXPECT_GT(skipped, 0);
    }
}

}  // namespace
}  // namespace tilesim::testing
