// grid_sample CPU reference against PyTorch fixtures (tests/golden/gen_grid_sample.py), in both layouts.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/compare.hpp"
#include "common/golden.hpp"
#include "grid_sample_test_util.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"

namespace tilesim::testing {
namespace {

using ops::ChannelLayout;

GridSampleOptions options_of(const GoldenCase& c) {
    return {ops::parse_grid_sample_mode(c.params.at("mode").get<std::string>()),
            ops::parse_padding_mode(c.params.at("padding_mode").get<std::string>()),
            c.params.at("align_corners").get<bool>()};
}

GridSampleShape shape_of(const GoldenTensor& input, const GoldenTensor& grid) {
    return ops::validate_grid_sample_shapes(input.shape, grid.shape, ChannelLayout::NCHW);
}

const std::vector<GoldenCase>& fixture() {
    static const std::vector<GoldenCase> cases = load_golden("grid_sample.json");
    return cases;
}

// Runs every grid_sample case whose name starts with `prefix` in `layout` and compares with PyTorch.
int check_cases(const std::string& prefix, ChannelLayout layout) {
    int checked = 0;
    for (const GoldenCase& c : fixture()) {
        if (c.name.rfind(prefix, 0) != 0 || !c.params.contains("mode")) continue;
        SCOPED_TRACE(c.name + " " + std::string(ops::to_string(layout)));
        const GoldenTensor input = c.tensor("input"), grid = c.tensor("grid");
        const GridSampleShape s = shape_of(input, grid);
        const bool backward = c.params.at("has_backward").get<bool>();
        const GoldenTensor gout = c.tensor("grad_output");
        const GridSampleResult r =
            run_grid_sample(s, layout, options_of(c), input.data, grid.data,
                            backward ? std::span<const float>(gout.data) : std::span<const float>());
        const std::vector<float> out = c.tensor("output").data;
        EXPECT_CLOSE(r.output, out, scaled_tolerance(out), 0.99999);
        if (backward) {
            const std::vector<float> gi = c.tensor("grad_input").data, gg = c.tensor("grad_grid").data;
            EXPECT_CLOSE(r.grad_input, gi, scaled_tolerance(gi), 0.99999);
            EXPECT_CLOSE(r.grad_grid, gg, scaled_tolerance(gg), 0.99999);
        }
        ++checked;
    }
    return checked;
}

class GridSampleGolden : public ::testing::TestWithParam<ChannelLayout> {};

TEST_P(GridSampleGolden, EveryModePaddingAndAlignCornersMatchesPyTorchForwardAndBackward) {
    for (const char* mode : {"bilinear", "nearest", "bicubic"}) {
        EXPECT_EQ(check_cases(mode, GetParam()), 6) << mode;
    }
}

TEST_P(GridSampleGolden, NanInfAndHugeGridValuesMatchPyTorch) {
    // Zeros padding: a non-finite coordinate makes bilinear/bicubic weights NaN and PyTorch multiplies the
    // zeros it reads by them, so the output is NaN; huge finite values read zeros; nearest reads 0.
    // Border/reflection clamp NaN to 0 (reading the first row/column); bicubic still weighs by NaN.
    EXPECT_EQ(check_cases("special_", GetParam()), 18);
}

INSTANTIATE_TEST_SUITE_P(Layouts, GridSampleGolden,
                         ::testing::Values(ChannelLayout::NCHW, ChannelLayout::NHWC),
                         [](const auto& info) { return std::string(ops::to_string(info.param)); });

// PyTorch 1.13 segfaults in bilinear backward with border/reflection padding and a NaN grid (its gradient
// clamp lets NaN through while its forward clamp sends NaN to 0). tilesim follows the forward clamp: a NaN
// coordinate behaves as the lowest border, clipped, so it gets zero gradient, exactly like grid value -1.
TEST(GridSampleSpecialValues, BilinearBorderAndReflectionBackwardTreatNanAsTheClippedLowBorder) {
    const GridSampleShape s{1, 3, 4, 5, 2, 3};
    const std::vector<float> input = random_vector(s.n * s.c * s.h * s.w, -1, 1, 11);
    const std::vector<float> gout = random_vector(s.n * s.c * s.out_h * s.out_w, -1, 1, 12);
    std::vector<float> nan_grid = random_vector(s.n * s.out_h * s.out_w * 2, -0.9f, 0.9f, 13);
    std::vector<float> low_grid = nan_grid;
    nan_grid[0] = nan_grid[5] = nan_grid[8] = nan_grid[9] = NAN;
    low_grid[0] = low_grid[5] = low_grid[8] = low_grid[9] = -1.f;
    for (auto padding : {ops::PaddingMode::Border, ops::PaddingMode::Reflection}) {
        for (bool ac : {false, true}) {
            for (auto layout : {ChannelLayout::NCHW, ChannelLayout::NHWC}) {
                const GridSampleOptions o{ops::GridSampleMode::Bilinear, padding, ac};
                SCOPED_TRACE(options_name(o));
                const GridSampleResult a = run_grid_sample(s, layout, o, input, nan_grid, gout);
                const GridSampleResult b = run_grid_sample(s, layout, o, input, low_grid, gout);
                EXPECT_CLOSE(a.output, b.output, 0.0, 1.0);
                EXPECT_CLOSE(a.grad_input, b.grad_input, 0.0, 1.0);
                EXPECT_CLOSE(a.grad_grid, b.grad_grid, 0.0, 1.0);
            }
        }
    }
}

TEST(AffineGrid, MatchesPyTorchForEverySizeAndAlignCorners) {
    int checked = 0;
    for (const GoldenCase& c : fixture()) {
        if (c.name.rfind("affine_", 0) != 0) continue;
        SCOPED_TRACE(c.name);
        const int64_t n = c.params.at("n"), h = c.params.at("h"), w = c.params.at("w");
        const GoldenTensor theta = c.tensor("theta"), expected = c.tensor("grid");
        std::vector<float> grid(n * h * w * 2, -7.f);
        ops::affine_grid_cpu(theta.data.data(), grid.data(), n, h, w,
                             c.params.at("align_corners").get<bool>());
        EXPECT_CLOSE(grid, expected.data, 1e-6 * 4, 0.99999);
        ++checked;
    }
    EXPECT_EQ(checked, 8);
}

}  // namespace
}  // namespace tilesim::testing
