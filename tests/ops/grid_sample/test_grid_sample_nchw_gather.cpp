// NCHW forward by gathering taps (grid_sample_forward_nchw_gather.cpp): 16-channel blocks copied
// channels-last, for any grid, give the channels-last kernel's values bit for bit; fewer channels on
// scattered grids (random sampling points, issue #22) gather from the planes, equal within rounding; every
// mode, padding and alignment, at the borders and for non-finite grids.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>

#include "common/compare.hpp"
#include "grid_sample_test_util.hpp"
#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"

namespace tilesim::testing {
namespace {

using ops::ChannelLayout;

std::vector<float> random_grid(const GridSampleShape& s, float range, uint32_t seed) {
    return random_vector(s.n * s.out_h * s.out_w * 2, -range, range, seed);
}

// A rotation and zoom (affine_grid), as spatial transformers produce.
std::vector<float> smooth_grid(const GridSampleShape& s) {
    std::vector<float> theta;
    for (int64_t n = 0; n < s.n; ++n) theta.insert(theta.end(), {1.05f, -0.2f, 0.05f, 0.2f, 1.05f, -0.03f});
    std::vector<float> grid(s.n * s.out_h * s.out_w * 2);
    ops::affine_grid_cpu(theta.data(), grid.data(), s.n, s.out_h, s.out_w, false);
    return grid;
}

// Some entries NaN, infinite, huge or exactly on a border.
std::vector<float> with_special_values(std::vector<float> grid) {
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              1e10f,
                              -1e10f,
                              1.f,
                              -1.f,
                              0.999999f};
    for (size_t i = 0; i < grid.size(); i += 7) grid[i] = specials[(i / 7) % std::size(specials)];
    return grid;
}

// With whole blocks of 16 channels both layouts apply the same vector arithmetic (w0 * v0, then fused
// multiply-adds) to every channel: equal bit for bit (NaN included).
void expect_nchw_equals_nhwc(const GridSampleShape& s, const std::vector<float>& grid, uint32_t seed) {
    const std::vector<float> input = random_vector(s.n * s.c * s.h * s.w, -1, 1, seed);
    const bool bitwise = s.c % 16 == 0;
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        SCOPED_TRACE(options_name(o));
        const GridSampleResult a = run_grid_sample(s, ChannelLayout::NCHW, o, input, grid);
        const GridSampleResult b = run_grid_sample(s, ChannelLayout::NHWC, o, input, grid);
        ASSERT_EQ(a.output.size(), b.output.size());
        if (!bitwise) {
            EXPECT_CLOSE(a.output, b.output, scaled_tolerance(b.output), 0.99999);
            continue;
        }
        size_t differing = 0;
        for (size_t i = 0; i < a.output.size(); ++i)
            differing += std::memcmp(&a.output[i], &b.output[i], 4) != 0;
        EXPECT_EQ(differing, 0u) << "of " << a.output.size();
    }
}

TEST(GridSampleNchwGather, SixteenChannelsOrMoreOrAScatteredGridTakeTheGatherKernel) {
    for (const GridSampleShape& s :
         {GridSampleShape{2, 5, 29, 37, 23, 41}, GridSampleShape{1, 3, 67, 2, 5, 37},
          GridSampleShape{1, 3, 67, 1, 5, 37}, GridSampleShape{1, 7, 31, 33, 9, 64}}) {
        EXPECT_TRUE(ops::detail::nchw_grid_is_scattered(random_grid(s, 1.1f, 1).data(), s));
    }
    const GridSampleShape s{2, 8, 64, 64, 48, 48};
    EXPECT_FALSE(ops::detail::nchw_grid_is_scattered(smooth_grid(s).data(), s));
    EXPECT_FALSE(ops::detail::nchw_takes_gather_kernel(smooth_grid(s).data(), s));
    // 16 channels or more: any grid.
    const GridSampleShape blocks{2, 16, 64, 64, 48, 48};
    EXPECT_TRUE(ops::detail::nchw_takes_gather_kernel(smooth_grid(blocks).data(), blocks));
    EXPECT_TRUE(ops::detail::nchw_takes_gather_kernel(random_grid(s, 1.1f, 2).data(), s));
}

TEST(GridSampleNchwGather, ChannelBlocksGiveTheChannelsLastValuesBitForBit) {
    // Random grids (a fifth of the points and more with a tap outside), smooth ones, non-finite values;
    // partial groups of 16 points at the end of each image's points.
    const GridSampleShape s{2, 32, 29, 37, 23, 41};
    expect_nchw_equals_nhwc(s, random_grid(s, 1.2f, 11), 10);
    expect_nchw_equals_nhwc(s, smooth_grid(s), 12);
    expect_nchw_equals_nhwc(s, with_special_values(random_grid(s, 1.1f, 13)), 14);
}

TEST(GridSampleNchwGather, ChannelsBesideTheBlocksAndFewerChannelsMatchTheChannelsLastValues) {
    // 19 = one block + 3 gathered channels; 5: gathered only (bilinear by pixel pairs).
    for (int64_t c : {19, 5}) {
        SCOPED_TRACE(c);
        const GridSampleShape s{2, c, 29, 37, 23, 41};
        expect_nchw_equals_nhwc(s, random_grid(s, 1.2f, 21), 20);
        expect_nchw_equals_nhwc(s, with_special_values(random_grid(s, 1.1f, 23)), 22);
    }
}

TEST(GridSampleNchwGather, PlanesOneAndTwoPixelsWide) {
    // Two columns: every bilinear pixel pair is the whole row, shifted at both borders. One column: no pair
    // fits, bilinear gathers pixel by pixel.
    for (int64_t w : {2, 1}) {
        for (int64_t c : {3, 16}) {
            const GridSampleShape s{1, c, 67, w, 5, 37};
            SCOPED_TRACE(::testing::Message() << "w " << w << " c " << c);
            expect_nchw_equals_nhwc(s, random_grid(s, 1.3f, 31), 30);
        }
    }
}

TEST(GridSampleNchwGather, ResultsDoNotDependOnTheThreadCount) {
    for (int64_t c : {35, 6}) {
        const GridSampleShape s{3, c, 40, 50, 37, 45};
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
}

}  // namespace
}  // namespace tilesim::testing
