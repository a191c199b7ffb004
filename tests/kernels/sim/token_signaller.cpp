// Test kernel of tests/sim/test_executors.cpp.
#include <cstdint>

void kernel_main() {
    const uint32_t position = get_arg_val<uint32_t>(0), length = get_arg_val<uint32_t>(1);
    const uint32_t next_x = get_arg_val<uint32_t>(2), next_y = get_arg_val<uint32_t>(3);
    const uint32_t sum_addr = get_semaphore(1);
    cb_wait_front(0, 1);
    const uint32_t page = get_read_ptr(0);
    if (position + 1 < length) {
        noc_async_write(page, get_noc_addr(next_x, next_y, sum_addr), 4);
        noc_async_write_barrier();
        noc_semaphore_inc(get_noc_addr(next_x, next_y, get_semaphore(0)), 1);
    } else {
        *reinterpret_cast<uint32_t*>(sum_addr) =
            *reinterpret_cast<uint32_t*>(page);  // the last core keeps the total
    }
    cb_pop_front(0, 1);
}
