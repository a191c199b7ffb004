#pragma once
// Internal state of one program run: per-core CBs and semaphores, per-kernel contexts, the scheduler
// bookkeeping for suspend/resume and deadlock detection. Not part of the public API.
#include <array>
#include <condition_variable>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/context/fiber.hpp>
#include <oneapi/tbb/task.h>

#include "tilesim/cost_model.hpp"
#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"

namespace tilesim::detail {

struct KernelContext;
struct CoreRun;

// What a blocked kernel waits for, as a condition its core's fiber scheduler can test: a pointer to the
// `ready` callable, which lives in the blocked kernel's frame for as long as it waits.
class ReadyCheck {
  public:
    ReadyCheck() = default;
    template <class F>
    explicit ReadyCheck(const F& f)
        : test_([](const void* f) { return (*static_cast<const F*>(f))(); }), arg_(&f) {}
    explicit operator bool() const { return test_ != nullptr; }
    bool operator()() const { return test_(arg_); }

  private:
    bool (*test_)(const void*) = nullptr;
    const void* arg_ = nullptr;
};

// One CB on one core. Producer-side fields are touched only by the producing kernel, consumer-side only
// by the consuming kernel; the shared counters are atomics.
struct CircularBufferState {
    uint32_t index = 0;
    uint32_t base = 0;  // L1 address of page 0
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    DataType format = DataType::Float32;
    bool globally_allocated = false;
    std::atomic<uint64_t> pushed{0};  // pages pushed since the start
    std::atomic<uint64_t> popped{0};  // pages popped since the start
    // producer side
    uint64_t reserved = 0;  // pages reserved beyond `pushed`
    std::atomic<KernelContext*> producer{
        nullptr};  // the first kernel that reserved (other kernels read it in checks)
    // consumer side
    uint64_t waited = 0;  // pages waited for beyond `popped`
    std::atomic<KernelContext*> consumer{nullptr};
    // waiters (published before suspending; see RunState::block)
    std::atomic<KernelContext*> waiting_producer{nullptr};
    std::atomic<KernelContext*> waiting_consumer{nullptr};
    // cost model: the clock at which each page slot was last pushed / popped
    std::vector<double> push_time;
    std::vector<double> pop_time;
    CbOccupancyTracker occupancy;  // high-water mark in simulated time (fed by the consumer)
    uint32_t end() const { return base + page_size * num_pages; }
};

struct SemaphoreState {
    bool present = false;
    uint32_t address = 0;
    // Simulated clock at which the latest signal (set, inc) reached this semaphore; a wait that the
    // value satisfies ends no earlier (guarded by sched_mutex).
    double signal_arrival = 0;
};

struct CoreState {
    CoreCoord core;
    std::byte* l1 = nullptr;
    std::array<std::unique_ptr<CircularBufferState>, kNumCircularBuffers> cbs;
    std::vector<SemaphoreState> semaphores;         // indexed by semaphore id; address 0 = not on this core
    std::vector<KernelContext*> semaphore_waiters;  // kernels waiting on a semaphore of this core
    uint64_t l1_cb_bytes = 0;
    uint64_t l1_buffer_bytes = 0;
};

enum class BlockKind { None, ReserveBack, WaitFront, Semaphore, Finished };

struct KernelContext {
    struct RunState* run = nullptr;
    const KernelSpec* spec = nullptr;
    CoreState* core = nullptr;
    const std::vector<uint32_t>* args = nullptr;
    // scheduling
    std::condition_variable wakeup;  // Executor::Threads: a blocked kernel sleeps here
    // Threads: asleep on `wakeup`; Fibers: waiting for a semaphore. Cleared by wake() under sched_mutex.
    std::atomic<bool> suspended{false};
    CoreRun* core_run = nullptr;         // Fibers: the scheduler of this kernel's core
    boost::context::fiber fiber;         // Fibers: the kernel's continuation while it is not running
    ReadyCheck ready_check;              // Fibers: what the kernel is blocked on (tested by the scheduler)
    const void* stack_bottom = nullptr;  // Fibers: the fiber's stack (AddressSanitizer is told of switches)
    std::size_t stack_size = 0;
    BlockKind block = BlockKind::None;
    uint32_t block_cb = 0;
    uint32_t block_pages = 0;
    uint32_t block_sem_addr = 0;
    uint32_t block_sem_value = 0;
    bool block_sem_min = false;
    std::atomic<uint64_t> progress{0};            // API calls made (watchdog); see note_progress()
    std::atomic<const char*> last_call{"start"};  // string literal of the last API call (watchdog reads it)
    // cost model
    double clock = 0;
    double wait = 0, cb_wait = 0, noc_wait = 0;
    double noc_read_free = 0, noc_read_done = 0;
    double noc_write_free = 0, noc_write_done = 0;
    KernelStats stats;
    // compute
    std::vector<float> dest;       // 16 tiles of 1024 values
    std::vector<float> src_a;      // unpacked source A tiles (pool path)
    std::vector<float> src_b;      // unpacked scalar tile
    std::vector<float> scratch;    // row buffers of the compute calls (no per-call allocation)
    uint32_t dest_dirty = 0;       // bit t: DEST tile t written since the last acquire
    uint32_t dest_row0_dirty = 0;  // bit t: only row 0 of DEST tile t written (reductions)
    uint32_t src_a_tiles = 0, src_a_rows = 0;
    // Float32 rows are not copied by the unpack: source A is read in place from CB `src_a_cb` (row r at
    // src_a_in_place + r * src_a_stride floats) until that CB is popped (see keep_src_a_past_pop).
    const float* src_a_in_place = nullptr;
    uint32_t src_a_stride = 0, src_a_cb = 0;
    uint32_t pack_tile_cursor[kNumCircularBuffers] = {};  // pages packed into the reserved region
    std::unique_ptr<std::ostringstream> dprint_line;
    std::string label() const;  // "reader_x on core (x=1,y=2)"
    // Only the kernel itself writes `progress` (the watchdog only reads it), so a plain load and store do:
    // a locked add would wait for every store of the data just moved to drain (it showed in profiles).
    void note_progress() {
        progress.store(progress.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
};

// Executor::Fibers: the kernels of one core run as fibers that one oneTBB task switches between. Every CB
// belongs to one core, so CB waits never leave the task; only a semaphore written by another core, or a
// core whose kernels are all blocked, involves the scheduler lock.
struct CoreRun {
    std::vector<KernelContext*> kernels;
    boost::context::fiber scheduler;  // the scheduler's continuation while one of the kernels runs
    bool parked = false;              // all kernels blocked, the task suspended (guarded by sched_mutex)
    oneapi::tbb::task::suspend_point tag{};
    bool task_suspended = false;                   // `tag` is valid (guarded by sched_mutex)
    const void* scheduler_stack_bottom = nullptr;  // for AddressSanitizer's fiber annotations
    std::size_t scheduler_stack_size = 0;
};

struct RunState {
    Device* device = nullptr;
    Program* program = nullptr;
    RunOptions options;
    const DeviceSpec* spec = nullptr;
    std::vector<std::unique_ptr<CoreState>> cores;  // indexed by y * grid.x + x (null: unused)
    std::vector<std::unique_ptr<KernelContext>> kernels;
    std::vector<std::unique_ptr<CoreRun>> core_runs;  // Executor::Fibers
    // scheduler
    std::mutex sched_mutex;
    // Threads: kernels neither finished nor asleep; Fibers: core tasks neither finished nor parked
    // (guarded by sched_mutex). Zero with kernels still blocked is a deadlock.
    int64_t running = 0;
    std::atomic<bool> aborted{false};
    std::exception_ptr error;  // first error (guarded by sched_mutex)
    std::mutex dprint_mutex;
    std::unique_ptr<CostModel> cost;

    CoreState* core_state(CoreCoord c);
    CoreState& core_state_checked(CoreCoord c, const char* what);
    // Suspends `k` until `ready()` holds (re-checked under the scheduler lock after publishing the
    // waiter). Throws KernelAborted when the run was aborted.
    template <class Ready, class Publish, class Unpublish>
    void block(KernelContext& k, Ready ready, Publish publish, Unpublish unpublish);
    void wake(KernelContext* k);                // called with sched_mutex held
    void wake_core(CoreRun& c);                 // Fibers, with sched_mutex held: resumes a parked core task
    void run_core(CoreRun& c);                  // Fibers: the scheduler of one core (fiber_executor.cpp)
    void yield_to_scheduler(KernelContext& k);  // Fibers: switch from kernel `k` back to its scheduler
    void record_error(std::exception_ptr e);
    void abort_all_locked();
    void on_all_blocked_locked();
};

struct KernelAborted {};

// Before CB `cb_id` is popped: a source A still read in place from it is copied out (compute_api.cpp).
void keep_src_a_past_pop(KernelContext& k, uint32_t cb_id);

// The kernel running on this host thread. Hidden: called only inside the library, without a PLT hop.
__attribute__((visibility("hidden"))) KernelContext& current();
__attribute__((visibility("hidden"))) void set_current(KernelContext* k);

template <class Ready, class Publish, class Unpublish>
void RunState::block(KernelContext& k, Ready ready, Publish publish, Unpublish unpublish) {
    if (options.executor == Executor::Fibers && k.block != BlockKind::Semaphore) {
        // A CB wait: only a kernel of this core, on this scheduler, can make ready() true, so there is no
        // waiter to publish and nothing to lock; the scheduler tests ready() before resuming `k`.
        k.ready_check = ReadyCheck(ready);
        yield_to_scheduler(k);
        k.block = BlockKind::None;
        if (aborted.load()) throw KernelAborted{};
        return;
    }
    std::unique_lock lock(sched_mutex);
    if (aborted.load()) throw KernelAborted{};
    publish();  // seq_cst store of the waiter; a waker that misses it has already made ready() true
    if (ready()) {
        unpublish();
        k.block = BlockKind::None;
        return;
    }
    if (options.executor == Executor::Threads) {
        k.suspended = true;
        if (--running == 0) on_all_blocked_locked();
        k.wakeup.wait(lock, [&] { return !k.suspended; });
        lock.unlock();
    } else {
        k.suspended = true;  // a semaphore wait: the writer wakes `k` (and moves its clock) under the lock
        lock.unlock();
        auto woken = [&k] { return !k.suspended.load(); };
        k.ready_check = ReadyCheck(woken);
        yield_to_scheduler(k);
    }
    set_current(&k);  // a parked core task may resume on another thread
    k.block = BlockKind::None;
    if (aborted.load()) throw KernelAborted{};
}

}  // namespace tilesim::detail
