#pragma once
// Stacks for kernel fibers. Mapping a stack (mmap + a guard page) and unmapping it cost system calls and
// TLB shootdowns on every core of the host; a program run creates a fiber per (core, kernel), so the
// stacks are kept in a process-wide pool and reused across runs.
#include <cstddef>
#include <mutex>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace tilesim::detail {

class FiberStackPool {
  public:
    // 1 MiB of address space per kernel (pages are committed only when touched) and a guard page below
    // it, so a kernel that overflows its stack faults instead of corrupting a neighbour.
    static constexpr std::size_t kStackBytes = std::size_t(1) << 20;

    static FiberStackPool& instance();
    boost::context::stack_context allocate();
    void deallocate(boost::context::stack_context& stack) noexcept;

  private:
    std::mutex mutex_;
    std::vector<void*> free_;  // mapping bases (guard page first)
};

// The StackAllocator Boost.Context expects, backed by the pool.
struct PooledFiberStack {
    boost::context::stack_context allocate() { return FiberStackPool::instance().allocate(); }
    void deallocate(boost::context::stack_context& stack) noexcept {
        FiberStackPool::instance().deallocate(stack);
    }
};

}  // namespace tilesim::detail
