// Executor::Fibers: one oneTBB task per core runs that core's kernels as Boost.Context fibers. A kernel
// that must wait for a CB yields to the scheduler below, which resumes the next kernel whose wait is
// over; CB waits therefore cost two fiber switches and no lock. When every kernel of the core is blocked
// the task parks (oneapi::tbb::task::suspend) until another core's semaphore write wakes it, or the run
// is found deadlocked.
#include <memory>

#include "detail/fiber_stack_pool.hpp"
#include "detail/run_state.hpp"
#include "tilesim/error.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TILESIM_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TILESIM_ASAN_FIBERS 1
#endif
#endif
#ifdef TILESIM_ASAN_FIBERS
#include <sanitizer/common_interface_defs.h>
#endif

namespace tilesim {
void run_kernel_body(detail::RunState& run, detail::KernelContext* k);  // runtime.cpp
}

namespace tilesim::detail {

namespace {

// AddressSanitizer must be told which stack the program runs on after each switch, or it misreads the
// stack bounds (false reports on exceptions thrown inside kernels).
struct StackSwitch {
#ifdef TILESIM_ASAN_FIBERS
    void* fake_stack = nullptr;
    void start(const void* bottom, std::size_t size) {
        __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
    }
    void start_final(const void* bottom, std::size_t size) {
        __sanitizer_start_switch_fiber(nullptr, bottom, size);
    }
    void finish(const void** from_bottom = nullptr, std::size_t* from_size = nullptr) {
        __sanitizer_finish_switch_fiber(fake_stack, from_bottom, from_size);
    }
#else
    void start(const void*, std::size_t) {}
    void start_final(const void*, std::size_t) {}
    void finish(const void** = nullptr, std::size_t* = nullptr) {}
#endif
};

void start_fiber(RunState& run, KernelContext* k) {
    PooledFiberStack allocator;
    boost::context::stack_context stack = allocator.allocate();
    k->stack_bottom = static_cast<const char*>(stack.sp) - stack.size;
    k->stack_size = stack.size;
    k->fiber = boost::context::fiber(
        std::allocator_arg, boost::context::preallocated(stack.sp, stack.size, stack), allocator,
        [&run, k](boost::context::fiber&& scheduler) {
            CoreRun& core = *k->core_run;
            StackSwitch().finish(&core.scheduler_stack_bottom, &core.scheduler_stack_size);
            core.scheduler = std::move(scheduler);
            run_kernel_body(run, k);
            k->block = BlockKind::Finished;
            k->note_progress();
            StackSwitch().start_final(core.scheduler_stack_bottom, core.scheduler_stack_size);
            return std::move(core.scheduler);
        });
}

bool runnable(const RunState& run, const KernelContext& k) {
    return k.fiber && (!k.ready_check || k.ready_check() || run.aborted.load(std::memory_order_relaxed));
}

}  // namespace

void RunState::yield_to_scheduler(KernelContext& k) {
    CoreRun& core = *k.core_run;
    StackSwitch sw;
    sw.start(core.scheduler_stack_bottom, core.scheduler_stack_size);
    core.scheduler = std::move(core.scheduler).resume();
    sw.finish(&core.scheduler_stack_bottom, &core.scheduler_stack_size);
}

void RunState::wake_core(CoreRun& c) {
    if (!c.parked) return;
    c.parked = false;
    ++running;
    if (c.task_suspended) {  // false only while run_core itself is still parking, under this lock
        c.task_suspended = false;
        oneapi::tbb::task::resume(c.tag);
    }
}

void RunState::run_core(CoreRun& core) {
    try {
        for (KernelContext* k : core.kernels) start_fiber(*this, k);
    } catch (const std::bad_alloc&) {
        record_error(std::make_exception_ptr(Error("out of host memory for kernel fiber stacks")));
        for (KernelContext* k : core.kernels) k->fiber = {};  // never started: nothing to unwind
    }
    size_t unfinished = 0;
    for (KernelContext* k : core.kernels) unfinished += k->fiber ? 1 : 0;
    const size_t n = core.kernels.size();
    while (unfinished > 0) {
        bool ran = false;
        for (size_t i = 0; i < n; ++i) {
            KernelContext* k = core.kernels[i];
            if (!runnable(*this, *k)) continue;
            k->ready_check = {};
            set_current(k);
            StackSwitch sw;
            sw.start(k->stack_bottom, k->stack_size);
            k->fiber = std::move(k->fiber).resume();
            sw.finish();
            ran = true;
            if (!k->fiber) --unfinished;
        }
        if (ran || unfinished == 0) continue;
        // Every kernel of this core is blocked: park until a semaphore write from another core wakes one
        // (or the run aborts). The re-test under the lock pairs with wake() taking the same lock.
        std::unique_lock lock(sched_mutex);
        bool any_ready = false;
        for (KernelContext* k : core.kernels) any_ready = any_ready || runnable(*this, *k);
        if (any_ready) continue;
        core.parked = true;
        if (--running == 0) on_all_blocked_locked();
        if (!core.parked) continue;  // the deadlock diagnosis aborted the run and woke us
        oneapi::tbb::task::suspend([&](oneapi::tbb::task::suspend_point tag) {
            core.tag = tag;
            core.task_suspended = true;
            lock.unlock();
        });
    }
    set_current(nullptr);
    std::lock_guard lock(sched_mutex);
    if (--running == 0) on_all_blocked_locked();
}

}  // namespace tilesim::detail
