// Test kernel of tests/sim/test_cost_model.cpp.
// Compute stage: each tile of c_0 through DEST to c_16 (arg0 tiles) by copy_tile (arg1 = 0), add_tiles
// (1: the tile plus itself) or mul_tiles (2: the tile times itself).
#include <cstdint>
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary.h"

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0), op = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < n; ++i) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        if (op == 0)
            copy_tile(0, 0, 0);
        else if (op == 1)
            add_tiles(0, 0, 0, 0, 0);
        else
            mul_tiles(0, 0, 0, 0, 0);
        tile_regs_commit();
        cb_reserve_back(16, 1);
        tile_regs_wait();
        pack_tile(0, 16);
        tile_regs_release();
        cb_push_back(16, 1);
        cb_pop_front(0, 1);
    }
}
