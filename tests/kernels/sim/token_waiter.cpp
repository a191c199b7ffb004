// Test kernel of tests/sim/test_executors.cpp.
// ---- test kernels --------------------------------------------------------------------------------
// A token passed along a chain of cores in row-major order. On each core the "waiter" kernel waits for
// the token (its semaphore), adds its own core index to a running sum kept in a CB page, and hands the
// page to the "signaller" kernel of the same core, which forwards sum and token to the next core.
// Args: 0 this core's position in the chain, 1 chain length, 2/3 next core x/y.
#include <cstdint>

void kernel_main() {
    const uint32_t position = get_arg_val<uint32_t>(0);
    const uint32_t sem = get_semaphore(0);
    const uint32_t sum_addr = get_semaphore(1);  // the running sum arrives here with the token
    if (position > 0) noc_semaphore_wait(reinterpret_cast<volatile uint32_t*>(sem), 1);
    cb_reserve_back(0, 1);
    const uint32_t sum = *reinterpret_cast<uint32_t*>(sum_addr) + position;
    *reinterpret_cast<uint32_t*>(get_write_ptr(0)) = sum;
    cb_push_back(0, 1);
}
