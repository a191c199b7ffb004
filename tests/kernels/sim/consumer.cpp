// Test kernel of tests/sim/test_runtime_checks.cpp.
#include <cstdint>

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0), times = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < times; ++i) {
        cb_wait_front(0, n);
        cb_pop_front(0, n);
    }
}
