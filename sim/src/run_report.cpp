// Gathers a RunReport from the state of a finished run and applies the chip-level bounds of the cost
// model (shared DRAM bandwidth); classifies what bounds the predicted duration.
#include "tilesim/run_report.hpp"

#include <algorithm>

#include "detail/run_state.hpp"
#include "detail/scalar_cost.hpp"
#include "tilesim/error.hpp"

namespace tilesim {

std::string_view to_string(Bound b) {
    switch (b) {
        case Bound::DramBandwidth:
            return "DRAM bandwidth";
        case Bound::Noc:
            return "NoC";
        case Bound::Compute:
            return "compute";
        case Bound::CircularBufferStall:
            return "CB stall";
        case Bound::KernelCode:
            return "kernel code";
        case Bound::None:
            return "none";
    }
    return "?";
}

namespace {
template <class Field>
uint64_t sum_kernels(const std::vector<KernelStats>& ks, Field f) {
    uint64_t s = 0;
    for (const auto& k : ks) s += k.*f;
    return s;
}
}  // namespace

double CoreStats::end_cycle() const {
    double e = 0;
    for (const auto& k : kernels) e = std::max(e, k.end_cycle);
    return e;
}
uint64_t CoreStats::bytes_read() const {
    return sum_kernels(kernels, &KernelStats::bytes_read);
}
uint64_t CoreStats::bytes_written() const {
    return sum_kernels(kernels, &KernelStats::bytes_written);
}
uint64_t CoreStats::dram_bytes_read() const {
    return sum_kernels(kernels, &KernelStats::dram_bytes_read);
}
uint64_t CoreStats::dram_bytes_written() const {
    return sum_kernels(kernels, &KernelStats::dram_bytes_written);
}

CoreStats* RunReport::find_core(CoreCoord c) {
    return const_cast<CoreStats*>(static_cast<const RunReport*>(this)->find_core(c));
}
const CoreStats* RunReport::find_core(CoreCoord c) const {
    // Linear: a report built by hand need not be sorted, and grids have at most a few hundred cores.
    for (const auto& cs : cores) {
        if (cs.core == c) return &cs;
    }
    return nullptr;
}
uint64_t RunReport::total_units() const {
    uint64_t s = 0;
    for (const auto& c : cores) s += c.units;
    return s;
}
uint64_t RunReport::bytes_read() const {
    uint64_t s = 0;
    for (const auto& c : cores) s += c.bytes_read();
    return s;
}
uint64_t RunReport::bytes_written() const {
    uint64_t s = 0;
    for (const auto& c : cores) s += c.bytes_written();
    return s;
}

void set_units(RunReport& report, CoreCoord core, uint32_t units) {
    CoreStats* cs = report.find_core(core);
    if (!cs) {
        fail(
            "set_units: core {} is not in the run report ({} cores the program uses); expected a core with "
            "kernels or CBs",
            core, report.cores.size());
    }
    cs->units = units;
}

void set_units(RunReport& report, std::span<const CoreWork> work) {
    for (const CoreWork& w : work) set_units(report, w.core, w.count);
}

namespace {

double percent(double part, double whole) {
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

// Time the kernels of a core spent waiting for room in a full CB.
double full_cb_cycles(const CoreStats& cs) {
    double t = 0;
    for (const auto& k : cs.kernels) t += k.cb_reserve_wait_cycles;
    return t;
}

// What the busy time of kernel `k` was spent on, as shares of `end`: a compute kernel's three stages, a
// data-movement kernel's own scalar work.
std::string busy_breakdown(const KernelStats& k, double end) {
    if (k.kind == KernelKind::Compute && k.unpack_cycles + k.math_cycles + k.pack_cycles > 0) {
        return fmt::format(" (unpack {:.0f}%, math {:.0f}%, pack {:.0f}%)", percent(k.unpack_cycles, end),
                           percent(k.math_cycles, end), percent(k.pack_cycles, end));
    }
    if (k.scalar_cycles > 0)
        return fmt::format(" (scalar RISC-V work {:.0f}%)", percent(k.scalar_cycles, end));
    return "";
}

// What limits the predicted duration. The chip-wide DRAM floor first; otherwise the slowest core's
// bottleneck: the kernel with the most time of its own (busy or waiting on its NoC transfers, not waiting
// on a CB for a neighbour), and where that time went.
void classify(RunReport& r) {
    const CoreStats* slowest = nullptr;
    for (const auto& cs : r.cores) {
        if (!cs.kernels.empty() && (!slowest || cs.end_cycle() > slowest->end_cycle())) slowest = &cs;
    }
    if (!slowest) return;
    const KernelStats* k = nullptr;
    auto own = [](const KernelStats& s) { return s.busy_cycles + s.noc_wait_cycles; };
    for (const auto& s : slowest->kernels) {
        if (!k || own(s) > own(*k)) k = &s;
    }
    const double end = slowest->end_cycle();
    r.bound_detail = fmt::format(
        "{} kernel '{}' on core {} (the slowest core, {:.0f} cycles): busy {:.0f}%{}, NoC wait {:.0f}%, "
        "CB wait {:.0f}%, semaphore wait {:.0f}%",
        to_string(k->kind), k->name, slowest->core, end, percent(k->busy_cycles, end),
        busy_breakdown(*k, end), percent(k->noc_wait_cycles, end), percent(k->cb_wait_cycles, end),
        percent(k->sem_wait_cycles, end));
    if (r.dram_bound_cycles > 0 && r.dram_bound_cycles >= 0.9 * r.critical_path_cycles) {
        r.bound = Bound::DramBandwidth;
        r.bound_detail = fmt::format("{} DRAM bytes need {:.0f} cycles at the chip's {:.1f} B/cycle; {}",
                                     r.dram_bytes_read + r.dram_bytes_written, r.dram_bound_cycles,
                                     r.dram_bytes_per_cycle, r.bound_detail);
    } else if (own(*k) < 0.75 * end && full_cb_cycles(*slowest) >= 0.25 * end) {
        // No kernel works three quarters of the time, and producers waited a quarter of it for a full CB:
        // the stages take turns instead of overlapping.
        r.bound = Bound::CircularBufferStall;
    } else if (k->noc_wait_cycles >= k->busy_cycles) {
        // Bandwidth-bound when moving its DRAM bytes at its share takes at least half the NoC wait.
        const double dram_cycles =
            r.dram_bytes_per_cycle_per_core > 0 && r.dram_bytes_per_cycle_per_core < r.noc_bytes_per_cycle
                ? static_cast<double>(k->dram_bytes_read + k->dram_bytes_written) /
                      r.dram_bytes_per_cycle_per_core
                : 0.0;
        r.bound = dram_cycles >= 0.5 * k->noc_wait_cycles ? Bound::DramBandwidth : Bound::Noc;
    } else {
        r.bound = k->kind == KernelKind::Compute ? Bound::Compute : Bound::KernelCode;
    }
}

// The short list of effects the model leaves out, naming the ones this run depends on.
std::vector<std::string> not_modelled(const RunReport& r, const RiscvScalarCost& riscv) {
    size_t noc_cores = 0, dram_cores = 0;
    for (const auto& cs : r.cores) {
        noc_cores += cs.bytes_read() + cs.bytes_written() > 0 ? 1 : 0;
        dram_cores += cs.dram_bytes_read() + cs.dram_bytes_written() > 0 ? 1 : 0;
    }
    std::vector<std::string> out;
    out.push_back("kernel launch and dispatch (all kernels start at cycle 0)");
    if (!riscv.modelled || !detail::scalar_costing_supported()) {
        out.push_back(riscv.modelled ? "scalar work of data-movement kernels (priced only on x86-64 hosts)"
                                     : "scalar work of data-movement kernels (the device config has no "
                                       "cost.riscv prices)");
    } else {
        double scalar = 0, busy = 0;
        for (const auto& cs : r.cores)
            for (const auto& k : cs.kernels) scalar += k.scalar_cycles, busy += k.busy_cycles;
        out.push_back(fmt::format(
            "RISC-V pipeline timing: scalar work is priced per instruction of the host build (a proxy for "
            "RV32IM's) and per software-float routine, without caches, stalls or branch penalties{}",
            busy > 0 && scalar >= 0.25 * busy
                ? fmt::format(" (this run: scalar work is {:.0f}% of the kernels' busy time)",
                              100 * scalar / busy)
                : ""));
    }
    out.push_back("NoC distance: a transfer costs the same whatever the hops");
    out.push_back(
        noc_cores > 1
            ? fmt::format("NoC link contention between cores (this run: {} cores move data)", noc_cores)
            : "NoC link contention between cores");
    out.push_back(dram_cores > 1
                      ? fmt::format("DRAM bank conflicts and per-bank bandwidth (this run: {} cores "
                                    "share the chip's DRAM bandwidth evenly)",
                                    dram_cores)
                      : "DRAM bank conflicts and per-bank bandwidth");
    return out;
}

CircularBufferStats cb_stats(detail::CircularBufferState& cb) {
    CircularBufferStats s{cb.index,
                          cb.base,
                          cb.page_size,
                          cb.num_pages,
                          cb.page_size * cb.num_pages,
                          cb.format,
                          cb.globally_allocated,
                          0,
                          cb.pushed.load()};
    s.high_water_pages = cb.occupancy.finish(cb.pushed.load(), cb.push_time);
    return s;
}

}  // namespace

RunReport build_run_report(detail::RunState& run) {
    RunReport r;
    r.device = run.spec->name;
    r.clock_mhz = run.spec->clock_mhz;
    r.grid = run.spec->worker_grid;
    r.checks = run.options.checks;
    r.traced = run.options.trace;
    r.noc_bytes_per_cycle = run.cost->noc_bytes_per_cycle();
    r.dram_bytes_per_cycle = run.cost->dram_bytes_per_cycle();
    r.dram_bytes_per_cycle_per_core = run.cost->dram_bytes_per_cycle_per_core();
    for (const auto& cs : run.cores) {  // indexed row-major: the report's cores come out sorted
        if (!cs) continue;
        CoreStats s;
        s.core = cs->core;
        s.l1_cb_bytes = cs->l1_cb_bytes;
        s.l1_buffer_bytes = cs->l1_buffer_bytes;
        s.l1_limit = run.spec->l1_size_bytes;
        for (const auto& cb : cs->cbs) {
            if (!cb) continue;
            s.circular_buffers.push_back(cb_stats(*cb));
            r.cb_pages_handed_off += cb->pushed.load();
        }
        r.cores.push_back(std::move(s));
    }
    for (auto& k : run.kernels) {
        KernelStats ks = k->stats;
        ks.wait_cycles = k->wait;
        ks.cb_wait_cycles = k->cb_wait + ks.cb_reserve_wait_cycles;  // k->cb_wait: cb_wait_front only
        ks.noc_wait_cycles = k->noc_wait;
        ks.busy_cycles = ks.end_cycle - ks.wait_cycles;
        r.dram_bytes_read += ks.dram_bytes_read;
        r.dram_bytes_written += ks.dram_bytes_written;
        r.find_core(k->core->core)->kernels.push_back(std::move(ks));
    }
    double sum = 0;
    size_t busy_cores = 0;  // cores with kernels (a core with only CBs does no work)
    for (auto& cs : r.cores) {
        std::stable_sort(cs.kernels.begin(), cs.kernels.end(),
                         [](const auto& a, const auto& b) { return a.kind < b.kind; });
        r.critical_path_cycles = std::max(r.critical_path_cycles, cs.end_cycle());
        sum += cs.end_cycle();
        busy_cores += cs.kernels.empty() ? 0 : 1;
    }
    r.dram_bound_cycles = run.cost->dram_bound_cycles(r.dram_bytes_read + r.dram_bytes_written);
    r.predicted_cycles = std::max(r.critical_path_cycles, r.dram_bound_cycles);
    const double mean = busy_cores ? sum / static_cast<double>(busy_cores) : 0;
    r.load_imbalance = mean > 0 ? r.critical_path_cycles / mean : 1;
    classify(r);
    r.not_modelled = not_modelled(r, run.spec->cost.riscv);
    return r;
}

}  // namespace tilesim
