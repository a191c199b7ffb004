// Test kernel of tests/sim/test_compute_pool_path.cpp.
// Args: 0 rows address, 1 weights address, 2 rows R, 3 row width W (floats), 4 overwrite the input
// page with junk once the compute kernel has popped it.
#include <cstdint>

void kernel_main() {
    const uint32_t rows_addr = get_arg_val<uint32_t>(0), weights_addr = get_arg_val<uint32_t>(1);
    const uint32_t rows = get_arg_val<uint32_t>(2), width = get_arg_val<uint32_t>(3);
    const bool overwrite = get_arg_val<uint32_t>(4);
    const InterleavedAddrGen<true> row_pages{rows_addr, width * 4};
    const InterleavedAddrGen<true> weight_page{weights_addr, rows * 4};
    cb_reserve_back(1, 1);
    noc_async_read(get_noc_addr(0, weight_page), get_write_ptr(1), rows * 4);  // row 0 of face 0
    cb_reserve_back(0, 1);
    for (uint32_t r = 0; r < rows; ++r)
        noc_async_read(get_noc_addr(r, row_pages), get_write_ptr(0) + r * width * 4, width * 4);
    noc_async_read_barrier();
    cb_push_back(1, 1);
    cb_push_back(0, 1);
    if (overwrite) {
        cb_reserve_back(0, 1);  // the CB holds one page: this waits for the compute kernel's pop
        float* page = reinterpret_cast<float*>(get_write_ptr(0));
        for (uint32_t i = 0; i < rows * width; ++i) page[i] = 1e6f;
        cb_push_back(0, 1);
    }
}
