// sample_sum / sample_dot CUDA references against the CPU references on random odd shapes, forward and
// backward. Without a CUDA device these skip with the reason; the test that the CUDA path then refuses
// with one clear line runs instead.
#include <string>

#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "common/cuda_test.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_cuda.hpp"
#include "ops/fused_grid_ops/fused_grid_problem.hpp"

namespace tilesim::testing {
namespace {

using FusedGridOpsCuda = CudaTest;  // skips, with the reason, where no CUDA device is present

// The same tap code on both sides: differences come from fused multiply-adds, the CPU's vector summation
// order, the GPU's sinf/cosf (within 2 ulp) and grad_images' atomic additions.
void expect_sample_sum_matches_cpu(const FusedGridProblem& p) {
    const ops::HostArray<float> out = ops::sample_sum_forward_cuda(p.images, p.samples, p.weights);
    const ops::HostArray<float> expected = p.sum();
    EXPECT_EQ(out.shape, expected.shape);
    EXPECT_TRUE(matches(out.data, expected.data, 1e-5)) << "sample_sum output";
    const ops::SampleSumGrads g =
        ops::sample_sum_backward_cuda(p.images, p.samples, p.weights, p.grad_sum_output);
    const ops::SampleSumGrads e = p.sum_backward();
    EXPECT_TRUE(matches(g.grad_images.data, e.grad_images.data, 1e-5)) << "grad_images";
    EXPECT_TRUE(matches(g.grad_samples.data, e.grad_samples.data, 1e-4)) << "grad_samples";
    EXPECT_TRUE(matches(g.grad_weights.data, e.grad_weights.data, 1e-5)) << "grad_weights";
}

void expect_sample_dot_matches_cpu(const FusedGridProblem& p) {
    const ops::HostArray<float> out =
        ops::sample_dot_forward_cuda(p.images, p.samples, p.queries, p.depths, p.octaves);
    const ops::HostArray<float> expected = p.dot();
    EXPECT_EQ(out.shape, expected.shape);
    EXPECT_TRUE(matches(out.data, expected.data, 1e-5)) << "sample_dot output";
    const ops::SampleDotGrads g =
        ops::sample_dot_backward_cuda(p.images, p.samples, p.queries, p.depths, p.octaves, p.grad_dot_output);
    const ops::SampleDotGrads e = p.dot_backward();
    EXPECT_TRUE(matches(g.grad_images.data, e.grad_images.data, 1e-5)) << "grad_images";
    EXPECT_TRUE(matches(g.grad_samples.data, e.grad_samples.data, 1e-4)) << "grad_samples";
    EXPECT_TRUE(matches(g.grad_queries.data, e.grad_queries.data, 1e-5)) << "grad_queries";
    EXPECT_TRUE(matches(g.grad_depths.data, e.grad_depths.data, 1e-4)) << "grad_depths";
}

TEST_F(FusedGridOpsCuda, SampleSumMatchesTheCpuReferenceOnOddShapes) {
    expect_sample_sum_matches_cpu(random_fused_problem({2, 7, 9, 11, 5, 3, 3, 0}, 41));
}

TEST_F(FusedGridOpsCuda, SampleSumMatchesTheCpuReferenceOnAShapeSpanningManyBlocks) {
    expect_sample_sum_matches_cpu(random_fused_problem({2, 33, 23, 31, 61, 17, 4, 0}, 43));
}

TEST_F(FusedGridOpsCuda, SampleDotMatchesTheCpuReferenceOnOddShapes) {
    expect_sample_dot_matches_cpu(random_fused_problem({2, 9, 7, 10, 5, 3, 3, 2}, 47));
}

TEST_F(FusedGridOpsCuda, SampleDotMatchesTheCpuReferenceWithoutAndOnlyWithPositionalEncoding) {
    expect_sample_dot_matches_cpu(random_fused_problem({1, 5, 6, 7, 4, 3, 2, 0}, 53));
    expect_sample_dot_matches_cpu(random_fused_problem({1, 6, 6, 7, 4, 3, 2, 3}, 59));
}

TEST_F(FusedGridOpsCuda, SampleDotMatchesTheCpuReferenceOnAShapeSpanningManyBlocks) {
    expect_sample_dot_matches_cpu(random_fused_problem({2, 40, 19, 27, 53, 13, 4, 4}, 61));
}

// Checks happen before the device probe, so bad inputs are reported as such on any machine.
TEST(FusedGridOpsCudaValidation, InvalidInputsThrowTheCpuReferencesMessagesWithOrWithoutADevice) {
    FusedGridProblem p = random_fused_problem({1, 4, 5, 6, 3, 2, 2, 1}, 3);
    EXPECT_THROW_MSG((void)ops::sample_dot_forward_cuda(p.images, p.samples, p.queries, p.depths, 3),
                     InvalidArgument,
                     "sample_dot: num_octaves = 3 must be in [0, c / 2] with c = 4 (images' channels)");
    p.weights = ops::HostArray<float>({1, 2, 3, 5});
    EXPECT_THROW_MSG((void)ops::sample_sum_forward_cuda(p.images, p.samples, p.weights), InvalidArgument,
                     "sample_sum: weights must be [b (from images), hd, q, d (from samples)]");
}

using FusedGridOpsCudaUnavailable = NoCudaTest;  // runs only where no CUDA device is present

TEST_F(FusedGridOpsCudaUnavailable, WithoutADeviceEveryCudaPathThrowsBackendUnavailableInOneLineNamingTheOp) {
    const FusedGridProblem p = random_fused_problem({1, 4, 5, 6, 3, 2, 2, 1}, 7);
    const auto expect_unavailable = [](const char* op, auto&& call) {
        try {
            call();
            ADD_FAILURE() << "expected BackendUnavailable from " << op;
        } catch (const BackendUnavailable& e) {
            const std::string msg = e.what();
            EXPECT_EQ(msg.rfind(std::string(op) + ": backend 'cuda' is unavailable: ", 0), 0u) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    };
    expect_unavailable("sample_sum",
                       [&] { (void)ops::sample_sum_forward_cuda(p.images, p.samples, p.weights); });
    expect_unavailable("sample_sum", [&] {
        (void)ops::sample_sum_backward_cuda(p.images, p.samples, p.weights, p.grad_sum_output);
    });
    expect_unavailable("sample_dot", [&] {
        (void)ops::sample_dot_forward_cuda(p.images, p.samples, p.queries, p.depths, p.octaves);
    });
    expect_unavailable("sample_dot", [&] {
        (void)ops::sample_dot_backward_cuda(p.images, p.samples, p.queries, p.depths, p.octaves,
                                            p.grad_dot_output);
    });
}

}  // namespace
}  // namespace tilesim::testing
