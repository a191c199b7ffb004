#pragma once
// Running a program: the kernels of every core run as fibers inside one oneTBB task per core. A CB call
// that must wait switches to another kernel of the same core; a core whose kernels are all blocked
// suspends its task until another core's semaphore write wakes it. When no core can run and kernels are
// still blocked the run stops with a DeadlockError that names every blocked kernel.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>

#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"

namespace tilesim {

// How kernels run on the host. Fibers (the default): the kernels of each core are Boost.Context fibers
// switched by a small scheduler inside one oneTBB task per core, on `host_threads` threads; a switch is
// a few instructions and CB waits take no lock. Threads: every kernel its own OS thread that sleeps when
// it must wait; slower, but visible to ThreadSanitizer, which cannot follow fiber switches (the default
// in TSan builds). Both run the same CB protocol and give identical results.
enum class Executor { Fibers, Threads };
#if defined(__SANITIZE_THREAD__)
inline constexpr Executor kDefaultExecutor = Executor::Threads;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr Executor kDefaultExecutor = Executor::Threads;
#else
inline constexpr Executor kDefaultExecutor = Executor::Fibers;
#endif
#else
inline constexpr Executor kDefaultExecutor = Executor::Fibers;
#endif

struct RunOptions {
    Executor executor = kDefaultExecutor;
    uint32_t host_threads = 0;       // 0: $TILESIM_HOST_THREADS if set, else all hardware threads
    bool checks = true;              // watcher-style checks (bounds, CB misuse, alignment, unset args)
    bool trace = false;              // record timeline slices per kernel (for the Chrome trace)
    double watchdog_seconds = 60;    // a run with no kernel progress for this long is stopped (0: off)
    std::ostream* dprint = nullptr;  // where DPRINT goes (nullptr: std::cerr)
    // Set *cancel to true from anywhere (another thread, a signal handler) to stop the run: every kernel is
    // aborted within ~50 ms and EnqueueProgram throws RunCancelled.
    const std::atomic<bool>* cancel = nullptr;
};

// Runs `program` to completion on `device`. Throws DeadlockError, WatcherError, WatchdogTimeout, RunCancelled
// or the exception a kernel threw (wrapped with the core and kernel name).
RunReport EnqueueProgram(Device& device, Program& program, const RunOptions& options = {});
inline RunReport enqueue_program(Device& device, Program& program, const RunOptions& options = {}) {
    return EnqueueProgram(device, program, options);
}

}  // namespace tilesim
