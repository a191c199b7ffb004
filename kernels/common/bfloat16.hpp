#pragma once
// bfloat16 <-> float as the hardware packs it (round to nearest, ties to even; NaN stays a quiet NaN).
// Dependency-free so that kernels, the CPU references and device code share one definition; it is
// bit-identical to tilesim::float_to_bf16 (sim/include/tilesim/data_format.hpp), which a test pins.
#include <cstdint>
#include <cstring>

namespace tilesim_kernels {

inline uint16_t float_to_bfloat16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // NaN
    const uint32_t rounding_bias = 0x7fffu + ((u >> 16) & 1u);
    return static_cast<uint16_t>((u + rounding_bias) >> 16);
}

inline float bfloat16_to_float(uint16_t b) {
    const uint32_t u = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

}  // namespace tilesim_kernels
