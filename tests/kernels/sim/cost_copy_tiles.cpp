// Test kernel of tests/sim/test_cost_model.cpp.
// Compute stage: copy each tile of c_0 through DEST to c_16 (arg0 tiles).
#include <cstdint>
#include "api/compute/compute_kernel_api.h"

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0);
    for (uint32_t i = 0; i < n; ++i) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 0);
        tile_regs_commit();
        cb_reserve_back(16, 1);
        tile_regs_wait();
        pack_tile(0, 16);
        tile_regs_release();
        cb_push_back(16, 1);
        cb_pop_front(0, 1);
    }
}
