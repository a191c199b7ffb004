#include "detail/fiber_stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace tilesim::detail {

namespace {
std::size_t page_bytes() {
    static const std::size_t bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return bytes;
}
}  // namespace

FiberStackPool& FiberStackPool::instance() {
    static FiberStackPool pool;  // never destroyed before the fibers: they all finish inside a run
    return pool;
}

boost::context::stack_context FiberStackPool::allocate() {
    void* base = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            base = free_.back();
            free_.pop_back();
        }
    }
    const std::size_t guard = page_bytes();
    if (!base) {
        base = mmap(nullptr, kStackBytes + guard, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) throw std::bad_alloc();
        if (mprotect(base, guard, PROT_NONE) != 0) {
            munmap(base, kStackBytes + guard);
            throw std::bad_alloc();
        }
    }
    boost::context::stack_context stack;
    stack.size = kStackBytes;
    stack.sp = static_cast<char*>(base) + guard + kStackBytes;  // stacks grow down from the top
    return stack;
}

void FiberStackPool::deallocate(boost::context::stack_context& stack) noexcept {
    void* base = static_cast<char*>(stack.sp) - stack.size - page_bytes();
    try {
        std::lock_guard lock(mutex_);
        free_.push_back(base);
    } catch (...) {
        munmap(base, stack.size + page_bytes());
    }
}

}  // namespace tilesim::detail
