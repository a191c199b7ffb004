// sample_sum / sample_dot CPU references against the seed's PyTorch formulations
// (tests/golden/gen_fused_grid_ops.py: grid_sample + einsum, float64 autograd gradients).
#include <gtest/gtest.h>

#include "ops/fused_grid_ops/fused_grid_problem.hpp"

namespace tilesim::testing {
namespace {

struct FusedGridFixture {
    FusedGridProblem problem;
    GoldenCase expected;
};

const std::vector<FusedGridFixture>& fixtures() {
    static const std::vector<FusedGridFixture> all = [] {
        std::vector<FusedGridFixture> out;
        for (const GoldenCase& c : load_golden("fused_grid_ops.json")) {
            FusedGridProblem p;
            p.name = c.name;
            p.octaves = c.params.at("num_octaves").get<int64_t>();
            p.images = to_array(c.tensor("images"));
            p.samples = to_array(c.tensor("samples"));
            p.weights = to_array(c.tensor("weights"));
            p.queries = to_array(c.tensor("queries"));
            p.depths = to_array(c.tensor("depths"));
            p.grad_sum_output = to_array(c.tensor("grad_sum_output"));
            p.grad_dot_output = to_array(c.tensor("grad_dot_output"));
            out.push_back({std::move(p), c});
        }
        return out;
    }();
    return all;
}

TEST(FusedGridOpsGolden, FixtureHasTheExpectedCases) {
    EXPECT_EQ(fixtures().size(), 3u);
}

TEST(FusedGridOpsGolden, SampleSumForwardMatchesPyTorch) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.problem.name);
        EXPECT_TRUE(matches_golden(f.problem.sum(), f.expected, "sum_output"));
    }
}

TEST(FusedGridOpsGolden, SampleSumBackwardMatchesPyTorchAutograd) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.problem.name);
        const ops::SampleSumGrads g = f.problem.sum_backward();
        EXPECT_TRUE(matches_golden(g.grad_images, f.expected, "sum_grad_images"));
        EXPECT_TRUE(matches_golden(g.grad_samples, f.expected, "sum_grad_samples"));
        EXPECT_TRUE(matches_golden(g.grad_weights, f.expected, "sum_grad_weights"));
    }
}

TEST(FusedGridOpsGolden, SampleDotForwardMatchesPyTorch) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.problem.name);
        EXPECT_TRUE(matches_golden(f.problem.dot(), f.expected, "dot_output"));
    }
}

TEST(FusedGridOpsGolden, SampleDotBackwardMatchesPyTorchAutograd) {
    for (const auto& f : fixtures()) {
        SCOPED_TRACE(f.problem.name);
        const ops::SampleDotGrads g = f.problem.dot_backward();
        EXPECT_TRUE(matches_golden(g.grad_images, f.expected, "dot_grad_images"));
        EXPECT_TRUE(matches_golden(g.grad_samples, f.expected, "dot_grad_samples"));
        EXPECT_TRUE(matches_golden(g.grad_queries, f.expected, "dot_grad_queries"));
        EXPECT_TRUE(matches_golden(g.grad_depths, f.expected, "dot_grad_depths"));
    }
}

}  // namespace
}  // namespace tilesim::testing
