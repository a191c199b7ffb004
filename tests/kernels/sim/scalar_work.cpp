// Scalar work of a data-movement kernel (tests/sim/test_scalar_cost.cpp): a loop of `iterations` steps of
// integer or float arithmetic, its result stored in L1 so that the compiler keeps it.
// args: 0 iterations, 1 mode (0 integer, 1 float multiply-add, 2 kernel_spend_cycles(1000) only),
// 2 L1 address of one result word.
#include <cstdint>
#include <cstring>

#include "kernels/common/tilesim_cost_hints.h"

void kernel_main() {
    const uint32_t iterations = get_arg_val<uint32_t>(0), mode = get_arg_val<uint32_t>(1),
                   out = get_arg_val<uint32_t>(2);
    volatile tt_l1_ptr uint32_t* result = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(out);
    if (mode == 0) {
        uint32_t acc = 1;
        for (uint32_t i = 0; i < iterations; ++i) acc = (acc ^ i) + (acc >> 3);
        result[0] = acc;
    } else if (mode == 1) {
        float acc = 1.f;
        for (uint32_t i = 0; i < iterations; ++i) acc = acc * 0.999f + static_cast<float>(i);
        uint32_t bits;
        std::memcpy(&bits, &acc, sizeof bits);
        result[0] = bits;
    } else {
        kernel_spend_cycles(1000);
    }
}
