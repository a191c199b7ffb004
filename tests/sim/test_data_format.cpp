#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "common/expect_throw_msg.hpp"
#include "kernels/common/bfloat16.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/error.hpp"

using namespace tilesim;

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> bfp8_round_trip(const std::vector<float>& v) {
    return unpack_bfp8_b(pack_bfp8_b(v), v.size());
}

// Largest float32 exponent field of a block: the shared exponent.
int max_exponent(const float* block) {
    int e = 0;
    for (int i = 0; i < 16; ++i) e = std::max(e, int((float_to_bits(block[i]) >> 23) & 0xff));
    return e;
}
}  // namespace

TEST(DataType, NamesRoundTripAndParseIgnoresCase) {
    for (DataType t : {DataType::Float32, DataType::BFloat16, DataType::Bfp8_b, DataType::UInt32,
                       DataType::UInt16, DataType::Int32, DataType::Float16}) {
        EXPECT_EQ(parse_data_type(to_string(t)), t);
    }
    EXPECT_EQ(parse_data_type("BFloat16"), DataType::BFloat16);
    EXPECT_EQ(to_string(DataType::Bfp8_b), "bfp8_b");
}

TEST(DataType, UnknownNameListsTheValidOnes) {
    EXPECT_THROW_MSG(
        parse_data_type("float64"), InvalidArgument,
        "parse_data_type: unknown data type 'float64', expected one of float32, bfloat16, bfp8_b, "
        "uint32, uint16, int32, float16");
}

TEST(DataType, ElementSizes) {
    EXPECT_EQ(element_size(DataType::Float32), 4u);
    EXPECT_EQ(element_size(DataType::BFloat16), 2u);
    EXPECT_EQ(element_size(DataType::UInt16), 2u);
    EXPECT_EQ(element_size(DataType::Int32), 4u);
    EXPECT_THROW(element_size(DataType::Bfp8_b), InvalidArgument);
    EXPECT_EQ(bfp8_bytes_for(1024), 64u + 1024u);
    EXPECT_THROW(bfp8_bytes_for(17), InvalidArgument);
}

TEST(BFloat16, RoundsToNearestTiesToEven) {
    const float ulp = std::ldexp(1.0f, -7);                           // bf16 spacing in [1, 2)
    EXPECT_EQ(round_to_bf16(1.0f + ulp / 2), 1.0f);                   // tie, 1.0 is even
    EXPECT_EQ(round_to_bf16(1.0f + 3 * ulp / 2), 1.0f + 2 * ulp);     // tie, 1+ulp is odd: up
    EXPECT_EQ(round_to_bf16(1.0f + ulp / 2 + ulp / 64), 1.0f + ulp);  // just above the tie
    EXPECT_EQ(round_to_bf16(-1.0f - 3 * ulp / 2), -1.0f - 2 * ulp);
    EXPECT_EQ(float_to_bf16(1.0f), 0x3f80);
}

TEST(BFloat16, SubnormalsRoundLikeNormals) {
    const float sub = std::ldexp(1.0f, -130);  // a float32 subnormal bf16 holds exactly
    EXPECT_EQ(round_to_bf16(sub), sub);
    EXPECT_EQ(round_to_bf16(std::ldexp(1.0f, -149)), 0.0f);  // below half a bf16 subnormal step
    EXPECT_EQ(round_to_bf16(std::ldexp(3.0f, -134)),
              std::ldexp(1.0f, -132));  // 1.5 steps of 2^-133: tie, to 2 (even)
}

TEST(BFloat16, InfinityAndOverflow) {
    EXPECT_EQ(round_to_bf16(kInf), kInf);
    EXPECT_EQ(round_to_bf16(-kInf), -kInf);
    EXPECT_EQ(round_to_bf16(std::numeric_limits<float>::max()), kInf);  // rounds past the largest bf16
}

TEST(BFloat16, NaNStaysNaN) {
    for (uint32_t bits : {0x7fc00000u, 0x7f800001u, 0xff800001u, 0x7fffffffu}) {
        const float r = round_to_bf16(bits_to_float(bits));
        EXPECT_TRUE(std::isnan(r)) << std::hex << bits;
        EXPECT_EQ(std::signbit(r), bool(bits >> 31));
    }
}

TEST(BFloat16, SpanConversionsMatchScalarAndCheckSizes) {
    const std::vector<float> in{0.1f, -2.5f, 3.14159f, 1e-20f};
    std::vector<bfloat16_bits> bits(in.size());
    float_to_bf16(in, bits);
    std::vector<float> back(in.size());
    bf16_to_float(bits, back);
    for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(back[i], round_to_bf16(in[i]));
    std::vector<bfloat16_bits> short_out(3);
    EXPECT_THROW(float_to_bf16(in, short_out), InvalidArgument);
}

TEST(Bfp8, StoresExponentsFirstThenOneByteEach) {
    std::vector<float> v(32, 0.0f);
    v[0] = 1.0f;    // block 0: shared exponent 127
    v[16] = -4.0f;  // block 1: shared exponent 129
    v[17] = 1.0f;
    const auto packed = pack_bfp8_b(v);
    ASSERT_EQ(packed.size(), 2u + 32u);
    EXPECT_EQ(packed[0], 127);
    EXPECT_EQ(packed[1], 129);
    EXPECT_EQ(packed[2 + 0], 0x40);          // 1.0 = 64 * 2^-6
    EXPECT_EQ(packed[2 + 16], 0x80 | 0x40);  // -4.0
    EXPECT_EQ(packed[2 + 17], 0x10);         // 1.0 against exponent 129 = 16 * 2^-4
}

TEST(Bfp8, RoundsTiesToEvenAfterTheShift) {
    std::vector<float> v(16, 0.0f);
    v[0] = 1.0f;  // shared exponent 127: quantum q = 2^-6
    const float q = std::ldexp(1.0f, -6);
    v[1] = 0.5f * q;   // tie between 0 and q -> 0
    v[2] = 1.5f * q;   // tie between q and 2q -> 2q
    v[3] = 2.5f * q;   // tie between 2q and 3q -> 2q
    v[4] = 2.75f * q;  // above the tie -> 3q
    v[5] = 1.99f;      // mantissa rounds to 128 -> saturates at 127
    const auto r = bfp8_round_trip(v);
    EXPECT_EQ(r[0], 1.0f);
    EXPECT_EQ(r[1], 0.0f);
    EXPECT_EQ(r[2], 2 * q);
    EXPECT_EQ(r[3], 2 * q);
    EXPECT_EQ(r[4], 3 * q);
    EXPECT_EQ(r[5], 127 * q);
}

TEST(Bfp8, ErrorIsBelowOneQuantumOfTheSharedExponent) {
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> mant(-1.0f, 1.0f);
    std::uniform_int_distribution<int> expo(-20, 20);
    std::bernoulli_distribution zero(0.1);
    std::vector<float> v(16 * 257);
    for (size_t i = 0; i < v.size(); ++i) {
        // Mixed magnitudes within a block, some zeros.
        v[i] = zero(rng) ? 0.0f : std::ldexp(mant(rng), (i / 16) % 3 == 0 ? 0 : expo(rng));
    }
    const auto r = bfp8_round_trip(v);
    for (size_t b = 0; b < v.size() / 16; ++b) {
        const float quantum = std::ldexp(1.0f, max_exponent(&v[b * 16]) - 133);
        for (size_t i = b * 16; i < b * 16 + 16; ++i) {
            EXPECT_LE(std::fabs(r[i] - v[i]), quantum) << "block " << b << " value " << v[i];
            if (v[i] == 0.0f) {
                EXPECT_EQ(r[i], 0.0f);
            }
            if (r[i] != 0.0f) {
                EXPECT_EQ(std::signbit(r[i]), std::signbit(v[i]));
            }
        }
    }
}

TEST(Bfp8, ValuesOnTheBlockGridRoundTripExactly) {
    std::vector<float> v(16);
    for (int i = 0; i < 16; ++i) v[i] = std::ldexp(float((i * 8 + 1) * (i % 2 ? -1 : 1)), 3 - 6);  // k*2^-3
    v[15] = 127 * std::ldexp(1.0f, -3);
    EXPECT_EQ(bfp8_round_trip(v), v);
}

TEST(Bfp8, ZerosSubnormalsAndSigns) {
    std::vector<float> v(16, 0.0f);
    EXPECT_EQ(pack_bfp8_b(v)[0], 0);
    EXPECT_EQ(bfp8_round_trip(v), v);
    v[0] = -0.0f;
    v[1] = std::ldexp(1.0f, -140);  // float32 subnormal: flushed to zero
    v[2] = -std::ldexp(1.0f, -30);  // tiny against 1.0: mantissa 0, sign dropped
    v[3] = 1.0f;
    const auto r = bfp8_round_trip(v);
    EXPECT_EQ(r[1], 0.0f);
    EXPECT_EQ(r[2], 0.0f);
    EXPECT_FALSE(std::signbit(r[2]));
    EXPECT_FALSE(std::signbit(r[0]));
}

TEST(Bfp8, TinySharedExponentsDecodeExactly) {
    std::vector<float> v(16, 0.0f);
    v[0] = std::ldexp(1.0f, -120);  // normal, tiny: its quantum is a float32 subnormal
    v[1] = std::ldexp(3.0f, -126);
    const auto r = bfp8_round_trip(v);
    EXPECT_EQ(r[0], v[0]);
    EXPECT_EQ(r[1], v[1]);
}

TEST(Bfp8, NaNStaysNaNAndInfStaysInf) {
    std::vector<float> v(16, 1.0f);
    v[0] = bits_to_float(0x7f800001u);  // NaN whose top mantissa bits are 0
    v[1] = kInf;
    v[2] = -kInf;
    v[3] = -std::numeric_limits<float>::quiet_NaN();
    const auto r = bfp8_round_trip(v);
    EXPECT_TRUE(std::isnan(r[0]));
    EXPECT_EQ(r[1], kInf);
    EXPECT_EQ(r[2], -kInf);
    EXPECT_TRUE(std::isnan(r[3]));
    EXPECT_EQ(r[4], 0.0f);  // 1.0 against a shared exponent of 255 keeps no bits, as on hardware
}

TEST(Bfp8, RejectsSizesThatAreNotWholeBlocks) {
    std::vector<float> v(20);
    EXPECT_THROW(pack_bfp8_b(v), InvalidArgument);
    std::vector<uint8_t> bytes(10);
    EXPECT_THROW(unpack_bfp8_b(bytes, 16), InvalidArgument);
}

// The kernels' dependency-free bf16 packing is the simulator's, bit for bit, on every float pattern class.
TEST(DataFormat, KernelBfloat16HelpersMatchTheSimulatorsConversion) {
    std::mt19937 rng(5);
    for (int i = 0; i < 200000; ++i) {
        const uint32_t bits = i < 65536 ? (uint32_t(i) << 16) | (rng() & 0xffffu) : rng();
        float f;
        std::memcpy(&f, &bits, 4);
        ASSERT_EQ(tilesim_kernels::float_to_bfloat16(f), float_to_bf16(f)) << std::hex << bits;
        const auto b = static_cast<uint16_t>(bits >> 16);
        const float back = tilesim_kernels::bfloat16_to_float(b), expected = bf16_to_float(b);
        ASSERT_EQ(std::memcmp(&back, &expected, 4), 0);
    }
}
