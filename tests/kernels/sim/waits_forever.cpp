// Test kernel of tests/sim/test_executors.cpp.
// Waits for a CB page that never comes, while its neighbour kernel on the same core throws.
#include <cstdint>

void kernel_main() {
    cb_wait_front(0, 1);
}
