// Bad inputs to the deformable aggregation reference are refused with messages that name the argument,
// the value received and what was expected.
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "ops/deformable_aggregation/deformable_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

const DeformableShape kShape{2, 3, {{5, 7}, {3, 4}}, 7, 3, 12, 3};

DeformableProblem valid_problem() {
    return random_problem(kShape, 1);
}

TEST(DeformableAggregationValidation, RejectsChannelsNotDivisibleByGroups) {
    DeformableProblem p = valid_problem();
    p.weights = HostArray<float>({2, 7, 3, 3, 2, 5});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: C = 12 (mc_ms_feat) must be a multiple of "
                     "num_groups = 5 (weights' last dimension)");
}

TEST(DeformableAggregationValidation, RejectsSamplingLocationWithAnotherBatchSize) {
    DeformableProblem p = valid_problem();
    p.loc = HostArray<float>({1, 7, 3, 3, 2});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: sampling_location must be [bs (from mc_ms_feat), "
                     "num_anchor, num_pts, num_cams (from spatial_shape), 2] = [2, 7, 3, 3, 2], "
                     "got [1, 7, 3, 3, 2]");
}

TEST(DeformableAggregationValidation, RejectsSamplingLocationWithAnotherCameraCount) {
    DeformableProblem p = valid_problem();
    p.loc = HostArray<float>({2, 7, 3, 4, 2});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: sampling_location must be [bs (from mc_ms_feat), "
                     "num_anchor, num_pts, num_cams (from spatial_shape), 2] = [2, 7, 3, 3, 2], "
                     "got [2, 7, 3, 4, 2]");
}

TEST(DeformableAggregationValidation, RejectsWeightsWithAnotherScaleCount) {
    DeformableProblem p = valid_problem();
    p.weights = HostArray<float>({2, 7, 3, 3, 4, 3});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: weights must be [bs, num_anchor, num_pts (from "
                     "sampling_location), num_cams, num_scale (from spatial_shape), num_groups] = "
                     "[2, 7, 3, 3, 2, 3], got [2, 7, 3, 3, 4, 3]");
}

TEST(DeformableAggregationValidation, RejectsScaleStartIndexOfAnotherShape) {
    DeformableProblem p = valid_problem();
    p.formatted.scale_start_index = HostArray<int32_t>({3, 3});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: scale_start_index must be [num_cams, num_scale] (from "
                     "spatial_shape) = [3, 2], got [3, 3]");
}

TEST(DeformableAggregationValidation, RejectsWrongRanks) {
    DeformableProblem p = valid_problem();
    p.formatted.mc_ms_feat = HostArray<float>({2, 141 * 12});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: mc_ms_feat must be [bs, num_feat, C], got [2, 1692]");
    p = valid_problem();
    p.formatted.spatial_shape = HostArray<int32_t>({3, 2, 3});
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "spatial_shape must be [num_cams, num_scale, 2], got [3, 2, 3]");
}

TEST(DeformableAggregationValidation, RejectsMapsOutsideTheFeatures) {
    DeformableProblem p = valid_problem();
    p.formatted.scale_start_index.data[5] = 130;  // camera 2, scale 1: 12 features from 130, num_feat 141
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: scale_start_index[2][1] = 130 with H*W = 12 covers "
                     "features [130, 142), outside mc_ms_feat's num_feat = 141");
    p = valid_problem();
    p.formatted.spatial_shape.data[2] = 0;
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "spatial_shape[0][1] = (0, 4), expected H >= 1 and W >= 1");
}

TEST(DeformableAggregationValidation, RejectsStorageThatDoesNotMatchTheShape) {
    DeformableProblem p = valid_problem();
    p.weights.data.pop_back();
    EXPECT_THROW_MSG((void)p.forward(), InvalidArgument,
                     "deformable_aggregation: weights holds 755 values but its shape "
                     "[2, 7, 3, 3, 2, 3] needs 756");
}

TEST(DeformableAggregationValidation, BackwardRejectsGradOutputOfAnotherShape) {
    DeformableProblem p = valid_problem();
    p.grad_output = HostArray<float>({2, 7, 13});
    EXPECT_THROW_MSG((void)p.backward(), InvalidArgument,
                     "deformable_aggregation_backward: grad_output must be [bs, num_anchor, C] "
                     "= [2, 7, 12], got [2, 7, 13]");
}

TEST(DeformableAggregationValidation, FallbackRunsTheSameChecks) {
    DeformableProblem p = valid_problem();
    p.weights = HostArray<float>({2, 7, 3, 3, 2, 5});
    EXPECT_THROW_MSG((void)p.fallback(), InvalidArgument,
                     "deformable_aggregation_fallback: C = 12 (mc_ms_feat) must be a multiple");
}

TEST(FeatureMapsFormatValidation, RejectsMapsThatDisagreeOnBatchCamerasOrChannels) {
    std::mt19937 rng(3);
    const HostArray<float> a = random_array({2, 3, 4, 5, 7}, rng), b = random_array({2, 3, 5, 3, 4}, rng);
    const std::vector<ArrayView<float>> maps = {a, b};
    EXPECT_THROW_MSG((void)feature_maps_format(maps), InvalidArgument,
                     "feature_maps_format: feature_maps[1] is [2, 3, 5, 3, 4], expected bs, "
                     "num_cams, C = 2, 3, 4 as feature_maps[0]");
}

TEST(FeatureMapsFormatValidation, RejectsAnEmptyListAndWrongRanks) {
    EXPECT_THROW_MSG((void)feature_maps_format({}), InvalidArgument,
                     "feature_maps_format: feature_maps is empty");
    const HostArray<float> flat({2, 3, 4, 35});
    const std::vector<ArrayView<float>> maps = {flat};
    EXPECT_THROW_MSG((void)feature_maps_format(maps), InvalidArgument,
                     "feature_maps_format: feature_maps[0] must be [bs, num_cams, C, H, W], got "
                     "[2, 3, 4, 35]");
}

}  // namespace
}  // namespace tilesim::testing
