// Test kernel of tests/sim/test_runtime_checks.cpp.
// Does one bad thing selected by arg 0.
#include <cstdint>
#include <stdexcept>

void kernel_main() {
    const uint32_t what = get_arg_val<uint32_t>(0);
    const uint32_t dram_addr = get_arg_val<uint32_t>(1);
    switch (what) {
        case 0:
            (void)reinterpret_cast<uint32_t*>(1499136 - 2);
            break;  // past L1
        case 1:
            cb_push_back(0, 1);
            break;  // push without reserve
        case 2:
            cb_reserve_back(0, 1);
            cb_push_back(0, 2);
            break;  // push more than reserved
        case 3:
            cb_reserve_back(0, 1);
            cb_push_back(0, 1);
            cb_wait_front(0, 1);
            cb_pop_front(0, 2);
            break;
        case 4:
            (void)get_read_ptr(0);
            break;  // read before wait
        case 5:
            cb_reserve_back(0, 1);
            cb_push_back(0, 1);
            break;  // page left at end
        case 6:
            noc_async_read(get_noc_addr_from_bank_id<true>(0, dram_addr + 8), get_write_ptr(0), 64);
            break;  // misaligned
        case 7:
            (void)get_arg_val<uint32_t>(9);
            break;  // arg never set
        case 8:
            cb_reserve_back(0, 1);
            noc_async_read(get_noc_addr_from_bank_id<true>(0, dram_addr), get_write_ptr(0), 2 * 256);
            break;
        case 9:
            noc_async_read(get_noc_addr_from_bank_id<true>(0, 0x7ffffff0u), 0x10000, 64);
            break;  // past DRAM bank
        case 10:
            throw std::invalid_argument("kernel says no");
        case 11:
            for (;;) (void)cb_pages_available_at_front(0, 1);
            break;  // spins: watchdog
        case 12:
            cb_reserve_back(0, 1);
            break;  // reserved, never pushed
        default:
            break;
    }
}
