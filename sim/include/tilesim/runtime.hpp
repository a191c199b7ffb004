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

struct RunOptions {
    uint32_t host_threads = 0;    // 0: all hardware threads
    bool checks = true;           // watcher-style checks (bounds, CB misuse, alignment, unset args)
    bool trace = false;           // record timeline slices per kernel (for the Chrome trace)
    double watchdog_seconds = 60; // a run with no kernel progress for this long is stopped (0: off)
    std::ostream* dprint = nullptr;  // where DPRINT goes (nullptr: std::cerr)
};

// Runs `program` to completion on `device`. Throws DeadlockError, WatcherError, WatchdogTimeout, or the
// exception a kernel threw (wrapped with the core and kernel name).
RunReport EnqueueProgram(Device& device, Program& program, const RunOptions& options = {});
inline RunReport enqueue_program(Device& device, Program& program, const RunOptions& options = {}) {
    return EnqueueProgram(device, program, options);
}

}  // namespace tilesim
