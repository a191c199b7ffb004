#pragma once
// Helpers every kernel-API call uses: find the calling kernel, stop if the run was aborted, raise a
// watcher error naming the kernel.
#include <string>

#include "detail/run_state.hpp"
#include "detail/scalar_cost.hpp"
#include "tilesim/error.hpp"

namespace tilesim::detail {

[[noreturn]] inline void watcher(const KernelContext& k, const std::string& what) {
    throw WatcherError(fmt::format("watcher: {}: {}", k.label(), what));
}

// Moves the scalar work the kernel executed since its last API call onto its clock.
inline void charge_scalar_work(KernelContext& k) {
    if (const uint64_t units = tilesim_scalar_pending) {
        tilesim_scalar_pending = 0;
        const double cycles = static_cast<double>(units) / kScalarUnitsPerCycle;
        k.clock += cycles;
        k.stats.scalar_cycles += cycles;
    }
}

inline KernelContext& enter(const char* call) {
    KernelContext& k = current();
    charge_scalar_work(k);
    if (k.run->aborted.load(std::memory_order_relaxed)) throw KernelAborted{};
    k.last_call.store(call, std::memory_order_relaxed);
    return k;
}

inline CircularBufferState& cb_of(KernelContext& k, uint32_t cb, const char* call) {
    if (cb >= kNumCircularBuffers || !k.core->cbs[cb])
        watcher(k, fmt::format("{}(c_{}): no such CB on this core", call, cb));
    return *k.core->cbs[cb];
}

// Moves the kernel's clock to `t` (if later), counting the gap as waiting in `bucket`. The trace slice is
// named after the call, and the CB when `cb` >= 0 ("cb_wait_front c_1").
inline void advance_to(KernelContext& k, double t, double& bucket, int cb = -1) {
    if (t > k.clock) {
        bucket += t - k.clock;
        k.wait += t - k.clock;
        if (k.run->options.trace) {
            const char* call = k.last_call.load(std::memory_order_relaxed);
            k.stats.trace.push_back({cb >= 0 ? fmt::format("{} c_{}", call, cb) : std::string(call), "wait",
                                     k.clock, t - k.clock});
        }
        k.clock = t;
    }
}

}  // namespace tilesim::detail
