#pragma once
// tt-metal's DPRINT: DPRINT << "x=" << x << ENDL(); prints one line tagged with the core and the kernel.
#include <cstdint>
#include <type_traits>

#include "tilesim/kernel_hooks.h"

namespace tilesim_kernel {
struct DebugEndl {};
struct DebugPrinter {
    const DebugPrinter& operator<<(const char* text) const {
        tilesim_hook_dprint_text(text);
        return *this;
    }
    const DebugPrinter& operator<<(char c) const {
        const char text[2] = {c, 0};
        tilesim_hook_dprint_text(text);
        return *this;
    }
    template <class T, std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T>, int> = 0>
    const DebugPrinter& operator<<(T v) const {
        if constexpr (std::is_floating_point_v<T>)
            tilesim_hook_dprint_float(static_cast<double>(v));
        else if constexpr (std::is_enum_v<T> || std::is_unsigned_v<T>)
            tilesim_hook_dprint_uint(static_cast<uint64_t>(v));
        else
            tilesim_hook_dprint_int(static_cast<int64_t>(v));
        return *this;
    }
    const DebugPrinter& operator<<(DebugEndl) const {
        tilesim_hook_dprint_end_line();
        return *this;
    }
};
}  // namespace tilesim_kernel
inline tilesim_kernel::DebugEndl ENDL() {
    return {};
}
#define DPRINT (::tilesim_kernel::DebugPrinter{})
#define DPRINT_DATA0(x) x
#define DPRINT_DATA1(x) x
#define DPRINT_UNPACK(x) x
#define DPRINT_MATH(x) x
#define DPRINT_PACK(x) x
