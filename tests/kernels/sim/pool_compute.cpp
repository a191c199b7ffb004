// Test kernel of tests/sim/test_compute_pool_path.cpp.
// Args: 0 rows R, 1 row width W, 2 whether the reader overwrites the input page.
#include <cstdint>
#include "api/compute/compute_kernel_api.h"

void kernel_main() {
    const uint32_t rows = get_arg_val<uint32_t>(0), width = get_arg_val<uint32_t>(1);
    const bool overwrite = get_arg_val<uint32_t>(2);
    tilizeA_B_reduce_init(0, 1, width / 32, 16);
    cb_wait_front(0, 1);
    cb_wait_front(1, 1);
    tile_regs_acquire();
    unpack_tilizeA_B_block(0, 1, width / 32, 0, 4, rows, width * 4);
    if (overwrite) {
        cb_pop_front(0, 1);
        cb_wait_front(0, 1);  // the junk page, in the same slot
    }
    reduce_tile_math(0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_untilize_dest_row(16, width / 16);
    cb_push_back(16, 1);
    tile_regs_release();
    cb_pop_front(0, 1);
    cb_pop_front(1, 1);
}
