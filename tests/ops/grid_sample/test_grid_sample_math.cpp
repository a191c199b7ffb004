// The shared scalar math of grid_sample (grid_sample_math.hpp) and the option parsers.
#include <cfenv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/common/bilinear.hpp"
#include "kernels/common/grid_sample_math.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

bool same_float(float a, float b) {
    return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

TEST(GridSampleMath, NearbyintRoundsHalfToEvenLikeStdNearbyint) {
    ASSERT_EQ(std::fegetround(), FE_TONEAREST);
    std::vector<float> values = {0.5f,        1.5f,        2.5f,  -0.5f,  -1.5f,      -2.5f,
                                 0.49999997f, 0.50000006f, -0.f,  0.f,    8388607.5f, 8388608.f,
                                 -8388607.5f, 16777217.f,  1e30f, -1e30f, kInf,       -kInf};
    std::mt19937 gen(5);
    std::uniform_real_distribution<float> dist(-300.f, 300.f);
    for (int i = 0; i < 20000; ++i) {
        values.push_back(dist(gen));
        values.push_back(std::floor(values.back()) + 0.5f);  // exact halves
    }
    for (float v : values) {
        EXPECT_TRUE(same_float(nearbyint_half_even(v), std::nearbyint(v))) << v;
    }
    EXPECT_TRUE(std::isnan(nearbyint_half_even(kNan)));
}

TEST(GridSampleMath, UnnormalizeMapsCornersAsPyTorchDocuments) {
    EXPECT_FLOAT_EQ(grid_sampler_unnormalize(-1.f, 7, true), 0.f);
    EXPECT_FLOAT_EQ(grid_sampler_unnormalize(1.f, 7, true), 6.f);
    EXPECT_FLOAT_EQ(grid_sampler_unnormalize(-1.f, 7, false), -0.5f);
    EXPECT_FLOAT_EQ(grid_sampler_unnormalize(1.f, 7, false), 6.5f);
    float grad;
    grid_sampler_unnormalize_set_grad(0.3f, 7, false, &grad);
    EXPECT_FLOAT_EQ(grad, 3.5f);
    grid_sampler_unnormalize_set_grad(0.3f, 7, true, &grad);
    EXPECT_FLOAT_EQ(grad, 3.f);
}

TEST(GridSampleMath, ClipSendsNanToZeroAndHasZeroGradientOnTheBorders) {
    float grad;
    EXPECT_EQ(clip_coordinates(kNan, 5), 0.f);
    EXPECT_EQ(clip_coordinates(kInf, 5), 4.f);
    EXPECT_EQ(clip_coordinates(-kInf, 5), 0.f);
    EXPECT_EQ(clip_coordinates_set_grad(2.5f, 5, &grad), 2.5f);
    EXPECT_EQ(grad, 1.f);
    EXPECT_EQ(clip_coordinates_set_grad(0.f, 5, &grad), 0.f);
    EXPECT_EQ(grad, 0.f);
    EXPECT_EQ(clip_coordinates_set_grad(4.f, 5, &grad), 4.f);
    EXPECT_EQ(grad, 0.f);
}

// Reference reflection: fold x into [low, high] by walking mirror images (slow but obviously right).
float reflect_by_walking(double x, double low, double high, float* sign) {
    double s = 1;
    while (x < low || x > high) {
        x = x < low ? 2 * low - x : 2 * high - x;
        s = -s;
    }
    *sign = static_cast<float>(s);
    return static_cast<float>(x);
}

TEST(GridSampleMath, ReflectFoldsIntoTheSpanWithAlternatingGradientSign) {
    for (bool ac : {false, true}) {
        const int64_t size = 6;
        const double low = ac ? 0.0 : -0.5, high = ac ? size - 1.0 : size - 0.5;
        for (float x = -23.f; x < 23.f; x += 0.37f) {
            float grad, expected_sign;
            const float r = reflect_coordinates_set_grad(x, size, ac, &grad);
            const float expected = reflect_by_walking(x, low, high, &expected_sign);
            EXPECT_NEAR(r, expected, 1e-5) << x;
            EXPECT_EQ(grad, expected_sign) << x;
        }
    }
    float grad;
    EXPECT_EQ(reflect_coordinates_set_grad(3.f, 1, true, &grad), 0.f);  // empty span
    EXPECT_EQ(grad, 0.f);
    EXPECT_EQ(compute_coordinates(kNan, 6, PaddingMode::Reflection, false), 0.f);
    EXPECT_EQ(compute_coordinates(kInf, 6, PaddingMode::Reflection, true), 0.f);
}

TEST(GridSampleMath, SourceIndexGradientIsScaleTimesReflectTimesClip) {
    float grad;
    // reflection, align_corners=False, size 4: grid 1.3 -> x = 4.1 -> reflected 2.9, one flip
    const float x =
        grid_sampler_compute_source_index_set_grad(1.3f, 4, PaddingMode::Reflection, false, &grad);
    EXPECT_NEAR(x, 2.9f, 1e-6);
    EXPECT_EQ(grad, -2.f);
    grid_sampler_compute_source_index_set_grad(1.3f, 4, PaddingMode::Border, false, &grad);
    EXPECT_EQ(grad, 0.f);
    grid_sampler_compute_source_index_set_grad(1.3f, 4, PaddingMode::Zeros, false, &grad);
    EXPECT_EQ(grad, 2.f);
}

TEST(GridSampleMath, CubicCoefficientsSumToOneAndDerivativesMatchFiniteDifferences) {
    for (float t = 0.f; t < 1.f; t += 0.0625f) {
        float c[4], d[4], cp[4], cm[4];
        cubic_coefficients(t, c);
        cubic_coefficients_derivative(t, d);
        EXPECT_NEAR(c[0] + c[1] + c[2] + c[3], 1.f, 1e-6);
        const float h = 1e-3f;
        cubic_coefficients(t + h, cp);
        cubic_coefficients(t - h, cm);
        for (int i = 0; i < 4; ++i) EXPECT_NEAR(d[i], (cp[i] - cm[i]) / (2 * h), 2e-3) << t << " " << i;
    }
    float c[4];
    cubic_coefficients(0.f, c);  // interpolates: weight 1 on the pixel itself
    EXPECT_FLOAT_EQ(c[1], 1.f);
    EXPECT_FLOAT_EQ(c[0], 0.f);
}

TEST(GridSampleMath, BilinearAxisWeightsEqualTheSharedBilinearTapsBitForBit) {
    std::mt19937 gen(3);
    std::uniform_real_distribution<float> dist(-1.2f, 1.2f);
    for (int i = 0; i < 1000; ++i) {
        const float gx = dist(gen), gy = dist(gen);
        const AxisTaps<2> ax = bilinear_axis_taps(gx, 9, PaddingMode::Zeros, false);
        const AxisTaps<2> ay = bilinear_axis_taps(gy, 5, PaddingMode::Zeros, false);
        const BilinearTaps t =
            bilinear_taps(grid_sampler_unnormalize(gy, 5, false), grid_sampler_unnormalize(gx, 9, false));
        EXPECT_EQ(ax.index[0], t.x0);
        EXPECT_EQ(ay.index[0], t.y0);
        EXPECT_EQ(ax.weight[0] * ay.weight[0], t.w_nw);
        EXPECT_EQ(ax.weight[1] * ay.weight[0], t.w_ne);
        EXPECT_EQ(ax.weight[0] * ay.weight[1], t.w_sw);
        EXPECT_EQ(ax.weight[1] * ay.weight[1], t.w_se);
    }
}

TEST(GridSampleMath, UnusableCoordinatesGiveOutOfRangeIndicesWithoutUndefinedConversions) {
    for (float v : {kNan, kInf, -kInf, 3e9f, -3e9f, 1e38f}) {
        EXPECT_EQ(safe_index(v), kOutOfRangeIndex) << v;
        const AxisTaps<2> a = bilinear_axis_taps(v, 7, PaddingMode::Zeros, false);
        EXPECT_FALSE(index_in_range(a.index[0], 7));
        EXPECT_FALSE(index_in_range(a.index[1], 7));
        const AxisTaps<4> c = bicubic_axis_taps(v, 7, PaddingMode::Zeros, true);
        for (int64_t i : c.index) EXPECT_FALSE(index_in_range(i, 7));
    }
    EXPECT_EQ(safe_index(-2.7f), -2);  // truncation, like PyTorch's vector conversion
}

TEST(GridSampleOptions, ParsersAcceptPyTorchSpellingsAndListValidValues) {
    EXPECT_EQ(parse_grid_sample_mode("bicubic"), GridSampleMode::Bicubic);
    EXPECT_EQ(parse_padding_mode("reflection"), PaddingMode::Reflection);
    EXPECT_EQ(parse_channel_layout("NHWC"), ChannelLayout::NHWC);
    EXPECT_EQ(parse_channel_layout("nchw"), ChannelLayout::NCHW);
    for (auto m : {GridSampleMode::Bilinear, GridSampleMode::Nearest, GridSampleMode::Bicubic})
        EXPECT_EQ(parse_grid_sample_mode(to_string(m)), m);
    for (auto p : {PaddingMode::Zeros, PaddingMode::Border, PaddingMode::Reflection})
        EXPECT_EQ(parse_padding_mode(to_string(p)), p);
    try {
        parse_grid_sample_mode("linear");
        FAIL() << "no throw";
    } catch (const InvalidArgument& e) {
        EXPECT_EQ(std::string(e.what()),
                  "grid_sample: unknown mode 'linear'; expected one of 'bilinear', 'nearest', 'bicubic'");
    }
    try {
        parse_padding_mode("Zeros");
        FAIL() << "no throw";
    } catch (const InvalidArgument& e) {
        EXPECT_EQ(
            std::string(e.what()),
            "grid_sample: unknown padding_mode 'Zeros'; expected one of 'zeros', 'border', 'reflection'");
    }
}

}  // namespace
}  // namespace tilesim::ops
