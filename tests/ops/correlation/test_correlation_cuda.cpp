// The correlation family's CUDA references (spatial correlation sampler, FlowNet correlation, RAFT pyramid
// and lookups) against the CPU references on random odd shapes, forward and backward. Without a CUDA
// device these skip with the reason; the tests that the CUDA paths then refuse with one clear line run
// instead.
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "common/cuda_test.hpp"
#include "correlation_test_utils.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/correlation/flownet_correlation_cuda.hpp"
#include "ops/correlation/corr_lookup_cuda.hpp"
#include "ops/correlation/spatial_correlation_cuda.hpp"

namespace tilesim::testing {
namespace {

using ops::NchwShape;

using CorrelationCuda = CudaTest;  // skips, with the reason, where no CUDA device is present

// Same engine formulas on both sides; differences come from fused multiply-adds, the CPU's vector
// summation order and (RAFT's grad_fmap2) atomic additions.
void expect_matches(std::span<const float> actual, std::span<const float> expected, double relative,
                    const char* what) {
    EXPECT_CLOSE(actual, expected, tolerance(expected, relative), 0.99999) << what;
}

void expect_spatial_matches_cpu(const NchwShape& shape, const ops::SpatialCorrelationParams& p,
                                uint32_t seed) {
    const OwnedNchw a = random_nchw(shape, seed), b = random_nchw(shape, seed + 1);
    const ops::CorrelationArray out = ops::spatial_correlation_forward_cuda(a.view(), b.view(), p);
    const ops::CorrelationArray expected = ops::spatial_correlation_forward_cpu(a.view(), b.view(), p);
    EXPECT_EQ(out.shape, expected.shape);
    expect_matches(out.data, expected.data, 1e-5, "spatial_correlation output");
    const auto gout = random_values(static_cast<int64_t>(expected.data.size()), seed + 2);
    const ops::CorrelationGrads g = ops::spatial_correlation_backward_cuda(gout, a.view(), b.view(), p);
    const ops::CorrelationGrads e = ops::spatial_correlation_backward_cpu(gout, a.view(), b.view(), p);
    expect_matches(g.grad_input1, e.grad_input1, 1e-5, "spatial_correlation grad_input1");
    expect_matches(g.grad_input2, e.grad_input2, 1e-5, "spatial_correlation grad_input2");
}

void expect_flownet_matches_cpu(const NchwShape& shape, const ops::FlowNetCorrelationParams& p,
                                uint32_t seed) {
    const OwnedNchw a = random_nchw(shape, seed), b = random_nchw(shape, seed + 1);
    const ops::CorrelationArray out = ops::flownet_correlation_forward_cuda(a.view(), b.view(), p);
    const ops::CorrelationArray expected = ops::flownet_correlation_forward_cpu(a.view(), b.view(), p);
    EXPECT_EQ(out.shape, expected.shape);
    expect_matches(out.data, expected.data, 1e-5, "flownet_correlation output");
    const auto gout = random_values(static_cast<int64_t>(expected.data.size()), seed + 2);
    const ops::CorrelationGrads g = ops::flownet_correlation_backward_cuda(gout, a.view(), b.view(), p);
    const ops::CorrelationGrads e = ops::flownet_correlation_backward_cpu(gout, a.view(), b.view(), p);
    expect_matches(g.grad_input1, e.grad_input1, 1e-5, "flownet_correlation grad_input1");
    expect_matches(g.grad_input2, e.grad_input2, 1e-5, "flownet_correlation grad_input2");
}

TEST_F(CorrelationCuda, SpatialCorrelationMatchesTheCpuReferenceForKernelsPatchesStridesAndDilations) {
    expect_spatial_matches_cpu({2, 5, 9, 11}, ops::make_spatial_correlation_params(3, 5, 2, 1, 2, 2), 1);
    expect_spatial_matches_cpu({1, 3, 8, 7},
                               ops::make_spatial_correlation_params({3, 1}, {4, 3}, {1, 2}, {2, 0}), 4);
    expect_spatial_matches_cpu({2, 7, 13, 10}, ops::spatial_correlation_tracker_9x9_preset(), 7);
    expect_spatial_matches_cpu({1, 4, 23, 25}, ops::spatial_correlation_flownetc_preset(), 10);
}

TEST_F(CorrelationCuda, FlowNetCorrelationMatchesTheCpuReferenceInMultiplyAndSubtractionModes) {
    for (bool multiply : {true, false}) {
        SCOPED_TRACE(multiply ? "multiply" : "subtraction");
        ops::FlowNetCorrelationParams p;  // 1, max displacement 4, pad 4
        p.is_multiply = multiply;
        expect_flownet_matches_cpu({2, 5, 9, 11}, p, 13);
        p = {3, 3, 3, 2, 2, multiply};  // pad 3, kernel 3, max displacement 3, stride1 2, stride2 2
        expect_flownet_matches_cpu({1, 6, 12, 15}, p, 16);
        p = {2, 1, 5, 1, 2, multiply};
        expect_flownet_matches_cpu({2, 3, 10, 9}, p, 19);
    }
}

// Random odd feature maps and coordinates in level-0 pixels reaching past the borders, with a NaN and an
// infinite coordinate.
struct CorrLookupProblem {
    OwnedNchw fmap1, fmap2, coords;
};

CorrLookupProblem corr_lookup_problem(const NchwShape& f, uint32_t seed) {
    CorrLookupProblem p{random_nchw(f, seed),
                        random_nchw(f, seed + 1),
                        {random_values(f.n * 2 * f.h * f.w, seed + 2, -3.f, static_cast<float>(f.w) + 3.f),
                         {f.n, 2, f.h, f.w}}};
    p.coords.data[1] = std::numeric_limits<float>::quiet_NaN();
    p.coords.data[f.h * f.w + 2] = std::numeric_limits<float>::infinity();
    return p;
}

TEST_F(CorrelationCuda, CorrPyramidAndBothLookupsMatchTheCpuReference) {
    const int levels = 3, radius = 2;
    const CorrLookupProblem p = corr_lookup_problem({2, 7, 13, 11}, 23);
    const ops::CorrPyramid pyr = ops::corr_pyramid_cuda(p.fmap1.view(), p.fmap2.view(), levels);
    const ops::CorrPyramid expected = ops::corr_pyramid_cpu(p.fmap1.view(), p.fmap2.view(), levels);
    ASSERT_EQ(pyr.num_levels(), levels);
    for (int l = 0; l < levels; ++l) {
        EXPECT_EQ(pyr.level_h[l], expected.level_h[l]);
        EXPECT_EQ(pyr.level_w[l], expected.level_w[l]);
        expect_matches(pyr.levels[l], expected.levels[l], 1e-5, "pyramid level");
    }
    const ops::CorrelationArray out = ops::corr_lookup_cuda(expected, p.coords.view(), radius);
    const ops::CorrelationArray out_expected = ops::corr_lookup_cpu(expected, p.coords.view(), radius);
    EXPECT_EQ(out.shape, out_expected.shape);
    expect_matches(out.data, out_expected.data, 1e-5, "corr_lookup");
    const ops::CorrelationArray alt =
        ops::corr_lookup_alternate_cuda(p.fmap1.view(), p.fmap2.view(), p.coords.view(), levels, radius);
    const ops::CorrelationArray alt_expected =
        ops::corr_lookup_alternate_cpu(p.fmap1.view(), p.fmap2.view(), p.coords.view(), levels, radius);
    expect_matches(alt.data, alt_expected.data, 1e-5, "corr_lookup_alternate");
}

TEST_F(CorrelationCuda, CorrLookupBackwardMatchesTheCpuReference) {
    for (const auto& [levels, radius] : std::vector<std::pair<int, int>>{{3, 2}, {1, 0}, {4, 4}}) {
        SCOPED_TRACE("levels " + std::to_string(levels) + " radius " + std::to_string(radius));
        const CorrLookupProblem p = corr_lookup_problem({2, 9, 17, 19}, 29 + levels);
        const auto shape = ops::corr_lookup_output_shape(p.fmap1.shape, levels, radius);
        const auto gout = random_values(shape[0] * shape[1] * shape[2] * shape[3], 31);
        const ops::CorrelationGrads g = ops::corr_lookup_backward_cuda(gout, p.fmap1.view(), p.fmap2.view(),
                                                                       p.coords.view(), levels, radius);
        const ops::CorrelationGrads e = ops::corr_lookup_backward_cpu(gout, p.fmap1.view(), p.fmap2.view(),
                                                                      p.coords.view(), levels, radius);
        expect_matches(g.grad_input1, e.grad_input1, 1e-5, "grad_fmap1");
        expect_matches(g.grad_input2, e.grad_input2, 1e-5, "grad_fmap2");
    }
}

// Checks happen before the device probe, so bad arguments are reported as such on any machine.
TEST(CorrelationCudaValidation, InvalidArgumentsThrowTheCpuReferencesMessagesWithOrWithoutADevice) {
    const OwnedNchw a = random_nchw({1, 2, 5, 5}, 1), b = random_nchw({1, 2, 5, 6}, 2);
    EXPECT_THROW_MSG((void)ops::spatial_correlation_forward_cuda(a.view(), b.view(), {}), InvalidArgument,
                     "spatial_correlation: input1 and input2 must have the same shape");
    ops::FlowNetCorrelationParams p;
    p.kernel_size = 2;
    EXPECT_THROW_MSG((void)ops::flownet_correlation_forward_cuda(a.view(), a.view(), p), InvalidArgument,
                     "flownet_correlation: kernel_size must be odd and >= 1, got 2");
    EXPECT_THROW_MSG((void)ops::corr_lookup_alternate_cuda(a.view(), a.view(), b.view(), 1, 1),
                     InvalidArgument, "corr_lookup: coords must be [B, 2, H, W]");
}

using CorrelationCudaUnavailable = NoCudaTest;  // runs only where no CUDA device is present

TEST_F(CorrelationCudaUnavailable, WithoutADeviceEveryCudaPathThrowsBackendUnavailableInOneLineNamingTheOp) {
    const OwnedNchw a = random_nchw({1, 2, 6, 6}, 1), coords = random_nchw({1, 2, 6, 6}, 2);
    const std::vector<float> spatial_gout(81 * 36), corr_lookup_gout(2 * 9 * 36);  // output sizes below
    const auto expect_unavailable = [](const std::string& op, const std::function<void()>& call) {
        try {
            call();
            ADD_FAILURE() << "expected BackendUnavailable from " << op;
        } catch (const BackendUnavailable& e) {
            const std::string msg = e.what();
            EXPECT_EQ(msg.rfind(op + ": backend 'cuda' is unavailable: ", 0), 0u) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    };
    const auto sp = ops::spatial_correlation_tracker_9x9_preset();
    const ops::FlowNetCorrelationParams fp{1, 1, 1, 1, 1, true};
    expect_unavailable("spatial_correlation",
                       [&] { (void)ops::spatial_correlation_forward_cuda(a.view(), a.view(), sp); });
    expect_unavailable("spatial_correlation", [&] {
        (void)ops::spatial_correlation_backward_cuda(spatial_gout, a.view(), a.view(), sp);
    });
    expect_unavailable("flownet_correlation",
                       [&] { (void)ops::flownet_correlation_forward_cuda(a.view(), a.view(), fp); });
    expect_unavailable("corr_lookup", [&] { (void)ops::corr_pyramid_cuda(a.view(), a.view(), 2); });
    expect_unavailable("corr_lookup", [&] {
        (void)ops::corr_lookup_alternate_cuda(a.view(), a.view(), coords.view(), 2, 1);
    });
    expect_unavailable("corr_lookup", [&] {
        (void)ops::corr_lookup_backward_cuda(corr_lookup_gout, a.view(), a.view(), coords.view(), 2, 1);
    });
}

}  // namespace
}  // namespace tilesim::testing
