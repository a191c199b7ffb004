#pragma once
// Data formats as the device stores them: Float32, BFloat16 (round to nearest even, as hardware packs)
// and Bfp8_b (blocks of 16 values sharing an 8-bit exponent; sign + 7-bit mantissa each).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tilesim {

enum class DataType { Float32, BFloat16, Bfp8_b, UInt32, UInt16, Int32 };

std::string_view to_string(DataType t);
DataType parse_data_type(std::string_view name);  // "float32", "bfloat16", "bfp8_b", ... ; throws

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

// Bfp8_b: every block of 16 consecutive values (a face row) shares the largest exponent of the block;
// each value keeps its sign and a 7-bit mantissa (with the implicit one made explicit), shifted right by
// the difference to the shared exponent, rounded to nearest even. Storage: exponents first (one byte
// per block), then one byte per value, as tt-metal packs a tile.
constexpr uint32_t kBfp8BlockSize = 16;
size_t bfp8_bytes_for(size_t num_values);  // exponents + mantissas, num_values a multiple of 16
std::vector<uint8_t> pack_bfp8_b(std::span<const float> values);  // size must be a multiple of 16
std::vector<float> unpack_bfp8_b(std::span<const uint8_t> packed, size_t num_values);

}  // namespace tilesim
