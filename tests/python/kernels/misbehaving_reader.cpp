// Test kernel of tests/python/test_errors.py: does one bad thing, selected by runtime arg 0.
//   0: cb_push_back without cb_reserve_back (a watcher error)
//   1: cb_wait_front on CB c_0, which nobody fills (a deadlock)
//   2: spins on cb_pages_available_at_front without progress (the watchdog)
//   3: throws (the run stops with the kernel's message)
#include <cstdint>
#include <stdexcept>

void kernel_main() {
    const uint32_t what = get_arg_val<uint32_t>(0);
    if (what == 0) {
        cb_push_back(tt::CBIndex::c_0, 1);
    } else if (what == 1) {
        cb_wait_front(tt::CBIndex::c_0, 1);
    } else if (what == 2) {
        for (;;) (void)cb_pages_available_at_front(tt::CBIndex::c_0, 1);
    } else {
        throw std::invalid_argument("kernel says no");
    }
}
