// Data formats: names, element sizes, bfloat16 and float16 spans, and Bfp8_b packing.
//
// Bfp8_b follows tt-metal's host packer (tt_metal/impl/data_format/blockfloat_common.cpp):
//  - a block is 16 consecutive values; its shared exponent is the largest float32 exponent field of the
//    block (0..255);
//  - each value keeps its 24-bit mantissa (hidden one made explicit), shifted right by
//    (shared_exp - own_exp) (bits shifted out are dropped), then rounded to 7 bits, to nearest, ties to
//    even, on the bits that remain; a result of 128 saturates to 127; the sign is dropped when the
//    mantissa is 0. A byte is sign << 7 | mantissa.
//  - a byte decodes to (-1)^sign * mantissa * 2^(shared_exp - 127 - 6).
// Where tilesim differs, on purpose:
//  - float32 subnormals are flushed to zero (Tensix flushes denormals; tt-metal's packer instead adds a
//    hidden one to them, a x2 error);
//  - NaN packs as mantissa 127 (with its sign) and inf as mantissa 64, both with shared exponent 255, so
//    NaN stays NaN and inf stays inf; tt-metal can turn a NaN whose top mantissa bits are 0 into inf.
//    Other values of such a block lose their precision, as on hardware (the shared exponent is 255).
//  - decoding uses ldexp, so tiny shared exponents give exact float32 subnormals instead of garbage.
#include "tilesim/data_format.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "tilesim/error.hpp"

namespace tilesim {
namespace {

struct NamedType {
    DataType type;
    std::string_view name;
};
constexpr std::array<NamedType, 7> kTypes{{{DataType::Float32, "float32"},
                                           {DataType::BFloat16, "bfloat16"},
                                           {DataType::Bfp8_b, "bfp8_b"},
                                           {DataType::UInt32, "uint32"},
                                           {DataType::UInt16, "uint16"},
                                           {DataType::Int32, "int32"},
                                           {DataType::Float16, "float16"}}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

constexpr uint32_t kExpMask = 0x7f800000u;
constexpr uint32_t kMantMask = 0x007fffffu;
constexpr uint32_t kBfpMantBits = 7;
constexpr uint32_t kRoundShift = 24 - kBfpMantBits;  // 24-bit mantissa -> 7 bits

uint32_t exponent_field(uint32_t bits) {
    return (bits & kExpMask) >> 23;
}

// One value against its block's shared exponent (see the file comment).
uint8_t encode_value(uint32_t bits, uint32_t shared_exp) {
    const uint32_t sign = bits >> 31;
    const uint32_t exp = exponent_field(bits);
    const uint32_t frac = bits & kMantMask;
    if (exp == 0) return 0;                                                           // zero or subnormal
    if (exp == 255) return static_cast<uint8_t>(sign << 7 | (frac ? 0x7fu : 0x40u));  // NaN / inf
    uint32_t mant = (1u << 23) | frac;
    const uint32_t diff = shared_exp - exp;
    mant = diff >= 32 ? 0 : mant >> diff;
    const uint32_t round_bits = mant & ((1u << kRoundShift) - 1);
    constexpr uint32_t kTie = 1u << (kRoundShift - 1);
    mant >>= kRoundShift;
    if (round_bits > kTie || (round_bits == kTie && (mant & 1u))) ++mant;
    if (mant > 0x7fu) mant = 0x7fu;  // tt-metal saturates instead of carrying into the exponent
    return mant == 0 ? 0 : static_cast<uint8_t>(sign << 7 | mant);
}

float decode_value(uint8_t byte, uint8_t shared_exp) {
    const uint32_t mant = byte & 0x7fu;
    const bool negative = byte & 0x80u;
    if (mant == 0) return 0.0f;
    if (shared_exp == 255 && mant >= 0x40u) {  // exponent field 255 after normalisation: inf or NaN
        const float special = mant == 0x40u ? INFINITY : NAN;
        return negative ? -special : special;
    }
    const float v = std::ldexp(static_cast<float>(mant), int(shared_exp) - 127 - 6);
    return negative ? -v : v;
}

}  // namespace

std::string_view to_string(DataType t) {
    for (const auto& nt : kTypes) {
        if (nt.type == t) return nt.name;
    }
    return "unknown";
}

DataType parse_data_type(std::string_view name) {
    for (const auto& nt : kTypes) {
        if (iequals(nt.name, name)) return nt.type;
    }
    std::string names;
    for (const auto& nt : kTypes) names += std::string(names.empty() ? "" : ", ") + std::string(nt.name);
    fail("parse_data_type: unknown data type '{}', expected one of {}", name, names);
}

bool is_device_data_type(DataType t) {
    return t !=
           DataType::Float16;  // ttnn's DataType has BFLOAT16, FLOAT32, BFLOAT8_B, UINT32, ... no FLOAT16
}

void check_device_data_type(DataType t, std::string_view who) {
    if (!is_device_data_type(t)) {
        fail("{}: {} is not a device data type (tt-metal has none); expected float32, bfloat16 or bfp8_b",
             who, t);
    }
}

uint32_t element_size(DataType t) {
    switch (t) {
        case DataType::Float32:
        case DataType::UInt32:
        case DataType::Int32:
            return 4;
        case DataType::BFloat16:
        case DataType::Float16:
        case DataType::UInt16:
            return 2;
        case DataType::Bfp8_b:
            fail(
                "element_size: bfp8_b has no per-element size (16 values share an exponent byte); use "
                "bfp8_bytes_for()");
    }
    fail("element_size: unknown DataType {}", static_cast<int>(t));
}

void float_to_bf16(std::span<const float> in, std::span<bfloat16_bits> out) {
    if (in.size() != out.size()) {
        fail("float_to_bf16: output holds {} values, input has {}", out.size(), in.size());
    }
    for (size_t i = 0; i < in.size(); ++i) out[i] = float_to_bf16(in[i]);
}

void bf16_to_float(std::span<const bfloat16_bits> in, std::span<float> out) {
    if (in.size() != out.size()) {
        fail("bf16_to_float: output holds {} values, input has {}", out.size(), in.size());
    }
    for (size_t i = 0; i < in.size(); ++i) out[i] = bf16_to_float(in[i]);
}

void float_to_fp16(std::span<const float> in, std::span<float16_bits> out) {
    if (in.size() != out.size()) {
        fail("float_to_fp16: output holds {} values, input has {}", out.size(), in.size());
    }
    for (size_t i = 0; i < in.size(); ++i) out[i] = float_to_fp16(in[i]);
}

void fp16_to_float(std::span<const float16_bits> in, std::span<float> out) {
    if (in.size() != out.size()) {
        fail("fp16_to_float: output holds {} values, input has {}", out.size(), in.size());
    }
    for (size_t i = 0; i < in.size(); ++i) out[i] = fp16_to_float(in[i]);
}

size_t bfp8_bytes_for(size_t num_values) {
    if (num_values % kBfp8BlockSize != 0) {
        fail("bfp8_bytes_for: {} values is not a multiple of the block size {}", num_values, kBfp8BlockSize);
    }
    return num_values / kBfp8BlockSize + num_values;
}

std::vector<uint8_t> pack_bfp8_b(std::span<const float> values) {
    const size_t n = values.size();
    std::vector<uint8_t> out(bfp8_bytes_for(n));
    const size_t blocks = n / kBfp8BlockSize;
    for (size_t b = 0; b < blocks; ++b) {
        const float* block = values.data() + b * kBfp8BlockSize;
        uint32_t shared = 0;
        for (uint32_t i = 0; i < kBfp8BlockSize; ++i) {
            shared = std::max(shared, exponent_field(float_to_bits(block[i])));
        }
        out[b] = static_cast<uint8_t>(shared);
        for (uint32_t i = 0; i < kBfp8BlockSize; ++i) {
            out[blocks + b * kBfp8BlockSize + i] = encode_value(float_to_bits(block[i]), shared);
        }
    }
    return out;
}

std::vector<float> unpack_bfp8_b(std::span<const uint8_t> packed, size_t num_values) {
    const size_t need = bfp8_bytes_for(num_values);
    if (packed.size() != need) {
        fail("unpack_bfp8_b: {} values need {} bytes, got {}", num_values, need, packed.size());
    }
    const size_t blocks = num_values / kBfp8BlockSize;
    std::vector<float> out(num_values);
    for (size_t i = 0; i < num_values; ++i)
        out[i] = decode_value(packed[blocks + i], packed[i / kBfp8BlockSize]);
    return out;
}

}  // namespace tilesim
