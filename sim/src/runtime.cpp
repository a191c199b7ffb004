// EnqueueProgram: places CBs and semaphores in each core's L1, runs every (core, kernel) pair as a
// oneTBB task, detects deadlocks, and gathers the RunReport.
#include "tilesim/runtime.hpp"

#include "tilesim/kernel_build.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <thread>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "detail/api_common.hpp"
#include "detail/run_state.hpp"
#include "tilesim/error.hpp"
#include "tilesim/validate_program.hpp"

namespace tilesim {

namespace detail {

std::string KernelContext::label() const {
    return fmt::format("{} kernel '{}' on core {}", to_string(spec->kind), spec->name, core->core);
}

CoreState* RunState::core_state(CoreCoord c) {
    if (c.x >= spec->worker_grid.x || c.y >= spec->worker_grid.y) return nullptr;
    return cores[c.y * spec->worker_grid.x + c.x].get();
}

void RunState::wake(KernelContext* k) {
    k->suspended = false;
    if (options.executor == Executor::Threads) {
        ++running;
        k->wakeup.notify_one();
    } else {
        wake_core(*k->core_run);
    }
}

void RunState::abort_all_locked() {
    aborted.store(true);
    for (auto& k : kernels) {
        if (k->suspended) wake(k.get());
    }
    for (auto& c : core_runs) wake_core(*c);  // their scheduler resumes every kernel, which then unwinds
}

void RunState::record_error(std::exception_ptr e) {
    std::lock_guard lock(sched_mutex);
    if (!error) error = e;
    abort_all_locked();
}

namespace {
std::string describe_block(const KernelContext& k) {
    const CoreState& core = *k.core;
    switch (k.block) {
        case BlockKind::ReserveBack:
        case BlockKind::WaitFront: {
            const CircularBufferState& cb = *core.cbs[k.block_cb];
            const uint64_t filled = cb.pushed.load() - cb.popped.load();
            const bool reserve = k.block == BlockKind::ReserveBack;
            return fmt::format("{} blocked in {}(c_{}, {}): {} pages {}, capacity {} pages", k.label(),
                               reserve ? "cb_reserve_back" : "cb_wait_front", k.block_cb, k.block_pages,
                               reserve ? cb.num_pages - filled : filled, reserve ? "free" : "available",
                               cb.num_pages);
        }
        case BlockKind::Semaphore: {
            uint32_t value;
            std::memcpy(&value, core.l1 + k.block_sem_addr, 4);
            return fmt::format("{} blocked in {}(semaphore at L1 {:#x}, {}): value is {}", k.label(),
                               k.block_sem_min ? "noc_semaphore_wait_min" : "noc_semaphore_wait",
                               k.block_sem_addr, k.block_sem_value, value);
        }
        default:
            return fmt::format("{} (not blocked; last call {})", k.label(), k.last_call.load());
    }
}
}  // namespace

void RunState::on_all_blocked_locked() {
    std::vector<std::string> lines;
    for (auto& k : kernels) {
        if (k->block != BlockKind::None && k->block != BlockKind::Finished)
            lines.push_back(describe_block(*k));
    }
    if (lines.empty()) return;  // everything finished
    std::string msg = fmt::format("deadlock: no kernel can make progress; {} blocked:", lines.size());
    for (const auto& l : lines) msg += "\n  " + l;
    if (!error) error = std::make_exception_ptr(DeadlockError(msg));
    abort_all_locked();
}

}  // namespace detail

using detail::CoreState;
using detail::KernelContext;
using detail::RunState;

namespace {
void check_end_of_kernel(KernelContext& k);
}

// Runs one kernel function to its end; every error becomes the run's error (which aborts the others).
void run_kernel_body(RunState& run, KernelContext* k) {
    detail::set_current(k);
    tilesim_scalar_pending = 0;
    try {
        k->spec->function();
        detail::charge_scalar_work(*k);
        check_end_of_kernel(*k);
    } catch (const detail::KernelAborted&) {
    } catch (const boost::context::detail::forced_unwind&) {
        throw;  // Boost.Context unwinding a fiber's stack: must reach the fiber's entry
    } catch (const WatcherError&) {
        run.record_error(std::current_exception());
    } catch (const Error& e) {
        run.record_error(std::make_exception_ptr(Error(fmt::format("{}: {}", k->label(), e.what()))));
    } catch (const std::exception& e) {
        run.record_error(std::make_exception_ptr(Error(fmt::format("{} threw: {}", k->label(), e.what()))));
    } catch (...) {
        run.record_error(
            std::make_exception_ptr(Error(fmt::format("{} threw a non-standard exception", k->label()))));
    }
    k->stats.end_cycle = k->clock;
    detail::set_current(nullptr);
}

namespace {

// RunOptions::host_threads = 0: $TILESIM_HOST_THREADS when set (the test suite sets 1, since ctest already
// runs tests side by side), else every hardware thread.
uint32_t default_host_threads() {
    if (const char* env = std::getenv("TILESIM_HOST_THREADS"); env && *env) {
        char* end = nullptr;
        const unsigned long n = std::strtoul(env, &end, 10);
        if (*end != '\0' || n == 0 || n > 4096)
            fail("TILESIM_HOST_THREADS: '{}' is not a host thread count (expected an integer from 1 to 4096)",
                 env);
        return static_cast<uint32_t>(n);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

void place_core_resources(RunState& run, Program& program) {
    const DeviceSpec& spec = *run.spec;
    const auto grid_cores = spec.num_worker_cores();
    run.cores.resize(grid_cores);
    auto state_for = [&](CoreCoord c) -> CoreState& {
        auto& slot = run.cores[c.y * spec.worker_grid.x + c.x];
        if (!slot) {
            slot = std::make_unique<CoreState>();
            slot->core = c;
            slot->l1 = run.device->l1(c);
            slot->semaphores.resize(program.semaphores().size());
        }
        return *slot;
    };
    const auto layout = plan_l1(*run.device, program);  // validates sizes, throws OutOfMemory
    for (const auto& [core, placement] : layout) {
        CoreState& cs = state_for(core);
        cs.l1_cb_bytes = placement.cb_region_bytes;
        cs.l1_buffer_bytes = placement.buffer_bytes;
        for (const auto& sem : placement.semaphores) {
            cs.semaphores[sem.id] = {true, sem.address};
            std::memcpy(cs.l1 + sem.address, &program.semaphores()[sem.id].initial_value, 4);
        }
        for (const auto& cbp : placement.cbs) {
            auto cb = std::make_unique<detail::CircularBufferState>();
            cb->index = cbp.index;
            cb->base = cbp.address;
            cb->page_size = cbp.page_size;
            cb->num_pages = cbp.num_pages;
            cb->format = cbp.format;
            cb->globally_allocated = cbp.globally_allocated;
            cb->push_time.assign(cbp.num_pages, 0.0);
            cb->pop_time.assign(cbp.num_pages, 0.0);
            cs.cbs[cbp.index] = std::move(cb);
        }
    }
    for (const auto& k : program.kernels()) {
        for (CoreCoord c : k.cores.cores()) state_for(c);
    }
}

void create_kernel_contexts(RunState& run, Program& program) {
    for (auto& spec : program.kernels()) {
        for (CoreCoord c : spec.cores.cores()) {
            auto k = std::make_unique<KernelContext>();
            k->run = &run;
            k->spec = &spec;
            k->core = run.core_state(c);
            auto it = spec.runtime_args.find(c);
            k->args = it == spec.runtime_args.end() ? nullptr : &it->second;
            k->stats.name = spec.name;
            k->stats.path = spec.path;
            k->stats.kind = spec.kind;
            if (spec.kind == KernelKind::Compute) k->dest.assign(16 * 1024, 0.f);
            run.kernels.push_back(std::move(k));
        }
    }
}

// Executor::Fibers: one scheduler per core, holding that core's kernels in program order.
void group_kernels_by_core(RunState& run) {
    std::vector<detail::CoreRun*> by_core(run.cores.size(), nullptr);
    for (auto& k : run.kernels) {
        const CoreCoord c = k->core->core;
        detail::CoreRun*& slot = by_core[c.y * run.spec->worker_grid.x + c.x];
        if (!slot) {
            run.core_runs.push_back(std::make_unique<detail::CoreRun>());
            slot = run.core_runs.back().get();
        }
        slot->kernels.push_back(k.get());
        k->core_run = slot;
    }
}

void check_end_of_kernel(KernelContext& k) {
    if (!k.run->options.checks) return;
    for (const auto& cb : k.core->cbs) {
        if (!cb) continue;
        if (cb->producer.load(std::memory_order_relaxed) == &k && cb->reserved > 0) {
            throw WatcherError(fmt::format("{} returned with {} page(s) of CB c_{} reserved but never pushed",
                                           k.label(), cb->reserved, cb->index));
        }
    }
}

// Executor::Threads: the body, then the bookkeeping under the scheduler lock.
void run_kernel_thread(RunState& run, KernelContext* k) {
    run_kernel_body(run, k);
    std::lock_guard lock(run.sched_mutex);
    k->block = detail::BlockKind::Finished;
    k->note_progress();
    if (--run.running == 0) run.on_all_blocked_locked();
}

// Watches kernel progress; stops a run whose kernels made no progress for options.watchdog_seconds.
class Watchdog {
  public:
    Watchdog(RunState& run) : run_(run) {
        if (run.options.watchdog_seconds > 0 || run.options.cancel) thread_ = std::thread([this] { loop(); });
    }
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

  private:
    uint64_t total_progress() const {
        uint64_t p = 0;
        for (const auto& k : run_.kernels) p += k->progress.load(std::memory_order_relaxed);
        return p;
    }
    void loop() {
        const auto limit = std::chrono::duration<double>(run_.options.watchdog_seconds);
        auto last_change = std::chrono::steady_clock::now();
        uint64_t last = total_progress();
        std::unique_lock lock(mutex_);
        while (!done_) {
            cv_.wait_for(lock, std::chrono::milliseconds(50));
            const uint64_t now_progress = total_progress();
            const auto now = std::chrono::steady_clock::now();
            if (run_.options.cancel && run_.options.cancel->load() && !run_.aborted.load()) {
                run_.record_error(
                    std::make_exception_ptr(RunCancelled("run cancelled (RunOptions::cancel was set)")));
            } else if (run_.options.watchdog_seconds <= 0) {
                continue;
            } else if (now_progress != last) {
                last = now_progress;
                last_change = now;
            } else if (now - last_change > limit && !run_.aborted.load()) {
                std::string msg =
                    fmt::format("watchdog: no kernel made progress for {:.1f} s; where each kernel was:",
                                run_.options.watchdog_seconds);
                for (const auto& k : run_.kernels) {
                    if (k->block != detail::BlockKind::Finished)
                        msg += fmt::format("\n  {}: last call {}", k->label(), k->last_call.load());
                }
                run_.record_error(std::make_exception_ptr(WatchdogTimeout(msg)));
            }
        }
    }
    RunState& run_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
};

}  // namespace

RunReport build_run_report(RunState& run);  // run_report.cpp

RunReport EnqueueProgram(Device& device, Program& program, const RunOptions& options) {
    // Kernel sources are compiled (or found in the cache) before the run and its host-time measurement.
    build_program_kernels(program.kernels(), device.spec());
    const auto start = std::chrono::steady_clock::now();
    RunState run;
    run.device = &device;
    run.program = &program;
    run.options = options;
    run.spec = &device.spec();
    place_core_resources(run, program);
    create_kernel_contexts(run, program);
    uint32_t moving_cores = 0;
    for (const auto& cs : run.cores) moving_cores += cs ? 1 : 0;
    run.cost = std::make_unique<CostModel>(device.spec(), moving_cores);

    const uint32_t hw = std::max(1u, std::thread::hardware_concurrency());
    const uint32_t threads = options.host_threads ? options.host_threads : default_host_threads();
    if (!run.kernels.empty() && options.executor == Executor::Threads) {
        run.running = static_cast<int64_t>(run.kernels.size());
        Watchdog watchdog(run);
        std::vector<std::thread> threads_of_kernels;
        threads_of_kernels.reserve(run.kernels.size());
        for (auto& k : run.kernels)
            threads_of_kernels.emplace_back([&run, kp = k.get()] { run_kernel_thread(run, kp); });
        for (auto& t : threads_of_kernels) t.join();
    } else if (!run.kernels.empty()) {
        oneapi::tbb::global_control parallelism(oneapi::tbb::global_control::max_allowed_parallelism,
                                                std::max(threads, hw));
        oneapi::tbb::task_arena arena(static_cast<int>(threads));
        group_kernels_by_core(run);
        run.running = static_cast<int64_t>(run.core_runs.size());
        Watchdog watchdog(run);
        arena.execute([&] {
            oneapi::tbb::task_group group;
            for (auto& c : run.core_runs) {
                detail::CoreRun* cp = c.get();
                group.run([&run, cp] { run.run_core(*cp); });
            }
            group.wait();
        });
    }
    if (run.error) std::rethrow_exception(run.error);
    if (options.checks) {
        for (const auto& cs : run.cores) {
            if (!cs) continue;
            for (const auto& cb : cs->cbs) {
                if (!cb || cb->globally_allocated) continue;
                const uint64_t left = cb->pushed.load() - cb->popped.load();
                if (left > 0) {
                    throw WatcherError(
                        fmt::format("core {}: CB c_{} still holds {} page(s) at the end of the program ({} "
                                    "pushed, {} popped)",
                                    cs->core, cb->index, left, cb->pushed.load(), cb->popped.load()));
                }
            }
        }
    }
    RunReport report = build_run_report(run);
    report.host_threads = threads;
    report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace tilesim
