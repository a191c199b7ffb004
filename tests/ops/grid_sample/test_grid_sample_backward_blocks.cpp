// NCHW backward in channel blocks (grid_sample_backward_nchw.cpp) against a plain scalar reference computed
// in double from the same taps: random odd shapes (whole blocks, a partial block, fewer than 16 channels),
// every mode, padding and alignment, both layouts, grids out of range and points exactly on pixel borders.
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
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

struct Gradients {
    std::vector<float> grad_input, grad_grid;
};

// grad_input[pixel] += weight * grad_output and grad_grid = sum over taps of (grad_output . input[pixel]) *
// d weight / d grid, point by point in double: no blocks, no vectors.
template <ops::GridSampleMode M>
Gradients scalar_backward(const GridSampleShape& s, const GridSampleOptions& o,
                          const std::vector<float>& input, const std::vector<float>& grid,
                          const std::vector<float>& gout) {
    constexpr int K = ops::kTapsPerAxis<M>;
    const int64_t in_plane = s.h * s.w, out_plane = s.out_h * s.out_w;
    std::vector<double> gi(input.size(), 0.0);
    Gradients r{std::vector<float>(input.size()), std::vector<float>(grid.size())};
    for (int64_t n = 0; n < s.n; ++n) {
        for (int64_t p = 0; p < out_plane; ++p) {
            const float* g = &grid[2 * (n * out_plane + p)];
            ops::GridStencil<K> st;
            ops::make_stencil<M, true>(g[0], g[1], s.h, s.w, o.padding_mode, o.align_corners, st);
            double gx = 0, gy = 0;
            for (int t = 0; t < K * K; ++t) {
                double dot = 0;
                for (int64_t c = 0; c < s.c && st.pixel[t] >= 0; ++c) {
                    const double go = gout[(n * s.c + c) * out_plane + p];
                    dot += go * input[(n * s.c + c) * in_plane + st.pixel[t]];
                    gi[(n * s.c + c) * in_plane + st.pixel[t]] += double(st.weight[t]) * go;
                }
                gx += dot * st.dweight_dx[t];
                gy += dot * st.dweight_dy[t];
            }
            const bool nearest = M == ops::GridSampleMode::Nearest;
            r.grad_grid[2 * (n * out_plane + p)] = nearest ? 0.f : static_cast<float>(gx);
            r.grad_grid[2 * (n * out_plane + p) + 1] = nearest ? 0.f : static_cast<float>(gy);
        }
    }
    for (size_t i = 0; i < gi.size(); ++i) r.grad_input[i] = static_cast<float>(gi[i]);
    return r;
}

Gradients scalar_backward(const GridSampleShape& s, const GridSampleOptions& o,
                          const std::vector<float>& input, const std::vector<float>& grid,
                          const std::vector<float>& gout) {
    Gradients r;
    ops::detail::dispatch_mode(
        o.mode, [&](auto mode) { r = scalar_backward<decltype(mode)::value>(s, o, input, grid, gout); });
    return r;
}

// Inverse of the unnormalize: the grid value whose pixel coordinate is x.
float grid_from_pixel(double x, int64_t size, bool align_corners) {
    return static_cast<float>(align_corners ? x * 2.0 / double(size - 1) - 1.0
                                            : (2.0 * x + 1.0) / double(size) - 1.0);
}

// Uniform in [-1.3, 1.3] (a third of the points read outside the image), every fourth coordinate on a
// pixel centre or a half-pixel (bilinear tap borders, nearest's ties), some exactly -1, +1 and on the
// outer edges (pixel -0.5 and size - 0.5).
std::vector<float> border_grid(const GridSampleShape& s, bool align_corners, uint32_t seed) {
    std::vector<float> grid = random_vector(s.n * s.out_h * s.out_w * 2, -1.3f, 1.3f, seed);
    const std::vector<float> pick = random_vector(grid.size(), 0.f, 1.f, seed + 1);
    for (size_t i = 0; i < grid.size(); i += 4) {
        const int64_t size = i % 2 == 0 ? s.w : s.h;
        const double pixel = std::floor(pick[i] * double(size + 2)) - 1.0;  // -1 .. size
        switch (i / 4 % 4) {
            case 0:
                grid[i] = grid_from_pixel(pixel, size, align_corners);
                break;
            case 1:
                grid[i] = grid_from_pixel(pixel + 0.5, size, align_corners);
                break;
            case 2:
                grid[i] = (i / 16) % 2 ? 1.f : -1.f;
                break;
            default:
                grid[i] = grid_from_pixel(pick[i] < 0.5f ? -0.5 : double(size) - 0.5, size, align_corners);
        }
    }
    return grid;
}

void expect_matches_scalar_reference(const GridSampleShape& s, uint32_t seed) {
    const std::vector<float> input = random_vector(s.n * s.c * s.h * s.w, -1, 1, seed);
    const std::vector<float> gout = random_vector(s.n * s.c * s.out_h * s.out_w, -1, 1, seed + 1);
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        const std::vector<float> grid = border_grid(s, o.align_corners, seed + 2);
        const Gradients expected = scalar_backward(s, o, input, grid, gout);
        for (ChannelLayout layout : {ChannelLayout::NCHW, ChannelLayout::NHWC}) {
            SCOPED_TRACE(options_name(o) + " " + std::string(ops::to_string(layout)));
            const GridSampleResult r = run_grid_sample(s, layout, o, input, grid, gout);
            // float accumulation against double: 1e-5 of the largest value, PCC 0.99999
            EXPECT_CLOSE(r.grad_input, expected.grad_input, scaled_tolerance(expected.grad_input), 0.99999);
            EXPECT_CLOSE(r.grad_grid, expected.grad_grid, scaled_tolerance(expected.grad_grid, 2e-5),
                         0.99999);
        }
    }
}

TEST(GridSampleBackwardBlocks, WholeAndPartialChannelBlocksMatchTheScalarReference) {
    expect_matches_scalar_reference({2, 37, 13, 17, 11, 9}, 300);  // two whole blocks and 5 channels
    expect_matches_scalar_reference({3, 16, 7, 19, 5, 13}, 310);   // one whole block
}

TEST(GridSampleBackwardBlocks, FewChannelsAndOnePixelWideMapsMatchTheScalarReference) {
    expect_matches_scalar_reference({1, 3, 9, 11, 17, 3}, 320);
    expect_matches_scalar_reference({2, 5, 1, 7, 3, 4}, 330);
    expect_matches_scalar_reference({1, 21, 6, 1, 5, 5}, 340);
}

TEST(GridSampleBackwardBlocks, PixelRangesOfOneBlockMatchTheScalarReference) {
    // One image of two blocks and 667 pixels: no split. Then 2109 pixels: two ranges per block.
    expect_matches_scalar_reference({1, 19, 23, 29, 97, 89}, 360);
    expect_matches_scalar_reference({1, 19, 37, 57, 41, 43}, 370);
}

TEST(GridSampleBackwardBlocks, MapsPastTheAccumulatorBudgetMatchTheScalarReference) {
    // 300000 pixels: a 16-channel accumulator would pass 16 MiB, so the pixels go in two ranges.
    expect_matches_scalar_reference({1, 3, 600, 500, 21, 19}, 380);
}

class GridSampleBackwardBlocksThreads : public ::testing::TestWithParam<GridSampleShape> {};

TEST_P(GridSampleBackwardBlocksThreads, IsBitIdenticalForOneThreadAndMany) {
    const GridSampleShape s = GetParam();
    const std::vector<float> input = random_vector(s.n * s.c * s.h * s.w, -1, 1, 350);
    const std::vector<float> gout = random_vector(s.n * s.c * s.out_h * s.out_w, -1, 1, 351);
    const std::vector<float> grid = border_grid(s, false, 352);
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        SCOPED_TRACE(options_name(o));
        const GridSampleResult many = run_grid_sample(s, ChannelLayout::NCHW, o, input, grid, gout);
        GridSampleResult one;
        oneapi::tbb::task_arena(1).execute(
            [&] { one = run_grid_sample(s, ChannelLayout::NCHW, o, input, grid, gout); });
        EXPECT_EQ(0, std::memcmp(many.grad_input.data(), one.grad_input.data(), many.grad_input.size() * 4));
        EXPECT_EQ(0, std::memcmp(many.grad_grid.data(), one.grad_grid.data(), many.grad_grid.size() * 4));
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, GridSampleBackwardBlocksThreads,
                         ::testing::Values(GridSampleShape{1, 48, 15, 13, 29, 31},   // blocks split the work
                                           GridSampleShape{1, 19, 37, 57, 41, 43}),  // and pixel ranges
                         [](const auto& info) {
                             return info.param.c == 48 ? std::string("ThreeBlocks")
                                                       : std::string("TwoPixelRanges");
                         });

}  // namespace
}  // namespace tilesim::testing
