// Test kernel of tests/sim/test_cost_model.cpp.
#include <cstdint>

#include "kernels/common/tilesim_cost_hints.h"

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0), work = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < n; ++i) {
        cb_wait_front(0, 1);
        kernel_spend_cycles(work);
        cb_pop_front(0, 1);
    }
}
