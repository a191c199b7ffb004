// Test kernel of tests/sim/test_executors.cpp.
#include <cstdint>
#include <stdexcept>

void kernel_main() {
    cb_reserve_back(1, 1);
    cb_push_back(1, 1);
    cb_wait_front(1, 1);
    throw std::runtime_error("kernel gave up");
}
