// Test kernel of tests/sim/test_cost_model.cpp.
// Pipeline stages: arg0 pages, arg1 cycles of work per page.
#include <cstdint>

#include "kernels/common/tilesim_cost_hints.h"

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0), work = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < n; ++i) {
        cb_reserve_back(0, 1);
        kernel_spend_cycles(work);
        cb_push_back(0, 1);
    }
}
