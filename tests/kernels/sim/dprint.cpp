// Test kernel of tests/sim/test_runtime_checks.cpp.
#include <cstdint>

void kernel_main() {
    DPRINT << "value=" << get_arg_val<uint32_t>(0) << ENDL();
}
