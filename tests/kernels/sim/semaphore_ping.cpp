// Test kernel of tests/sim/test_runtime_checks.cpp.
// Two cores wait on their own semaphore before signalling the other: a circular wait.
#include <cstdint>

void kernel_main() {
    const uint32_t other_x = get_arg_val<uint32_t>(0), first = get_arg_val<uint32_t>(1);
    const uint32_t sem = get_semaphore(0);
    if (!first) noc_semaphore_wait(reinterpret_cast<volatile uint32_t*>(sem), 1);
    noc_semaphore_inc(get_noc_addr(other_x, 0, sem), 1);
    if (first) noc_semaphore_wait(reinterpret_cast<volatile uint32_t*>(sem), 1);
}
