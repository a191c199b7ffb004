#pragma once
// Data formats as the device stores them: Float32, BFloat16 (round to nearest even, as hardware packs)
// and Bfp8_b (blocks of 16 values sharing an 8-bit exponent; sign + 7-bit mantissa each); plus Float16
// (IEEE binary16), a host-only type for PyTorch's half tensors: tt-metal's ttnn has no float16 data
// type, so device buffers and CBs take only the others (see is_device_data_type).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace tilesim {

enum class DataType { Float32, BFloat16, Bfp8_b, UInt32, UInt16, Int32, Float16 };

std::string_view to_string(DataType t);
DataType parse_data_type(std::string_view name);  // "float32", "bfloat16", "float16", ... ; throws

// Whether tt-metal has the type as a device data format (every type but Float16). A host tensor may be
// Float16; a device buffer or CB may not.
bool is_device_data_type(DataType t);
// Throws "<who>: float16 is not a device data type (tt-metal has none); expected float32, bfloat16 or
// bfp8_b" for a type that is not one.
void check_device_data_type(DataType t, std::string_view who);

// Bytes per element; Bfp8_b has no per-element size (throws): use bfp8_bytes_for().
uint32_t element_size(DataType t);

// bfloat16 stored as its 16 raw bits.
using bfloat16_bits = uint16_t;

inline float bits_to_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
inline uint32_t float_to_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
// float32 -> bfloat16, round to nearest, ties to even; NaN stays NaN (quiet), inf stays inf.
inline bfloat16_bits float_to_bf16(float f) {
    uint32_t u = float_to_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<bfloat16_bits>((u >> 16) | 0x40u);  // NaN
    uint32_t rounding_bias = 0x7fffu + ((u >> 16) & 1u);
    return static_cast<bfloat16_bits>((u + rounding_bias) >> 16);
}
inline float bf16_to_float(bfloat16_bits b) {
    return bits_to_float(uint32_t(b) << 16);
}
// Rounds a float32 to the nearest bfloat16 value, kept as float.
inline float round_to_bf16(float f) {
    return bf16_to_float(float_to_bf16(f));
}

void float_to_bf16(std::span<const float> in, std::span<bfloat16_bits> out);
void bf16_to_float(std::span<const bfloat16_bits> in, std::span<float> out);

// IEEE 754 binary16 (PyTorch's torch.half, NumPy's float16) stored as its 16 raw bits: 1 sign bit, 5
// exponent bits (bias 15), 10 mantissa bits. Written with integer operations only, so the result does
// not depend on the FPU's rounding mode or on flush-to-zero (GCC has _Float16 on x86-64, Clang 14 has
// not; Highway 1.0.3 converts only in vector ops).
using float16_bits = uint16_t;

// float32 -> binary16, round to nearest, ties to even (IEEE 754's default, as NumPy's astype(float16)
// and PyTorch's .half()): values from 65520 up become inf; below 2^-14 the result is subnormal, down to
// 2^-24; 2^-25 and less round to (signed) zero. NaN stays NaN with its sign and top mantissa bits, made
// quiet as x86's F16C does (NumPy keeps a signalling NaN signalling; both give 0x7e00 for the usual NaN).
inline float16_bits float_to_fp16(float f) {
    const uint32_t u = float_to_bits(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const uint32_t a = u & 0x7fffffffu;
    uint32_t h;
    if (a > 0x7f800000u) {
        h = 0x7e00u | ((a >> 13) & 0x3ffu);  // NaN: quiet bit set
    } else if (a >= 0x477ff000u) {
        h = 0x7c00u;                          // from 65520 = 65504 + ulp/2 (a tie, inf is even) up
    } else if (a >= 0x38800000u) {            // a normal half: rebias the exponent (127 -> 15)
        const uint32_t odd = (a >> 13) & 1u;  // round on bit 13; a carry moves into the exponent
        h = (a - 0x38000000u + 0xfffu + odd) >> 13;
    } else if ((a >> 23) < 102) {
        h = 0;  // 2^-25 and below round to zero (2^-25 itself is a tie, zero is even)
    } else {    // a subnormal half m * 2^-24: m = (mantissa with the hidden one) >> (126 - exponent)
        const uint32_t shift = 126 - (a >> 23);  // 14..24
        const uint32_t mant = (a & 0x7fffffu) | 0x800000u;
        const uint32_t rest = mant & ((1u << shift) - 1), tie = 1u << (shift - 1);
        h = mant >> shift;
        if (rest > tie || (rest == tie && (h & 1u))) ++h;  // h = 1024 is the smallest normal, as encoded
    }
    return static_cast<float16_bits>(sign | h);
}

// binary16 -> float32, exact (every half is a float32, subnormals included); NaN payloads are kept.
inline float fp16_to_float(float16_bits h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0x1f) return bits_to_float(sign | 0x7f800000u | mant << 13);  // inf, NaN
    if (exp != 0) return bits_to_float(sign | (exp + 112) << 23 | mant << 13);
    if (mant == 0) return bits_to_float(sign);
    const int shift = std::countl_zero(mant) - 21;  // move the leading one to bit 10 (the hidden bit)
    return bits_to_float(sign | uint32_t(113 - shift) << 23 | ((mant << shift) & 0x3ffu) << 13);
}

// Rounds a float32 to the nearest binary16 value, kept as float.
inline float round_to_fp16(float f) {
    return fp16_to_float(float_to_fp16(f));
}

void float_to_fp16(std::span<const float> in, std::span<float16_bits> out);
void fp16_to_float(std::span<const float16_bits> in, std::span<float> out);

// Bfp8_b: every block of 16 consecutive values (a face row) shares the largest exponent of the block;
// each value keeps its sign and a 7-bit mantissa (with the implicit one made explicit), shifted right by
// the difference to the shared exponent, rounded to nearest even. Storage: exponents first (one byte
// per block), then one byte per value, as tt-metal packs a tile.
constexpr uint32_t kBfp8BlockSize = 16;
size_t bfp8_bytes_for(size_t num_values);  // exponents + mantissas, num_values a multiple of 16
std::vector<uint8_t> pack_bfp8_b(std::span<const float> values);  // size must be a multiple of 16
std::vector<float> unpack_bfp8_b(std::span<const uint8_t> packed, size_t num_values);

}  // namespace tilesim

// fmt::format("{}", dtype) prints to_string(dtype) ("bfloat16"); width and alignment apply.
template <>
struct fmt::formatter<tilesim::DataType> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(tilesim::DataType t, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(tilesim::to_string(t), ctx);
    }
};
