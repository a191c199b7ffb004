// Test kernel of tests/sim/test_runtime_checks.cpp.
// ---- test kernels --------------------------------------------------------------------------------
// Producer: reserve arg0 pages at a time, push them, arg1 times. Consumer: wait/pop arg0 pages arg1 times.
#include <cstdint>

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0), times = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < times; ++i) {
        cb_reserve_back(0, n);
        cb_push_back(0, n);
    }
}
