#pragma once
// NoC addresses as 64-bit words: [63:62] target kind (1 = worker L1, 2 = DRAM bank), [61:50] x (or
// bank), [49:38] y, [37:0] byte offset. Opaque to kernels, as on hardware.
#include <cstdint>

namespace tilesim::detail {

// Multicast: x holds x_start | x_end << 6, y holds y_start | y_end << 6 (a rectangle of worker cores).
enum class NocTarget : uint64_t { Invalid = 0, L1 = 1, Dram = 2, Multicast = 3 };

struct DecodedNocAddress {
    NocTarget target = NocTarget::Invalid;
    uint32_t x = 0;  // core x, or DRAM bank
    uint32_t y = 0;
    uint64_t offset = 0;
};

constexpr uint64_t encode_noc_address(NocTarget t, uint32_t x, uint32_t y, uint64_t offset) {
    return (static_cast<uint64_t>(t) << 62) | (uint64_t(x & 0xfff) << 50) | (uint64_t(y & 0xfff) << 38) |
           (offset & ((uint64_t(1) << 38) - 1));
}

constexpr DecodedNocAddress decode_noc_address(uint64_t a) {
    return {static_cast<NocTarget>(a >> 62), static_cast<uint32_t>((a >> 50) & 0xfff),
            static_cast<uint32_t>((a >> 38) & 0xfff), a & ((uint64_t(1) << 38) - 1)};
}

}  // namespace tilesim::detail
