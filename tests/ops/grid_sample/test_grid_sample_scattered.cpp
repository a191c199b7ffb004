// NCHW forward on scattered grids (neighbouring points far apart: random sampling points, issue #22): the
// kernel that gathers every value (grid_sample_forward_nchw_scattered.cpp) gives the channels-last kernel's
// values bit for bit, for every mode, padding and alignment, at the borders and for non-finite grids.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include "grid_sample_test_util.hpp"
#include "ops/grid_sample/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"

namespace tilesim::testing {
namespace {

using ops::ChannelLayout;

// 32 channels: a whole number of vectors for the NHWC kernel on every instruction set, so that it applies
// its vector arithmetic (w0 * v0, then fused multiply-adds) to every channel, as the NCHW kernel does.
void expect_nchw_equals_nhwc_bitwise(const GridSampleShape& s, std::vector<float> grid, uint32_t seed) {
    const std::vector<float> input = random_vector(s.n * s.c * s.h * s.w, -1, 1, seed);
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        SCOPED_TRACE(options_name(o));
        const GridSampleResult a = run_grid_sample(s, ChannelLayout::NCHW, o, input, grid);
        const GridSampleResult b = run_grid_sample(s, ChannelLayout::NHWC, o, input, grid);
        ASSERT_EQ(a.output.size(), b.output.size());
        size_t differing = 0;
        for (size_t i = 0; i < a.output.size(); ++i)
            differing += std::memcmp(&a.output[i], &b.output[i], 4) != 0;
        EXPECT_EQ(differing, 0u) << "of " << a.output.size();
    }
}

std::vector<float> random_grid(const GridSampleShape& s, float range, uint32_t seed) {
    return random_vector(s.n * s.out_h * s.out_w * 2, -range, range, seed);
}

TEST(GridSampleScattered, RandomGridsAreScatteredAndSmoothWarpsAreNot) {
    // The shapes of the tests below take the scattered kernel.
    for (const GridSampleShape& s :
         {GridSampleShape{2, 32, 29, 37, 23, 41}, GridSampleShape{1, 32, 67, 2, 5, 37},
          GridSampleShape{1, 32, 67, 1, 5, 37}, GridSampleShape{1, 32, 31, 33, 9, 64}}) {
        EXPECT_TRUE(ops::detail::nchw_grid_is_scattered(random_grid(s, 1.1f, 1).data(), s));
    }
    const GridSampleShape s{2, 8, 64, 64, 48, 48};
    std::vector<float> grid(s.n * s.out_h * s.out_w * 2);
    const float theta[12] = {0.9f, -0.2f, 0.05f, 0.2f, 0.9f, -0.03f, 1.1f, 0.f, 0.f, 0.f, 1.1f, 0.f};
    ops::affine_grid_cpu(theta, grid.data(), s.n, s.out_h, s.out_w, false);
    EXPECT_FALSE(ops::detail::nchw_grid_is_scattered(grid.data(), s));
}

TEST(GridSampleScattered, NchwGivesTheChannelsLastValuesBitForBitForEveryOption) {
    // A fifth of the points and more have a tap outside the image; partial vector groups at the end of
    // each image's points; tiles of several images.
    const GridSampleShape s{2, 32, 29, 37, 23, 41};
    expect_nchw_equals_nhwc_bitwise(s, random_grid(s, 1.2f, 11), 10);
}

TEST(GridSampleScattered, NchwGivesTheChannelsLastValuesOnPlanesOneAndTwoPixelsWide) {
    // Two columns: every bilinear pixel pair is the whole row, shifted at both borders. One column: no pair
    // fits, bilinear gathers pixel by pixel.
    for (int64_t w : {2, 1}) {
        const GridSampleShape s{1, 32, 67, w, 5, 37};
        SCOPED_TRACE(w);
        expect_nchw_equals_nhwc_bitwise(s, random_grid(s, 1.3f, 21), 20);
    }
}

TEST(GridSampleScattered, NchwGivesTheChannelsLastValuesForNonFiniteAndHugeGridValues) {
    const GridSampleShape s{1, 32, 31, 33, 9, 64};
    std::vector<float> grid = random_grid(s, 1.1f, 31);
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              1e10f,
                              -1e10f,
                              1.f,
                              -1.f,
                              0.999999f};
    for (size_t i = 0; i < grid.size(); i += 7) grid[i] = specials[(i / 7) % std::size(specials)];
    expect_nchw_equals_nhwc_bitwise(s, grid, 30);
}

TEST(GridSampleScattered, NchwResultsDoNotDependOnTheThreadCount) {
    const GridSampleShape s{3, 32, 40, 50, 37, 45};
    const std::vector<float> input = random_vector(s.n * s.c * s.h * s.w, -1, 1, 40);
    const std::vector<float> grid = random_grid(s, 1.1f, 41);
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        SCOPED_TRACE(options_name(o));
        const GridSampleResult a = run_grid_sample(s, ChannelLayout::NCHW, o, input, grid);
        GridSampleResult b;
        oneapi::tbb::task_arena(1).execute(
            [&] { b = run_grid_sample(s, ChannelLayout::NCHW, o, input, grid); });
        EXPECT_EQ(0, std::memcmp(a.output.data(), b.output.data(), a.output.size() * 4));
    }
}

}  // namespace
}  // namespace tilesim::testing
