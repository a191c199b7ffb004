// Properties of the grid_sample CPU reference that need no fixture: layouts agree, gradients agree with
// finite differences and with the forward pass, results are deterministic, bad shapes are refused.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include "common/compare.hpp"
#include "grid_sample_test_util.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::testing {
namespace {

using ops::ChannelLayout;
using ops::GridSampleMode;

struct Problem {
    GridSampleShape s;
    std::vector<float> input, grid, gout;
};

Problem random_problem(const GridSampleShape& s, float grid_range, uint32_t seed) {
    return {s, random_vector(s.n * s.c * s.h * s.w, -1, 1, seed),
            random_vector(s.n * s.out_h * s.out_w * 2, -grid_range, grid_range, seed + 1),
            random_vector(s.n * s.c * s.out_h * s.out_w, -1, 1, seed + 2)};
}

void expect_layouts_agree(const Problem& pr) {
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        SCOPED_TRACE(options_name(o));
        const GridSampleResult a = run_grid_sample(pr.s, ChannelLayout::NCHW, o, pr.input, pr.grid, pr.gout);
        const GridSampleResult b = run_grid_sample(pr.s, ChannelLayout::NHWC, o, pr.input, pr.grid, pr.gout);
        EXPECT_CLOSE(b.output, a.output, scaled_tolerance(a.output), 0.99999);
        EXPECT_CLOSE(b.grad_input, a.grad_input, scaled_tolerance(a.grad_input), 0.99999);
        EXPECT_CLOSE(b.grad_grid, a.grad_grid, scaled_tolerance(a.grad_grid), 0.99999);
    }
}

TEST(GridSampleLayouts, NchwAndNhwcAgreeOnOddShapesForEveryOption) {
    expect_layouts_agree(random_problem({2, 37, 13, 17, 11, 9}, 1.3f, 100));
}

// A smooth warp (affine_grid of theta plus a little noise), as spatial transformers and flow warps produce:
// NCHW then reads each vector group's sources from a few short stretches of the planes (window permutes),
// not with gathers.
Problem smooth_problem(const GridSampleShape& s, const std::vector<float>& theta, uint32_t seed) {
    Problem pr = random_problem(s, 1.f, seed);
    std::vector<float> thetas;
    for (int64_t n = 0; n < s.n; ++n) thetas.insert(thetas.end(), theta.begin(), theta.end());
    ops::affine_grid_cpu(thetas.data(), pr.grid.data(), s.n, s.out_h, s.out_w, false);
    const std::vector<float> noise = random_vector(pr.grid.size(), -0.004f, 0.004f, seed + 7);
    for (size_t i = 0; i < pr.grid.size(); ++i) pr.grid[i] += noise[i];
    return pr;
}

TEST(GridSampleLayouts, NchwAndNhwcAgreeOnSmoothWarps) {
    const GridSampleShape s{2, 6, 37, 45, 33, 70};
    expect_layouts_agree(smooth_problem(s, {0.97f, -0.17f, 0.05f, 0.17f, 0.97f, -0.03f}, 400));  // rotation
    expect_layouts_agree(smooth_problem(s, {-1.1f, 0.f, 0.02f, 0.f, 1.1f, 0.1f}, 401));  // flipped, edges out
    expect_layouts_agree(smooth_problem(s, {0.4f, 0.f, 0.55f, 0.f, 0.4f, 0.6f}, 402));   // zoom into a corner
}

TEST(GridSampleLayouts, NchwAndNhwcAgreeWhenTheOutputSpansSeveralPartialTiles) {
    // NCHW works in tiles of up to 512 columns and about 2048 points (4 rows at that width): 530 columns
    // and 9 rows give full and partial tiles both ways, partial vector groups, and border points in each.
    expect_layouts_agree(random_problem({2, 3, 13, 17, 9, 530}, 1.2f, 300));
    expect_layouts_agree(random_problem({1, 4, 31, 29, 21, 150}, 1.05f, 301));
}

TEST(GridSampleLayouts, NchwAndNhwcAgreeOnLargeInputs) {
    // Past the caches, 16 channels (one channel block, test_grid_sample_nchw_gather.cpp).
    const GridSampleOptions bilinear{GridSampleMode::Bilinear, ops::PaddingMode::Zeros, false};
    const Problem large = random_problem({1, 16, 401, 419, 403, 417}, 1.1f, 501);
    const GridSampleResult a =
        run_grid_sample(large.s, ChannelLayout::NCHW, bilinear, large.input, large.grid);
    const GridSampleResult b =
        run_grid_sample(large.s, ChannelLayout::NHWC, bilinear, large.input, large.grid);
    EXPECT_CLOSE(a.output, b.output, scaled_tolerance(b.output), 0.99999);
}

// loss = sum(grad_output * output) in double, as a function of the grid.
double loss(const Problem& pr, const GridSampleOptions& o, const std::vector<float>& grid) {
    const GridSampleResult r = run_grid_sample(pr.s, ChannelLayout::NCHW, o, pr.input, grid);
    double sum = 0;
    for (size_t i = 0; i < r.output.size(); ++i) sum += static_cast<double>(pr.gout[i]) * r.output[i];
    return sum;
}

TEST(GridSampleGradients, GradGridMatchesCentralDifferencesForBilinearAndBicubic) {
    // Random grid values (some reflected or clipped) are almost surely not within a step of a pixel
    // boundary, where bilinear's gradient jumps; the seed is fixed.
    const Problem pr = random_problem({1, 2, 4, 5, 2, 3}, 1.3f, 7);
    for (GridSampleMode mode : {GridSampleMode::Bilinear, GridSampleMode::Bicubic}) {
        for (ops::PaddingMode pad :
             {ops::PaddingMode::Zeros, ops::PaddingMode::Border, ops::PaddingMode::Reflection}) {
            const GridSampleOptions o{mode, pad, pad != ops::PaddingMode::Border};
            SCOPED_TRACE(options_name(o));
            const GridSampleResult r =
                run_grid_sample(pr.s, ChannelLayout::NHWC, o, pr.input, pr.grid, pr.gout);
            const float h = 1e-3f;
            for (size_t i = 0; i < pr.grid.size(); ++i) {
                std::vector<float> plus = pr.grid, minus = pr.grid;
                plus[i] += h;
                minus[i] -= h;
                const double fd = (loss(pr, o, plus) - loss(pr, o, minus)) / (plus[i] - minus[i]);
                EXPECT_NEAR(r.grad_grid[i], fd, 2e-3 * std::max(1.0, std::abs(fd))) << "grid element " << i;
            }
        }
    }
}

TEST(GridSampleGradients, GradInputIsTheAdjointOfTheForwardPass) {
    // The output is linear in the input, so <grad_output, forward(x)> == <grad_input, x>.
    const Problem pr = random_problem({2, 5, 6, 7, 5, 4}, 1.4f, 21);
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        for (ChannelLayout layout : {ChannelLayout::NCHW, ChannelLayout::NHWC}) {
            SCOPED_TRACE(options_name(o));
            const GridSampleResult r = run_grid_sample(pr.s, layout, o, pr.input, pr.grid, pr.gout);
            double lhs = 0, rhs = 0, scale = 0;
            for (size_t i = 0; i < r.output.size(); ++i) lhs += static_cast<double>(pr.gout[i]) * r.output[i];
            for (size_t i = 0; i < pr.input.size(); ++i) {
                rhs += static_cast<double>(r.grad_input[i]) * pr.input[i];
                scale += std::abs(static_cast<double>(r.grad_input[i]) * pr.input[i]);
            }
            EXPECT_NEAR(lhs, rhs, 1e-5 * std::max(1.0, scale));
        }
    }
}

TEST(GridSampleDeterminism, BackwardIsBitIdenticalAcrossRunsAndThreadCounts) {
    const Problem pr = random_problem({2, 40, 9, 11, 23, 19}, 1.2f, 55);  // many points share taps
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        for (ChannelLayout layout : {ChannelLayout::NCHW, ChannelLayout::NHWC}) {
            SCOPED_TRACE(options_name(o));
            const GridSampleResult a = run_grid_sample(pr.s, layout, o, pr.input, pr.grid, pr.gout);
            const GridSampleResult b = run_grid_sample(pr.s, layout, o, pr.input, pr.grid, pr.gout);
            const GridSampleResult c = [&] {
                GridSampleResult r;
                oneapi::tbb::task_arena(1).execute(
                    [&] { r = run_grid_sample(pr.s, layout, o, pr.input, pr.grid, pr.gout); });
                return r;
            }();
            for (const GridSampleResult* other : {&b, &c}) {
                EXPECT_EQ(0, std::memcmp(a.output.data(), other->output.data(), a.output.size() * 4));
                EXPECT_EQ(
                    0, std::memcmp(a.grad_input.data(), other->grad_input.data(), a.grad_input.size() * 4));
                EXPECT_EQ(0,
                          std::memcmp(a.grad_grid.data(), other->grad_grid.data(), a.grad_grid.size() * 4));
            }
        }
    }
}

std::string validation_error(const std::vector<int64_t>& input, const std::vector<int64_t>& grid,
                             ChannelLayout layout = ChannelLayout::NCHW) {
    try {
        ops::validate_grid_sample_shapes(input, grid, layout);
    } catch (const InvalidArgument& e) {
        return e.what();
    }
    return "no error";
}

TEST(GridSampleValidation, ShapesAreCheckedWithPreciseMessages) {
    EXPECT_EQ(validation_error({2, 3, 5}, {2, 4, 6, 2}),
              "grid_sample: input must be 4-D [N, C, H, W] (NCHW), got [2, 3, 5] (3-D)");
    EXPECT_EQ(validation_error({2, 3, 5, 7}, {2, 8, 8, 3}),
              "grid_sample: grid must be [N, Ho, Wo, 2], got [2, 8, 8, 3]");
    EXPECT_EQ(validation_error({2, 3, 5, 7}, {2, 8, 2}),
              "grid_sample: grid must be [N, Ho, Wo, 2], got [2, 8, 2]");
    EXPECT_EQ(
        validation_error({2, 3, 5, 7}, {3, 4, 6, 2}),
        "grid_sample: grid batch 3 does not match input batch 2 (input [2, 3, 5, 7], grid [3, 4, 6, 2])");
    EXPECT_EQ(validation_error({2, 0, 5, 7}, {2, 4, 6, 2}),
              "grid_sample: input [N, C, H, W] (NCHW) must have positive dims, got [2, 0, 5, 7]");
    EXPECT_EQ(validation_error({2, 5, 7, 3}, {2, 0, 6, 2}, ChannelLayout::NHWC),
              "grid_sample: grid [N, Ho, Wo, 2] must have positive dims, got [2, 0, 6, 2]");
    EXPECT_EQ(
        validation_error({1 << 30, 1 << 30, 1 << 30, 8}, {1 << 30, 1, 1, 2}),
        "grid_sample: input [1073741824, 1073741824, 1073741824, 8] has more elements than int64 can count");
    EXPECT_EQ(
        validation_error({2, 3, 5, 7}, {2, int64_t{1} << 40, int64_t{1} << 40, 2}),
        "grid_sample: grid [2, 1099511627776, 1099511627776, 2] has more elements than int64 can count");
    EXPECT_EQ(validation_error({1, 16, 1, 1}, {1, 1 << 30, 1 << 30, 2}),
              "grid_sample: output [1, 16, 1073741824, 1073741824] has more elements than int64 can count");
    const GridSampleShape s =
        ops::validate_grid_sample_shapes({2, 5, 7, 3}, {2, 4, 6, 2}, ChannelLayout::NHWC);
    EXPECT_EQ(ops::grid_sample_output_shape(s, ChannelLayout::NHWC), (std::vector<int64_t>{2, 4, 6, 3}));
    EXPECT_EQ(ops::grid_sample_output_shape(s, ChannelLayout::NCHW), (std::vector<int64_t>{2, 3, 4, 6}));
}

TEST(GridSampleValidation, KernelsRefuseInvalidShapesInsteadOfCrashing) {
    float x = 0;
    EXPECT_THROW(ops::grid_sample_forward_cpu(&x, &x, &x, {1, 1, 0, 1, 1, 1}, ChannelLayout::NCHW, {}),
                 InvalidArgument);
    EXPECT_THROW(
        ops::grid_sample_backward_cpu(&x, &x, &x, &x, &x, {-1, 1, 1, 1, 1, 1}, ChannelLayout::NHWC, {}),
        InvalidArgument);
    EXPECT_THROW(ops::affine_grid_cpu(&x, &x, 1, 0, 3, false), InvalidArgument);
}

}  // namespace
}  // namespace tilesim::testing
