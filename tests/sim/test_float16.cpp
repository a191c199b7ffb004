// IEEE binary16 (DataType::Float16): the scalar and span conversions against NumPy (fixture from
// tests/golden/gen_float16.py), against an independent formula over every bit pattern, and against
// round-to-nearest-even as a property; Float16 host tensors; the refusal of Float16 as a device type.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "common/expect_throw_msg.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/program.hpp"
#include "tilesim/error.hpp"
#include "tilesim/tensor.hpp"

using namespace tilesim;

namespace {

nlohmann::json conversions() {
    std::ifstream in(std::string(TILESIM_SOURCE_DIR) + "/tests/golden/data/float16/conversions.json");
    return nlohmann::json::parse(in);
}

// The value of a half from its fields, in double (exact): the definition of binary16.
double half_value(uint16_t h) {
    const int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    const double magnitude =
        exp == 0 ? std::ldexp(double(mant), -24) : std::ldexp(double(1024 + mant), exp - 25);
    return (h & 0x8000) ? -magnitude : magnitude;
}

bool is_nan_half(uint16_t h) {
    return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
}

bool same_bits(float a, float b) {
    return float_to_bits(a) == float_to_bits(b);
}

}  // namespace

TEST(Float16, DecodesEveryBitPatternToItsExactValue) {
    for (uint32_t i = 0; i < 65536; ++i) {
        const auto h = static_cast<float16_bits>(i);
        const float f = fp16_to_float(h);
        const int exp = (h >> 10) & 0x1f;
        if (exp == 0x1f) {
            EXPECT_EQ(std::isnan(f), is_nan_half(h)) << i;
            EXPECT_TRUE(std::isnan(f) || std::isinf(f)) << i;
            EXPECT_EQ((float_to_bits(f) >> 13) & 0x3ffu, h & 0x3ffu) << i;  // the NaN payload is kept
        } else {
            EXPECT_EQ(double(f), half_value(h)) << i;
        }
        EXPECT_EQ(std::signbit(f), (h & 0x8000) != 0) << i;
    }
}

TEST(Float16, EveryHalfValueEncodesToItself) {
    for (uint32_t i = 0; i < 65536; ++i) {
        const auto h = static_cast<float16_bits>(i);
        const float16_bits back = float_to_fp16(fp16_to_float(h));
        if (is_nan_half(h)) {
            EXPECT_EQ(back, h | 0x200u) << i;  // NaN stays NaN, made quiet, sign and payload kept
        } else {
            EXPECT_EQ(back, h) << i;
        }
    }
}

TEST(Float16, MatchesNumpyRoundingOfTrickyAndRandomFloats) {
    const auto fixture = conversions();
    ASSERT_GT(fixture["to_half"].size(), 4000u);
    for (const auto& pair : fixture["to_half"]) {
        const auto fbits = pair[0].get<uint32_t>();
        const auto want = pair[1].get<uint16_t>();
        const float16_bits got = float_to_fp16(bits_to_float(fbits));
        if (is_nan_half(want)) {  // NumPy keeps a signalling NaN signalling; tilesim makes it quiet
            EXPECT_TRUE(is_nan_half(got)) << std::hex << fbits;
            EXPECT_EQ(got & 0x8000u, want & 0x8000u) << std::hex << fbits;
            if (fbits & 0x400000u) {  // a quiet NaN: the same bits
                EXPECT_EQ(got, want) << std::hex << fbits;
            }
        } else {
            EXPECT_EQ(got, want) << std::hex << "float bits 0x" << fbits << " (" << bits_to_float(fbits)
                                 << ")";
        }
    }
}

TEST(Float16, MatchesNumpyDecodingOfSubnormalsInfNanAndASpread) {
    const auto fixture = conversions();
    ASSERT_GT(fixture["to_float"].size(), 3000u);
    for (const auto& pair : fixture["to_float"]) {
        const auto h = pair[0].get<uint16_t>();
        EXPECT_EQ(float_to_bits(fp16_to_float(h)), pair[1].get<uint32_t>()) << std::hex << h;
    }
}

// The defining property, for random floats all over the range: the result is a nearest half, and of two
// equally near ones the even one; from 65520 up the result is inf.
TEST(Float16, RoundsToTheNearestHalfTiesToEven) {
    std::mt19937 rng(11);
    std::uniform_int_distribution<uint32_t> any;
    std::uniform_int_distribution<uint32_t> exponent(98, 144);  // 2^-29 .. 2^17 around half's range
    for (int i = 0; i < 400000; ++i) {
        uint32_t bits = any(rng);
        if (i % 2) bits = (bits & 0x807fffffu) | exponent(rng) << 23;
        const float f = bits_to_float(bits);
        if (std::isnan(f)) continue;
        const float16_bits h = float_to_fp16(f);
        const double x = f, a = std::abs(x);
        if (a >= 65520.0) {
            EXPECT_EQ(h, (bits & 0x80000000u ? 0xfc00u : 0x7c00u)) << f;
            continue;
        }
        const double got = half_value(h);
        EXPECT_EQ(std::signbit(got), std::signbit(x)) << f;
        // The neighbours of |h| (same sign) are no nearer; at a tie the result's mantissa is even.
        const uint16_t mag = h & 0x7fff;
        const double err = std::abs(a - std::abs(got));
        const double below = mag > 0 ? std::abs(a - half_value(uint16_t(mag - 1))) : INFINITY;
        const double above = mag < 0x7bff ? std::abs(a - half_value(uint16_t(mag + 1))) : INFINITY;
        EXPECT_LE(err, below) << f;
        EXPECT_LE(err, above) << f;
        if (err > 0 && (err == below || err == above)) {
            EXPECT_EQ(mag & 1, 0) << f;
        }
    }
}

TEST(Float16, NamedEdgesOfTheFormat) {
    EXPECT_EQ(fp16_to_float(float_to_fp16(65504.0f)), 65504.0f);  // the largest half
    EXPECT_EQ(float_to_fp16(65520.0f), 0x7c00u);                  // half an ulp above: inf
    EXPECT_EQ(float_to_fp16(-65520.0f), 0xfc00u);
    EXPECT_EQ(float_to_fp16(std::ldexp(1.0f, -24)), 0x0001u);  // the smallest subnormal
    EXPECT_EQ(float_to_fp16(std::ldexp(1.0f, -25)), 0x0000u);  // a tie with zero: zero is even
    EXPECT_EQ(float_to_fp16(std::ldexp(3.0f, -25)), 0x0002u);  // a tie between 1 and 2: 2
    EXPECT_EQ(float_to_fp16(-0.0f), 0x8000u);
    EXPECT_EQ(float_to_fp16(1.0f + std::ldexp(1.0f, -11)), 0x3c00u);  // tie: 1.0 is even
    EXPECT_TRUE(std::isnan(round_to_fp16(std::numeric_limits<float>::quiet_NaN())));
    EXPECT_TRUE(std::isinf(round_to_fp16(std::numeric_limits<float>::infinity())));
    EXPECT_TRUE(same_bits(round_to_fp16(-0.0f), -0.0f));
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && __GNUC__ >= 12
// GCC 12 has _Float16 on x86-64 (Clang 14 does not): its conversions must agree with ours.
TEST(Float16, AgreesWithTheCompilersFloat16) {
    std::mt19937 rng(5);
    std::uniform_int_distribution<uint32_t> any;
    std::uniform_int_distribution<uint32_t> exponent(98, 144);
    for (int i = 0; i < 300000; ++i) {
        uint32_t bits = any(rng);
        if (i % 2) bits = (bits & 0x807fffffu) | exponent(rng) << 23;
        const float f = bits_to_float(bits);
        if (std::isnan(f)) continue;
        const auto h = static_cast<_Float16>(f);
        uint16_t half_bits;
        std::memcpy(&half_bits, &h, 2);
        EXPECT_EQ(float_to_fp16(f), half_bits) << f;
        EXPECT_TRUE(same_bits(fp16_to_float(half_bits), static_cast<float>(h))) << f;
    }
}
#endif

TEST(Float16, SpanConversionsMatchTheScalarOnesAndCheckSizes) {
    std::vector<float> v{1.0f / 3, -7e-6f, 70000.0f, 0.1f, -2.5f};
    std::vector<float16_bits> h(v.size());
    float_to_fp16(v, h);
    std::vector<float> back(v.size());
    fp16_to_float(h, back);
    for (size_t i = 0; i < v.size(); ++i) {
        EXPECT_EQ(h[i], float_to_fp16(v[i]));
        EXPECT_TRUE(same_bits(back[i], round_to_fp16(v[i])));
    }
    std::vector<float16_bits> short_out(2);
    EXPECT_THROW(float_to_fp16(v, short_out), InvalidArgument);
    EXPECT_THROW(fp16_to_float(h, std::span<float>(back).first(3)), InvalidArgument);
}

TEST(Float16, NameSizeAndDeviceSupport) {
    EXPECT_EQ(to_string(DataType::Float16), "float16");
    EXPECT_EQ(parse_data_type("Float16"), DataType::Float16);
    EXPECT_EQ(element_size(DataType::Float16), 2u);
    EXPECT_FALSE(is_device_data_type(DataType::Float16));
    for (DataType t : {DataType::Float32, DataType::BFloat16, DataType::Bfp8_b, DataType::UInt32,
                       DataType::UInt16, DataType::Int32}) {
        EXPECT_TRUE(is_device_data_type(t)) << to_string(t);
        EXPECT_NO_THROW(check_device_data_type(t, "to_device"));
    }
    try {
        check_device_data_type(DataType::Float16, "to_device");
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_STREQ(e.what(),
                     "to_device: float16 is not a device data type (tt-metal has none); expected float32, "
                     "bfloat16 or bfp8_b");
    }
}

TEST(Float16Tensor, FromFloatsRoundsAndConvertsBackExactly) {
    const std::vector<float> v{0.1f, -3.14159f, 65519.0f, 1e-7f, 2.0f, -0.0f};
    const Tensor t = Tensor::from_floats(Shape{2, 3}, v, DataType::Float16);
    EXPECT_EQ(t.dtype(), DataType::Float16);
    EXPECT_EQ(t.bytes().size(), 12u);
    const auto bits = t.data<float16_bits>();
    const auto back = t.to_floats();
    for (size_t i = 0; i < v.size(); ++i) {
        EXPECT_EQ(bits[i], float_to_fp16(v[i]));
        EXPECT_TRUE(same_bits(back[i], round_to_fp16(v[i])));
    }
    const Tensor f32 = t.to_dtype(DataType::Float32);
    EXPECT_EQ(f32.to_floats(), back);
    EXPECT_EQ(f32.to_dtype(DataType::Float16).to_floats(), back);  // fp16 -> fp32 -> fp16 is exact
    // To bfloat16 and back: fp16 values rounded to bf16 (8 bits of mantissa).
    const auto bf = t.to_dtype(DataType::BFloat16).to_floats();
    for (size_t i = 0; i < v.size(); ++i) EXPECT_TRUE(same_bits(bf[i], round_to_bf16(back[i])));
    EXPECT_THROW((void)t.data<float>(), InvalidArgument);
}

TEST(Float16Tensor, TilizesAndUntilizesLikeAnyTwoByteType) {
    const Shape s{2, 35, 19};
    std::vector<float> v(s.volume());
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(int(i % 211) - 105) * 0.37f;
    const Tensor t = Tensor::from_floats(s, v, DataType::Float16);
    const Tensor tiled = t.to_layout(Layout::TILE);
    EXPECT_EQ(tiled.padded_shape(), (Shape{2, 64, 32}));
    EXPECT_EQ(tiled.to_floats(), t.to_floats());
    EXPECT_EQ(tiled.to_layout(Layout::ROW_MAJOR).to_floats(), t.to_floats());
    const Tensor via_f32 = tiled.to_dtype(DataType::Float32).to_dtype(DataType::Float16);
    EXPECT_EQ(via_f32.to_floats(), t.to_floats());
}

TEST(Float16OnTheDevice, DeviceTensorsAndCircularBuffersRefuseFloat16) {
    Device device(load_device("wormhole_b0"));
    EXPECT_THROW_MSG((void)to_device(Tensor(Shape{2, 8}, DataType::Float16), device), InvalidArgument,
                     "to_device: float16 is not a device data type");
    EXPECT_THROW_MSG((void)allocate_on_device(Shape{2, 8}, DataType::Float16, device), InvalidArgument,
                     "allocate_on_device: float16 is not a device data type");
    EXPECT_THROW_MSG((void)CircularBufferConfig(64, {{uint8_t{3}, DataType::Float16}}), InvalidArgument,
                     "CircularBufferConfig: data format of CB c_3: float16 is not a device data type");
}
