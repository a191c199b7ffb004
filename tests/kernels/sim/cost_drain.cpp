// Test kernel of tests/sim/test_cost_model.cpp.
#include <cstdint>

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0);
    for (uint32_t i = 0; i < n; ++i) {
        cb_wait_front(16, 1);
        cb_pop_front(16, 1);
    }
}
