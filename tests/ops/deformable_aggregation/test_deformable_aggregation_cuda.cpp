// Deformable aggregation's CUDA reference against the CPU reference on random odd shapes, forward and
// backward. Without a CUDA device these skip with the reason; the test that the CUDA path then refuses
// with one clear line runs instead.
#include <string>

#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "common/cuda_test.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_cuda.hpp"
#include "ops/deformable_aggregation/deformable_problem.hpp"

namespace tilesim::testing {
namespace {

using DeformableAggregationCuda = CudaTest;  // skips, with the reason, where no CUDA device is present

// The same sampling code on both sides: differences come from fused multiply-adds, the CPU's vector
// summation order and grad_mc_ms_feat's atomic additions.
void expect_cuda_matches_cpu(const DeformableProblem& p) {
    const auto& f = p.formatted;
    const ops::HostArray<float> out = ops::deformable_aggregation_forward_cuda(
        f.mc_ms_feat, f.spatial_shape, f.scale_start_index, p.loc, p.weights);
    const ops::HostArray<float> expected = p.forward();
    EXPECT_EQ(out.shape, expected.shape);
    EXPECT_TRUE(matches(out.data, expected.data, 1e-5)) << "output";
    const ops::DeformableAggregationGrads g = ops::deformable_aggregation_backward_cuda(
        f.mc_ms_feat, f.spatial_shape, f.scale_start_index, p.loc, p.weights, p.grad_output);
    const ops::DeformableAggregationGrads e = p.backward();
    EXPECT_TRUE(matches(g.grad_mc_ms_feat.data, e.grad_mc_ms_feat.data, 1e-5)) << "grad_mc_ms_feat";
    EXPECT_TRUE(matches(g.grad_sampling_location.data, e.grad_sampling_location.data, 1e-4))
        << "grad_sampling_location";
    EXPECT_TRUE(matches(g.grad_weights.data, e.grad_weights.data, 1e-5)) << "grad_weights";
}

TEST_F(DeformableAggregationCuda, MatchesTheCpuReferenceOnOddShapesWithSkippedSamples) {
    // Locations in [-0.2, 1.2): some samples are skipped, some taps fall outside the maps.
    expect_cuda_matches_cpu(random_problem({2, 3, {{5, 7}, {3, 4}}, 11, 3, 24, 4}, 17));
}

TEST_F(DeformableAggregationCuda, MatchesTheCpuReferenceWithOneGroupAndAnOddChannelCount) {
    expect_cuda_matches_cpu(random_problem({1, 2, {{9, 5}}, 5, 7, 13, 1}, 23));
}

TEST_F(DeformableAggregationCuda, MatchesTheCpuReferenceOnAShapeSpanningManyBlocks) {
    expect_cuda_matches_cpu(
        random_problem({2, 6, {{23, 41}, {12, 21}, {6, 11}}, 97, 5, 64, 8}, 29, 0.f, 1.f));
}

TEST_F(DeformableAggregationCuda, SkipsEverySampleOutsideTheOpenUnitSquare) {
    const DeformableProblem p = random_problem({1, 2, {{4, 6}}, 3, 2, 8, 2}, 31, 1.f, 2.f);
    const auto& f = p.formatted;
    const ops::HostArray<float> out = ops::deformable_aggregation_forward_cuda(
        f.mc_ms_feat, f.spatial_shape, f.scale_start_index, p.loc, p.weights);
    for (float v : out.data) EXPECT_EQ(v, 0.f);
    const ops::DeformableAggregationGrads g = ops::deformable_aggregation_backward_cuda(
        f.mc_ms_feat, f.spatial_shape, f.scale_start_index, p.loc, p.weights, p.grad_output);
    for (const auto* grad : {&g.grad_mc_ms_feat, &g.grad_sampling_location, &g.grad_weights}) {
        for (float v : grad->data) EXPECT_EQ(v, 0.f);
    }
}

// Checks happen before the device probe, so bad inputs are reported as such on any machine.
TEST(DeformableAggregationCudaValidation, InvalidInputsThrowInvalidArgumentWithOrWithoutADevice) {
    DeformableProblem p = random_problem({2, 3, {{5, 7}, {3, 4}}, 7, 3, 12, 3}, 1);
    p.weights = ops::HostArray<float>({2, 7, 3, 3, 2, 5});
    const auto& f = p.formatted;
    EXPECT_THROW_MSG((void)ops::deformable_aggregation_forward_cuda(f.mc_ms_feat, f.spatial_shape,
                                                                    f.scale_start_index, p.loc, p.weights),
                     InvalidArgument,
                     "C = 12 (mc_ms_feat) must be a multiple of num_groups = 5 (weights' last dimension)");
}

using DeformableAggregationCudaUnavailable = NoCudaTest;  // runs only where no CUDA device is present

TEST_F(DeformableAggregationCudaUnavailable, WithoutADeviceTheCudaPathThrowsBackendUnavailableInOneLine) {
    const DeformableProblem p = random_problem({1, 2, {{4, 6}}, 3, 2, 8, 2}, 5);
    const auto& f = p.formatted;
    for (int pass = 0; pass < 2; ++pass) {
        try {
            if (pass == 0) {
                (void)ops::deformable_aggregation_forward_cuda(f.mc_ms_feat, f.spatial_shape,
                                                               f.scale_start_index, p.loc, p.weights);
            } else {
                (void)ops::deformable_aggregation_backward_cuda(
                    f.mc_ms_feat, f.spatial_shape, f.scale_start_index, p.loc, p.weights, p.grad_output);
            }
            ADD_FAILURE() << "expected BackendUnavailable";
        } catch (const BackendUnavailable& e) {
            const std::string msg = e.what();
            EXPECT_EQ(msg.rfind("deformable_aggregation: backend 'cuda' is unavailable: ", 0), 0u) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    }
}

}  // namespace
}  // namespace tilesim::testing
