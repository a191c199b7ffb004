#pragma once
// Running a program: every (core, kernel) pair is a oneTBB task. A CB or semaphore call that must wait
// suspends its task (oneapi::tbb::task::suspend); the matching push/pop/increment resumes it. When no
// task can run and some are suspended the run stops with a DeadlockError that names every blocked kernel.
#include <chrono>
#include <cstdint>
#include <ostream>

#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"

namespace tilesim {

// How kernels run on the host. TbbTasks (the default): every kernel a oneTBB task that suspends when it
// must wait, on `host_threads` threads. Threads: every kernel its own OS thread that sleeps when it must
// wait; slower, but visible to ThreadSanitizer, which cannot follow oneTBB's coroutine switches (the
// default in TSan builds). Both run the same CB protocol and give identical results.
enum class Executor { TbbTasks, Threads };
#if defined(__SANITIZE_THREAD__)
inline constexpr Executor kDefaultExecutor = Executor::Threads;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr Executor kDefaultExecutor = Executor::Threads;
#else
inline constexpr Executor kDefaultExecutor = Executor::TbbTasks;
#endif
#else
inline constexpr Executor kDefaultExecutor = Executor::TbbTasks;
#endif

struct RunOptions {
    Executor executor = kDefaultExecutor;
    uint32_t host_threads = 0;       // 0: all hardware threads
    bool checks = true;              // watcher-style checks (bounds, CB misuse, alignment, unset args)
    bool trace = false;              // record timeline slices per kernel (for the Chrome trace)
    double watchdog_seconds = 60;    // a run with no kernel progress for this long is stopped (0: off)
    std::ostream* dprint = nullptr;  // where DPRINT goes (nullptr: std::cerr)
};

// Runs `program` to completion on `device`. Throws DeadlockError, WatcherError, WatchdogTimeout, or the
// exception a kernel threw (wrapped with the core and kernel name).
RunReport EnqueueProgram(Device& device, Program& program, const RunOptions& options = {});
inline RunReport enqueue_program(Device& device, Program& program, const RunOptions& options = {}) {
    return EnqueueProgram(device, program, options);
}

}  // namespace tilesim
