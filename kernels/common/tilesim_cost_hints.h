#pragma once
// tilesim-only cost hints: the one thing a tilesim kernel may say that tt-metal's API has no word for.
// On tt-metal (TILESIM_KERNEL_BUILD undefined) every hint compiles away, so the file ships unchanged.
#include <cstdint>

#if defined(TILESIM_KERNEL_BUILD)
#include "tilesim/kernel_hooks.h"
// Charges `cycles` of scalar RISC-V work (index math, software float) to this kernel's clock: an override
// for work the cost model does not count by itself.
inline void kernel_spend_cycles(uint32_t cycles) {
    tilesim_hook_spend_cycles(cycles);
}
#else
inline void kernel_spend_cycles(uint32_t) {}
#endif
