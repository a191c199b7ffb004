// Reads compile-time arg 3; the test passes only two.
#include <cstdint>

void kernel_main() {
    constexpr uint32_t n = get_compile_time_arg_val(3);
    DPRINT << n << ENDL();
}
