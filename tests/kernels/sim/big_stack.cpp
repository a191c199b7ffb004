// Test kernel of tests/sim/test_executors.cpp.
// Uses 256 KiB of stack (a large local table), then a CB handoff, then reads the table back.
#include <cstdint>

void kernel_main() {
    volatile uint32_t table[64 * 1024];
    for (uint32_t i = 0; i < 64 * 1024; ++i) table[i] = i * 3u;
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    cb_pop_front(0, 1);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < 64 * 1024; ++i) sum += table[i];
    *reinterpret_cast<uint64_t*>(get_semaphore(0)) = sum;
}
