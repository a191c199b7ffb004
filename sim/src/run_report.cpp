// Gathers a RunReport from the state of a finished run and applies the chip-level bounds of the cost
// model (shared DRAM bandwidth).
#include "tilesim/run_report.hpp"

#include <algorithm>
#include <numeric>

#include "detail/run_state.hpp"

namespace tilesim {

std::string_view to_string(Bound b) {
    switch (b) {
        case Bound::DramBandwidth: return "DRAM bandwidth";
        case Bound::Noc: return "NoC";
        case Bound::Compute: return "compute";
        case Bound::CircularBufferStall: return "CB stall";
        case Bound::None: return "none";
    }
    return "?";
}

double CoreStats::end_cycle() const {
    double e = 0;
    for (const auto& k : kernels) e = std::max(e, k.end_cycle);
    return e;
}
uint64_t CoreStats::bytes_read() const {
    uint64_t b = 0;
    for (const auto& k : kernels) b += k.bytes_read;
    return b;
}
uint64_t CoreStats::bytes_written() const {
    uint64_t b = 0;
    for (const auto& k : kernels) b += k.bytes_written;
    return b;
}

CoreStats* RunReport::find_core(CoreCoord c) {
    for (auto& cs : cores) {
        if (cs.core == c) return &cs;
    }
    return nullptr;
}

namespace {
// What limits the run: on the slowest core, the kernel that waited least on CBs drives the pipeline
// (the others wait for it); where did that kernel spend its time?
Bound classify(const RunReport& r, const CoreStats& slowest_core) {
    if (r.dram_bound_cycles > 0 && r.dram_bound_cycles >= 0.9 * r.critical_path_cycles) return Bound::DramBandwidth;
    const KernelStats* driver = nullptr;
    for (const auto& k : slowest_core.kernels) {
        if (!driver || k.cb_wait_cycles < driver->cb_wait_cycles) driver = &k;
    }
    if (!driver) return Bound::None;
    if (driver->cb_wait_cycles > driver->busy_cycles + driver->noc_wait_cycles) return Bound::CircularBufferStall;
    if (driver->noc_wait_cycles >= driver->busy_cycles) return Bound::Noc;
    return driver->kind == KernelKind::Compute ? Bound::Compute : Bound::Noc;
}
}  // namespace

RunReport build_run_report(detail::RunState& run) {
    RunReport r;
    r.device = run.spec->name;
    r.clock_mhz = run.spec->clock_mhz;
    r.checks = run.options.checks;
    for (const auto& cs : run.cores) {
        if (!cs) continue;
        CoreStats s;
        s.core = cs->core;
        s.l1_cb_bytes = cs->l1_cb_bytes;
        s.l1_buffer_bytes = cs->l1_buffer_bytes;
        s.l1_limit = run.spec->l1_size_bytes;
        for (const auto& cb : cs->cbs) {
            if (!cb) continue;
            s.circular_buffers.push_back({cb->index, cb->base, cb->page_size, cb->num_pages, cb->page_size * cb->num_pages,
                                          cb->format, cb->globally_allocated, cb->high_water, cb->pushed.load()});
            r.cb_pages_handed_off += cb->pushed.load();
        }
        r.cores.push_back(std::move(s));
    }
    for (auto& k : run.kernels) {
        KernelStats ks = k->stats;
        ks.wait_cycles = k->wait;
        ks.cb_wait_cycles = k->cb_wait;
        ks.noc_wait_cycles = k->noc_wait;
        ks.busy_cycles = ks.end_cycle - ks.wait_cycles;
        r.dram_bytes_read += ks.dram_bytes_read;
        r.dram_bytes_written += ks.dram_bytes_written;
        CoreStats* cs = r.find_core(k->core->core);
        cs->kernels.push_back(std::move(ks));
    }
    double sum = 0;
    for (auto& cs : r.cores) {
        std::sort(cs.kernels.begin(), cs.kernels.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
        r.critical_path_cycles = std::max(r.critical_path_cycles, cs.end_cycle());
        sum += cs.end_cycle();
    }
    std::sort(r.cores.begin(), r.cores.end(), [](const auto& a, const auto& b) { return a.core < b.core; });
    const CoreStats* slowest_core = nullptr;
    for (const auto& cs : r.cores) {
        if (!slowest_core || cs.end_cycle() > slowest_core->end_cycle()) slowest_core = &cs;
    }
    r.dram_bound_cycles = run.cost->dram_bound_cycles(r.dram_bytes_read + r.dram_bytes_written);
    r.predicted_cycles = std::max(r.critical_path_cycles, r.dram_bound_cycles);
    const double mean = r.cores.empty() ? 0 : sum / static_cast<double>(r.cores.size());
    r.load_imbalance = mean > 0 ? r.critical_path_cycles / mean : 1;
    r.bound = slowest_core ? classify(r, *slowest_core) : Bound::None;
    return r;
}

}  // namespace tilesim
