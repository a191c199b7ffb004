// Bad inputs to sample_sum / sample_dot are refused with messages that name the argument, the value
// received and what was expected.
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "ops/fused_grid_ops/fused_grid_problem.hpp"

namespace tilesim::testing {
namespace {

using namespace tilesim::ops;

FusedGridProblem valid_problem() {
    return random_fused_problem({2, 7, 5, 6, 5, 3, 3, 2}, 1);
}

TEST(FusedGridOpsValidation, RejectsImagesThatAreNot4dOrEmpty) {
    FusedGridProblem p = valid_problem();
    p.images = HostArray<float>({2, 7, 30});
    EXPECT_THROW_MSG((void)p.sum(), InvalidArgument,
                     "sample_sum: images must be [b, c, h, w], got [2, 7, 30]");
    p.images = HostArray<float>({2, 7, 0, 6});
    EXPECT_THROW_MSG((void)p.dot(), InvalidArgument,
                     "sample_dot: images is [2, 7, 0, 6], expected h >= 1 and w >= 1");
}

TEST(FusedGridOpsValidation, RejectsSamplesOfAnotherBatchOrNot2d) {
    FusedGridProblem p = valid_problem();
    p.samples = HostArray<float>({1, 5, 3, 2});
    EXPECT_THROW_MSG((void)p.sum(), InvalidArgument,
                     "sample_sum: samples must be [b (from images), q, d, 2] = [2, 5, 3, 2], got "
                     "[1, 5, 3, 2]");
    p.samples = HostArray<float>({2, 5, 3, 3});
    EXPECT_THROW_MSG((void)p.dot(), InvalidArgument,
                     "sample_dot: samples must be [b (from images), q, d, 2] = [2, 5, 3, 2], got "
                     "[2, 5, 3, 3]");
}

TEST(FusedGridOpsValidation, SampleSumRejectsWeightsOfAnotherQueryOrDepthCount) {
    FusedGridProblem p = valid_problem();
    p.weights = HostArray<float>({2, 3, 5, 4});
    EXPECT_THROW_MSG((void)p.sum(), InvalidArgument,
                     "sample_sum: weights must be [b (from images), hd, q, d (from samples)] = "
                     "[2, 3, 5, 3], got [2, 3, 5, 4]");
}

TEST(FusedGridOpsValidation, SampleDotRejectsQueriesWithoutRoomForTheEncoding) {
    FusedGridProblem p = valid_problem();
    p.queries = HostArray<float>({2, 3, 5, 7});  // c = 7 with 2 octaves leaves 3 query channels
    EXPECT_THROW_MSG((void)p.dot(), InvalidArgument,
                     "sample_dot: queries must be [b (from images), hd, q (from samples), "
                     "c - 2 * num_octaves] = [2, 3, 5, 3], got [2, 3, 5, 7]");
}

TEST(FusedGridOpsValidation, SampleDotRejectsOctaveCountsOutsideTheChannels) {
    FusedGridProblem p = valid_problem();
    p.octaves = 4;
    EXPECT_THROW_MSG((void)p.dot(), InvalidArgument,
                     "sample_dot: num_octaves = 4 must be in [0, c / 2] with c = 7 (images' channels)");
    p.octaves = -1;
    EXPECT_THROW_MSG((void)p.dot(), InvalidArgument, "num_octaves = -1 must be in [0, c / 2]");
}

TEST(FusedGridOpsValidation, SampleDotRejectsDepthsOfAnotherShape) {
    FusedGridProblem p = valid_problem();
    p.depths = HostArray<float>({2, 5, 4});
    EXPECT_THROW_MSG((void)p.dot(), InvalidArgument,
                     "sample_dot: depths must be [b, q, d] (from samples) = [2, 5, 3], got [2, 5, 4]");
}

TEST(FusedGridOpsValidation, BackwardsRejectGradOutputOfAnotherShape) {
    FusedGridProblem p = valid_problem();
    p.grad_sum_output = HostArray<float>({2, 3, 5, 6});
    EXPECT_THROW_MSG((void)p.sum_backward(), InvalidArgument,
                     "sample_sum_backward: grad_output must be [b, hd, q, c] = [2, 3, 5, 7], got "
                     "[2, 3, 5, 6]");
    p.grad_dot_output = HostArray<float>({2, 3, 5, 7});
    EXPECT_THROW_MSG((void)p.dot_backward(), InvalidArgument,
                     "sample_dot_backward: grad_output must be [b, hd, q, d] = [2, 3, 5, 3], got "
                     "[2, 3, 5, 7]");
}

TEST(FusedGridOpsValidation, RejectsStorageThatDoesNotMatchTheShape) {
    FusedGridProblem p = valid_problem();
    p.images.data.resize(10);
    EXPECT_THROW_MSG((void)p.sum(), InvalidArgument,
                     "sample_sum: images holds 10 values but its shape [2, 7, 5, 6] needs 420");
}

}  // namespace
}  // namespace tilesim::testing
