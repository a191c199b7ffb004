// RAFT correlation pyramid, lookup (CorrBlock), alternate lookup (AlternateCorrBlock) and backward.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "common/compare.hpp"
#include "correlation_test_utils.hpp"
#include "ops/correlation/corr_lookup_reference.hpp"

namespace tilesim::testing {
namespace {

using ops::NchwShape;

// Pixel grid plus a random flow in [-spread, spread], as RAFT's coords1 = coords0 + flow.
OwnedNchw random_coords(int64_t B, int64_t H, int64_t W, float spread, uint32_t seed) {
    OwnedNchw c{random_values(B * 2 * H * W, seed, -spread, spread), {B, 2, H, W}};
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < H; ++y)
            for (int64_t x = 0; x < W; ++x) {
                c.data[((b * 2 + 0) * H + y) * W + x] += static_cast<float>(x);
                c.data[((b * 2 + 1) * H + y) * W + x] += static_cast<float>(y);
            }
    return c;
}

// Level-0 volume entry, in double: dot(f1[:, p1], f2[:, p2]) / sqrt(C).
double volume(const OwnedNchw& f1, const OwnedNchw& f2, int64_t b, int64_t p1, int64_t p2) {
    const auto [B, C, H, W] = f1.shape;
    double s = 0;
    for (int64_t c = 0; c < C; ++c)
        s += double(f1.data[(b * C + c) * H * W + p1]) * f2.data[(b * C + c) * H * W + p2];
    return s / std::sqrt(double(C));
}

TEST(CorrLookup, BothPathsAndTheBackwardMatchPyTorchFixtures) {
    const auto cases = load_golden("correlation_raft.json");
    ASSERT_GE(cases.size(), 3u);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto f1 = from_golden(c.tensor("fmap1")), f2 = from_golden(c.tensor("fmap2"));
        const auto coords = from_golden(c.tensor("coords"));
        const int levels = c.params.at("num_levels").get<int>(), radius = c.params.at("radius").get<int>();
        const auto expected = c.tensor("output");
        const auto pyramid = ops::corr_pyramid_cpu(f1.view(), f2.view(), levels);
        const auto out = ops::corr_lookup_cpu(pyramid, coords.view(), radius);
        EXPECT_EQ(out.shape, expected.shape);
        EXPECT_CLOSE(out.data, expected.data, tolerance(expected.data), 0.999999);
        const auto alt = ops::corr_lookup_alternate_cpu(f1.view(), f2.view(), coords.view(), levels, radius);
        EXPECT_EQ(alt.shape, expected.shape);
        EXPECT_CLOSE(alt.data, expected.data, tolerance(expected.data), 0.999999);
        const auto grads = ops::corr_lookup_backward_cpu(c.tensor("grad_output").data, f1.view(), f2.view(),
                                                         coords.view(), levels, radius);
        const auto g1 = c.tensor("grad_fmap1"), g2 = c.tensor("grad_fmap2");
        EXPECT_CLOSE(grads.grad_input1, g1.data, tolerance(g1.data), 0.999999);
        EXPECT_CLOSE(grads.grad_input2, g2.data, tolerance(g2.data), 0.999999);
    }
}

TEST(CorrLookup, PyramidLevelsAreTheScaledVolumeAndItsFloorPooling) {
    const NchwShape shape{2, 19, 7, 9};
    const auto f1 = random_nchw(shape, 1), f2 = random_nchw(shape, 2);
    const auto pyr = ops::corr_pyramid_cpu(f1.view(), f2.view(), 3);
    EXPECT_EQ(pyr.level_h, (std::vector<int64_t>{7, 3, 1}));
    EXPECT_EQ(pyr.level_w, (std::vector<int64_t>{9, 4, 2}));
    const int64_t HW = 63;
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t p1 = 0; p1 < HW; p1 += 5)
            for (int64_t p2 = 0; p2 < HW; ++p2) {
                EXPECT_NEAR(pyr.levels[0][(b * HW + p1) * HW + p2], volume(f1, f2, b, p1, p2), 1e-5);
            }
    // Level 1 pixel (2, 3) averages level-0 rows 4-5, columns 6-7; level 2 pixel (0, 1) averages level 1's
    // rows 0-1, columns 2-3 (level 1's last row is dropped by the floor).
    const int64_t b = 1, p1 = 40;
    const float* l0 = &pyr.levels[0][(b * HW + p1) * HW];
    const float* l1 = &pyr.levels[1][(b * HW + p1) * 12];
    EXPECT_NEAR(l1[2 * 4 + 3], (l0[4 * 9 + 6] + l0[4 * 9 + 7] + l0[5 * 9 + 6] + l0[5 * 9 + 7]) / 4, 1e-6);
    EXPECT_NEAR(pyr.levels[2][(b * HW + p1) * 2 + 1],
                (l1[0 * 4 + 2] + l1[0 * 4 + 3] + l1[4 + 2] + l1[4 + 3]) / 4, 1e-6);
}

// RAFT adds stack(meshgrid(dy, dx), -1) to (x, y): channel a*(2r+1) + b samples (x + a - r, y + b - r).
TEST(CorrLookup, ChannelOrderHasTheFirstWindowIndexMovingX) {
    const NchwShape shape{1, 5, 8, 10};
    const auto f1 = random_nchw(shape, 3), f2 = random_nchw(shape, 4);
    OwnedNchw coords = random_coords(1, 8, 10, 0.f, 0);  // integer coordinates: samples hit pixels exactly
    const int r = 2, K = 5;
    const auto out = ops::corr_lookup_alternate_cpu(f1.view(), f2.view(), coords.view(), 1, r);
    const int64_t h = 4, w = 5, p1 = h * 10 + w;
    for (int a = 0; a < K; ++a)
        for (int bb = 0; bb < K; ++bb) {
            const int64_t x = w + a - r, y = h + bb - r;
            EXPECT_NEAR(out.data[(a * K + bb) * 80 + p1], volume(f1, f2, 0, p1, y * 10 + x), 1e-5)
                << "a=" << a << " b=" << bb;
        }
}

TEST(CorrLookup, AlternatePathEqualsPyramidPath) {
    const NchwShape shape{2, 37, 13, 18};
    const auto f1 = random_nchw(shape, 5), f2 = random_nchw(shape, 6);
    auto coords = random_coords(2, 13, 18, 6.f, 7);
    coords.data[3] = -100.f;  // far outside: every tap reads zero
    coords.data[13 * 18 + 5] = 1e6f;
    for (int levels : {1, 3}) {
        SCOPED_TRACE(levels);
        const auto pyr =
            ops::corr_lookup_cpu(ops::corr_pyramid_cpu(f1.view(), f2.view(), levels), coords.view(), 3);
        const auto alt = ops::corr_lookup_alternate_cpu(f1.view(), f2.view(), coords.view(), levels, 3);
        ASSERT_EQ(pyr.shape, alt.shape);
        EXPECT_CLOSE(alt.data, pyr.data, tolerance(pyr.data), 0.999999);
    }
}

// CorrBlock's normalisation divides by (W - 1): a level of width or height 1 gives NaN there. tilesim
// samples in level pixels, so both paths read the single row/column (see corr_lookup_reference.hpp).
TEST(CorrLookup, ALevelOfOnePixelIsSampledInLevelPixels) {
    const NchwShape shape{1, 4, 8, 9};  // level 3 is 1x1
    const auto f1 = random_nchw(shape, 8), f2 = random_nchw(shape, 9);
    const auto coords = random_coords(1, 8, 9, 3.f, 10);
    const auto pyr = ops::corr_pyramid_cpu(f1.view(), f2.view(), 4);
    ASSERT_EQ(pyr.level_h[3], 1);
    const auto out = ops::corr_lookup_cpu(pyr, coords.view(), 1);
    const auto alt = ops::corr_lookup_alternate_cpu(f1.view(), f2.view(), coords.view(), 4, 1);
    EXPECT_CLOSE(alt.data, out.data, tolerance(out.data), 0.999999);
    // Level 3 pixel = mean of the 8x8 top-left block of the volume; bilinear weight of pixel (0, 0) at (y,
    // x).
    const int64_t p1 = 3 * 9 + 4;
    double mean = 0;
    for (int64_t y = 0; y < 8; ++y)
        for (int64_t x = 0; x < 8; ++x) mean += volume(f1, f2, 0, p1, y * 9 + x) / 64;
    const float x = coords.data[p1] / 8, y = coords.data[72 + p1] / 8;
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) {
            const double wx = std::max(0.0, 1 - std::abs(double(x + a - 1))),
                         wy = std::max(0.0, 1 - std::abs(double(y + b - 1)));
            EXPECT_NEAR(out.data[(27 + a * 3 + b) * 72 + p1], wx * wy * mean, 1e-5);
        }
}

TEST(CorrLookup, NonFiniteCoordinatesSampleZero) {
    const NchwShape shape{1, 3, 4, 5};
    const auto f1 = random_nchw(shape, 11), f2 = random_nchw(shape, 12);
    auto coords = random_coords(1, 4, 5, 1.f, 13);
    coords.data[0] = std::numeric_limits<float>::quiet_NaN();
    coords.data[20 + 1] = std::numeric_limits<float>::infinity();
    const auto pyr = ops::corr_lookup_cpu(ops::corr_pyramid_cpu(f1.view(), f2.view(), 2), coords.view(), 1);
    const auto alt = ops::corr_lookup_alternate_cpu(f1.view(), f2.view(), coords.view(), 2, 1);
    for (int64_t ch = 0; ch < 18; ++ch) {
        for (int64_t p : {0, 1}) {
            EXPECT_EQ(pyr.data[ch * 20 + p], 0.f);
            EXPECT_EQ(alt.data[ch * 20 + p], 0.f);
        }
    }
    const auto grads = ops::corr_lookup_backward_cpu(alt.data, f1.view(), f2.view(), coords.view(), 2, 1);
    for (float g : grads.grad_input1) EXPECT_TRUE(std::isfinite(g));
}

TEST(CorrLookup, GradientsMatchFiniteDifferences) {
    const NchwShape shape{1, 3, 4, 5};
    const auto f1 = random_nchw(shape, 21), f2 = random_nchw(shape, 22);
    const auto coords = random_coords(1, 4, 5, 2.f, 23);
    const auto grad_out = random_values(1 * 2 * 9 * 20, 24);
    const auto grads = ops::corr_lookup_backward_cpu(grad_out, f1.view(), f2.view(), coords.view(), 2, 1);
    // The lookup is linear in each fmap (coords fixed): central differences are exact up to rounding.
    auto g1 = [&](const std::vector<float>& x) {
        return ops::corr_lookup_alternate_cpu({x, shape}, f2.view(), coords.view(), 2, 1).data;
    };
    auto g2 = [&](const std::vector<float>& x) {
        return ops::corr_lookup_cpu(ops::corr_pyramid_cpu(f1.view(), {x, shape}, 2), coords.view(), 1).data;
    };
    expect_close_to_double(grads.grad_input1, finite_difference(g1, f1.data, grad_out, 0.25f), 1e-4);
    expect_close_to_double(grads.grad_input2, finite_difference(g2, f2.data, grad_out, 0.25f), 1e-4);
}

TEST(CorrLookup, ResultsAreBitIdenticalForAnyThreadCount) {
    const NchwShape shape{2, 24, 12, 17};
    const auto f1 = random_nchw(shape, 31), f2 = random_nchw(shape, 32);
    const auto coords = random_coords(2, 12, 17, 4.f, 33);
    auto run = [&] {
        auto pyr = ops::corr_lookup_cpu(ops::corr_pyramid_cpu(f1.view(), f2.view(), 3), coords.view(), 2);
        auto alt = ops::corr_lookup_alternate_cpu(f1.view(), f2.view(), coords.view(), 3, 2);
        auto grads = ops::corr_lookup_backward_cpu(alt.data, f1.view(), f2.view(), coords.view(), 3, 2);
        return std::make_tuple(pyr.data, alt.data, grads);
    };
    const auto one = with_threads(1, run), four = with_threads(4, run);
    EXPECT_TRUE(bitwise_equal(std::get<0>(one), std::get<0>(four)));
    EXPECT_TRUE(bitwise_equal(std::get<1>(one), std::get<1>(four)));
    EXPECT_TRUE(bitwise_equal(std::get<2>(one).grad_input1, std::get<2>(four).grad_input1));
    EXPECT_TRUE(bitwise_equal(std::get<2>(one).grad_input2, std::get<2>(four).grad_input2));
}

TEST(CorrLookup, RejectsBadArgumentsWithPreciseMessages) {
    const NchwShape shape{1, 3, 9, 11};
    const auto f = random_nchw(shape, 1);
    const auto coords = random_coords(1, 9, 11, 1.f, 2);
    EXPECT_THROW_MSG(
        ops::corr_lookup_alternate_cpu(f.view(), f.view(), coords.view(), 5, 4), InvalidArgument,
        "corr_lookup: level 4 of the pyramid would be 0x0 (feature maps 9x11 halved 4 times); use fewer "
        "than 5 levels or larger maps");
    EXPECT_THROW_MSG(ops::corr_pyramid_cpu(f.view(), f.view(), 0), InvalidArgument,
                     "corr_lookup: num_levels must be >= 1, got 0");
    EXPECT_THROW_MSG(ops::corr_lookup_alternate_cpu(f.view(), f.view(), coords.view(), 2, -1),
                     InvalidArgument, "corr_lookup: radius must be >= 0, got -1");
    const auto bad_coords = random_coords(1, 9, 10, 1.f, 3);
    EXPECT_THROW_MSG(
        ops::corr_lookup_alternate_cpu(f.view(), f.view(), bad_coords.view(), 2, 1), InvalidArgument,
        "corr_lookup: coords must be [B, 2, H, W] = [1, 2, 9, 11] (fmap1 [1, 3, 9, 11]), got [1, 2, 9, 10]");
    const auto pyr = ops::corr_pyramid_cpu(f.view(), f.view(), 2);
    EXPECT_THROW_MSG(
        ops::corr_lookup_cpu(pyr, bad_coords.view(), 1), InvalidArgument,
        "corr_lookup: coords must be [B, 2, H, W] = [1, 2, 9, 11] (pyramid of [1, 3, 9, 11]), got "
        "[1, 2, 9, 10]");
    const auto other = random_nchw({1, 4, 9, 11}, 4);
    EXPECT_THROW_MSG(
        ops::corr_pyramid_cpu(f.view(), other.view(), 2), InvalidArgument,
        "corr_lookup: fmap1 and fmap2 must have the same shape, got [1, 3, 9, 11] and [1, 4, 9, 11]");
    EXPECT_THROW_MSG(
        ops::corr_lookup_backward_cpu(std::vector<float>(4), f.view(), f.view(), coords.view(), 2, 1),
        InvalidArgument,
        "corr_lookup: grad_output must have 1782 values (output shape [1, 18, 9, 11]), got 4");
}

}  // namespace
}  // namespace tilesim::testing
