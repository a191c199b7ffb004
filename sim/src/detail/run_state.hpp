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

#include <oneapi/tbb/task.h>

#include "tilesim/cost_model.hpp"
#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"

namespace tilesim::detail {

struct KernelContext;

// One CB on one core. Producer-side fields are touched only by the producing kernel, consumer-side only
// by the consuming kernel; the shared counters are atomics.
struct CircularBufferState {
    uint32_t index = 0;
    uint32_t base = 0;        // L1 address of page 0
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    DataType format = DataType::Float32;
    bool globally_allocated = false;
    std::atomic<uint64_t> pushed{0};   // pages pushed since the start
    std::atomic<uint64_t> popped{0};   // pages popped since the start
    // producer side
    uint64_t reserved = 0;             // pages reserved beyond `pushed`
    std::atomic<KernelContext*> producer{nullptr};  // the first kernel that reserved (other kernels read it in checks)
    // consumer side
    uint64_t waited = 0;               // pages waited for beyond `popped`
    std::atomic<KernelContext*> consumer{nullptr};
    // waiters (published before suspending; see RunState::block)
    std::atomic<KernelContext*> waiting_producer{nullptr};
    std::atomic<KernelContext*> waiting_consumer{nullptr};
    // cost model: the clock at which each page slot was last pushed / popped
    std::vector<double> push_time;
    std::vector<double> pop_time;
    CbOccupancyTracker occupancy;      // high-water mark in simulated time (fed by the consumer)
    uint32_t end() const { return base + page_size * num_pages; }
};

struct SemaphoreState {
    bool present = false;
    uint32_t address = 0;
};

struct CoreState {
    CoreCoord core;
    std::byte* l1 = nullptr;
    std::array<std::unique_ptr<CircularBufferState>, kNumCircularBuffers> cbs;
    std::vector<SemaphoreState> semaphores;  // indexed by semaphore id; address 0 = not on this core
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
    oneapi::tbb::task::suspend_point tag{};
    std::condition_variable wakeup;      // Executor::Threads: a blocked kernel sleeps here
    bool suspended = false;
    BlockKind block = BlockKind::None;
    uint32_t block_cb = 0;
    uint32_t block_pages = 0;
    uint32_t block_sem_addr = 0;
    uint32_t block_sem_value = 0;
    bool block_sem_min = false;
    std::atomic<uint64_t> progress{0};  // API calls made (watchdog)
    std::atomic<const char*> last_call{"start"};  // string literal of the last API call (watchdog reads it)
    // cost model
    double clock = 0;
    double wait = 0, cb_wait = 0, noc_wait = 0;
    double noc_read_free = 0, noc_read_done = 0;
    double noc_write_free = 0, noc_write_done = 0;
    KernelStats stats;
    // compute
    std::vector<float> dest;             // 16 tiles of 1024 values
    std::vector<float> src_a;            // unpacked source A tiles (pool path)
    std::vector<float> src_b;            // unpacked scalar tile
    std::vector<float> scratch;          // row buffers of the compute calls (no per-call allocation)
    uint32_t dest_dirty = 0;             // bit t: DEST tile t written since the last acquire
    uint32_t src_a_tiles = 0, src_a_rows = 0;
    uint32_t pack_tile_cursor[kNumCircularBuffers] = {};  // pages packed into the reserved region
    std::unique_ptr<std::ostringstream> dprint_line;
    std::string label() const;           // "reader_x on core (x=1,y=2)"
};

struct RunState {
    Device* device = nullptr;
    Program* program = nullptr;
    RunOptions options;
    const DeviceSpec* spec = nullptr;
    std::vector<std::unique_ptr<CoreState>> cores;          // indexed by y * grid.x + x (null: unused)
    std::vector<std::unique_ptr<KernelContext>> kernels;
    // scheduler
    std::mutex sched_mutex;
    int64_t running = 0;                 // tasks not finished and not suspended (guarded by sched_mutex)
    std::atomic<bool> aborted{false};
    std::exception_ptr error;            // first error (guarded by sched_mutex)
    std::mutex dprint_mutex;
    std::unique_ptr<CostModel> cost;

    CoreState* core_state(CoreCoord c);
    CoreState& core_state_checked(CoreCoord c, const char* what);
    // Suspends `k` until `ready()` holds (re-checked under the scheduler lock after publishing the
    // waiter). Throws KernelAborted when the run was aborted.
    template <class Ready, class Publish, class Unpublish>
    void block(KernelContext& k, Ready ready, Publish publish, Unpublish unpublish);
    void wake(KernelContext* k);  // called with sched_mutex held
    void record_error(std::exception_ptr e);
    void abort_all_locked();
    void on_all_blocked_locked();
};

struct KernelAborted {};

KernelContext& current();
void set_current(KernelContext* k);

template <class Ready, class Publish, class Unpublish>
void RunState::block(KernelContext& k, Ready ready, Publish publish, Unpublish unpublish) {
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
        oneapi::tbb::task::suspend([&](oneapi::tbb::task::suspend_point tag) {
            k.tag = tag;
            k.suspended = true;
            if (--running == 0) on_all_blocked_locked();
            lock.unlock();
        });
    }
    set_current(&k);  // a oneTBB task may resume on another thread
    k.block = BlockKind::None;
    if (aborted.load()) throw KernelAborted{};
}

}  // namespace tilesim::detail
