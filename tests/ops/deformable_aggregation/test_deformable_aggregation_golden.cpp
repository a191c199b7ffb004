// Deformable aggregation CPU reference against PyTorch (tests/golden/gen_deformable.py): the
// grid_sample-per-camera-and-scale formulation with the (0, 1) mask, float64 autograd gradients.
#include <gtest/gtest.h>

#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"
#include "ops/deformable_aggregation/reference_test_helpers.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

struct DeformableFixture {
    std::string name;
    std::vector<HostArray<float>> feature_maps;
    HostArray<float> mc_ms_feat, loc, weights, grad_output;
    HostArray<int32_t> spatial_shape, scale_start_index;
    HostArray<float> output, grad_mc_ms_feat, grad_loc, grad_weights;
};

std::vector<DeformableFixture> load_fixtures() {
    std::vector<DeformableFixture> out;
    for (const GoldenCase& c : load_golden("deformable_aggregation.json")) {
        DeformableFixture f;
        f.name = c.name;
        for (int s = 0; c.has("feature_map_" + std::to_string(s)); ++s) {
            f.feature_maps.push_back(to_array(c.tensor("feature_map_" + std::to_string(s))));
        }
        f.mc_ms_feat = to_array(c.tensor("mc_ms_feat"));
        f.loc = to_array(c.tensor("sampling_location"));
        f.weights = to_array(c.tensor("weights"));
        f.grad_output = to_array(c.tensor("grad_output"));
        f.spatial_shape = to_int_array(c.tensor("spatial_shape"));
        f.scale_start_index = to_int_array(c.tensor("scale_start_index"));
        f.output = to_array(c.tensor("output"));
        f.grad_mc_ms_feat = to_array(c.tensor("grad_mc_ms_feat"));
        f.grad_loc = to_array(c.tensor("grad_sampling_location"));
        f.grad_weights = to_array(c.tensor("grad_weights"));
        out.push_back(std::move(f));
    }
    return out;
}

const std::vector<DeformableFixture>& fixtures() {
    static const std::vector<DeformableFixture> f = load_fixtures();
    return f;
}

TEST(DeformableAggregationGolden, FixtureHasTheExpectedCases) {
    EXPECT_EQ(fixtures().size(), 3u);
}

TEST(DeformableAggregationGolden, FeatureMapsFormatMatchesSparseDriveLayout) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.name);
        std::vector<ArrayView<float>> views(f.feature_maps.begin(), f.feature_maps.end());
        const FormattedFeatureMaps got = feature_maps_format(views);
        EXPECT_EQ(got.mc_ms_feat.shape, f.mc_ms_feat.shape);
        EXPECT_CLOSE(got.mc_ms_feat.data, f.mc_ms_feat.data, 0.0, 1.0);  // a pure permutation
        EXPECT_EQ(got.spatial_shape.shape, f.spatial_shape.shape);
        EXPECT_EQ(got.spatial_shape.data, f.spatial_shape.data);
        EXPECT_EQ(got.scale_start_index.shape, f.scale_start_index.shape);
        EXPECT_EQ(got.scale_start_index.data, f.scale_start_index.data);
    }
}

TEST(DeformableAggregationGolden, ForwardMatchesPyTorch) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.name);
        const HostArray<float> out = deformable_aggregation_forward_cpu(
            f.mc_ms_feat, f.spatial_shape, f.scale_start_index, f.loc, f.weights);
        EXPECT_EQ(out.shape, f.output.shape);
        EXPECT_TRUE(matches(out.data, f.output.data));
    }
}

TEST(DeformableAggregationGolden, FallbackMatchesPyTorch) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.name);
        const HostArray<float> out = deformable_aggregation_fallback_cpu(
            f.mc_ms_feat, f.spatial_shape, f.scale_start_index, f.loc, f.weights);
        EXPECT_EQ(out.shape, f.output.shape);
        EXPECT_TRUE(matches(out.data, f.output.data));
    }
}

TEST(DeformableAggregationGolden, BackwardMatchesPyTorchAutograd) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.name);
        const DeformableAggregationGrads g = deformable_aggregation_backward_cpu(
            f.mc_ms_feat, f.spatial_shape, f.scale_start_index, f.loc, f.weights, f.grad_output);
        EXPECT_EQ(g.grad_mc_ms_feat.shape, f.grad_mc_ms_feat.shape);
        EXPECT_TRUE(matches(g.grad_mc_ms_feat.data, f.grad_mc_ms_feat.data)) << "grad_mc_ms_feat";
        EXPECT_EQ(g.grad_sampling_location.shape, f.grad_loc.shape);
        EXPECT_TRUE(matches(g.grad_sampling_location.data, f.grad_loc.data)) << "grad_sampling_location";
        EXPECT_EQ(g.grad_weights.shape, f.grad_weights.shape);
        EXPECT_TRUE(matches(g.grad_weights.data, f.grad_weights.data)) << "grad_weights";
    }
}

TEST(DeformableAggregationGolden, SkippedSamplesHaveZeroGradients) {
    // The fixtures place samples exactly on 0 and 1; those, and all outside (0, 1), get no gradient.
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.name);
        const DeformableAggregationGrads g = deformable_aggregation_backward_cpu(
            f.mc_ms_feat, f.spatial_shape, f.scale_start_index, f.loc, f.weights, f.grad_output);
        int skipped = 0;
        for (size_t i = 0; i < f.loc.data.size(); i += 2) {
            const float x = f.loc.data[i], y = f.loc.data[i + 1];
            if (x > 0 && x < 1 && y > 0 && y < 1) continue;
            ++skipped;
            EXPECT_EQ(g.grad_sampling_location.data[i], 0.f);
            EXPECT_EQ(g.grad_sampling_location.data[i + 1], 0.f);
        }
        EXPECT_GT(skipped, 0);
    }
}

}  // namespace
}  // namespace tilesim::testing
