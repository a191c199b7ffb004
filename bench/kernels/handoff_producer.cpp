// Benchmark kernel of bench/bench_runtime.cpp.
#include <cstdint>

void kernel_main() {
    const uint32_t pages = get_arg_val<uint32_t>(0);
    for (uint32_t i = 0; i < pages; ++i) {
        cb_reserve_back(0, 1);
        cb_push_back(0, 1);
    }
}
