#pragma once
// Values in L1 in a CB's data format (get_dataformat(cb)): DataFormat::Float32 (4-byte floats) or
// DataFormat::Float16_b (bfloat16). Shared by the data-movement kernels of every op family.
#include <cstdint>

#include "kernels/common/bfloat16.hpp"

namespace tilesim_kernels {

inline uint32_t element_bytes(DataFormat format) {
    return format == DataFormat::Float32 ? 4 : 2;
}

// Stores v as element `index` of the L1 array at `addr` in `format`.
inline void store_value(uint32_t addr, uint32_t index, float v, DataFormat format) {
    if (format == DataFormat::Float32) {
        reinterpret_cast<volatile tt_l1_ptr float*>(addr)[index] = v;
    } else {
        reinterpret_cast<volatile tt_l1_ptr uint16_t*>(addr)[index] = float_to_bfloat16(v);
    }
}

// Zeroes `bytes` (a multiple of 2) of L1 at `addr`, word by word (every store bounds-checked here).
inline void zero_l1(uint32_t addr, uint32_t bytes) {
    if (addr % 4 == 0 && bytes % 4 == 0) {
        volatile tt_l1_ptr uint32_t* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(addr);
        for (uint32_t i = 0; i < bytes / 4; ++i) p[i] = 0;
    } else {
        volatile tt_l1_ptr uint16_t* p = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(addr);
        for (uint32_t i = 0; i < bytes / 2; ++i) p[i] = 0;
    }
}

}  // namespace tilesim_kernels
