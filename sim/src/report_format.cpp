// RunReport as a table and as JSON. Totals are sums over the per-core numbers, so the two views and the
// per-core rows always agree.
#include "tilesim/report_format.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace tilesim {

using Json = nlohmann::ordered_json;

std::string format_bytes(uint64_t bytes) {
    constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return fmt::format("{} B", bytes);
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return fmt::format("{:.{}f} {}", v, v < 10 ? 2 : v < 100 ? 1 : 0, units[u]);
}

// ---- aggregates -----------------------------------------------------------------------------------------

std::vector<KernelAggregate> aggregate_kernels(const RunReport& report) {
    std::vector<KernelAggregate> out;
    auto slot = [&](const KernelStats& k) -> KernelAggregate& {
        for (auto& a : out)
            if (a.name == k.name && a.kind == k.kind) return a;
        KernelAggregate& a = out.emplace_back();
        a.name = k.name;
        a.kind = k.kind;
        a.busy_min = a.wait_min = std::numeric_limits<double>::infinity();
        return a;
    };
    for (const auto& cs : report.cores) {
        for (const auto& k : cs.kernels) {
            KernelAggregate& a = slot(k);
            ++a.cores;
            a.busy_min = std::min(a.busy_min, k.busy_cycles);
            a.busy_max = std::max(a.busy_max, k.busy_cycles);
            a.busy_mean += k.busy_cycles;
            a.wait_min = std::min(a.wait_min, k.wait_cycles);
            a.wait_max = std::max(a.wait_max, k.wait_cycles);
            a.wait_mean += k.wait_cycles;
            a.cb_wait_mean += k.cb_wait_cycles;
            a.noc_wait_mean += k.noc_wait_cycles;
            a.sem_wait_mean += k.sem_wait_cycles;
            a.scalar_mean += k.scalar_cycles;
            a.end_max = std::max(a.end_max, k.end_cycle);
            a.noc_reads += k.noc_reads;
            a.noc_writes += k.noc_writes;
            a.bytes_read += k.bytes_read;
            a.bytes_written += k.bytes_written;
            a.dram_bytes_read += k.dram_bytes_read;
            a.dram_bytes_written += k.dram_bytes_written;
            a.tile_ops += k.tile_ops;
        }
    }
    for (auto& a : out) {
        const double n = a.cores;
        for (double* m : {&a.busy_mean, &a.wait_mean, &a.cb_wait_mean, &a.noc_wait_mean, &a.sem_wait_mean,
                          &a.scalar_mean})
            *m /= n;
    }
    return out;
}

std::vector<CircularBufferAggregate> aggregate_circular_buffers(const RunReport& report) {
    std::map<uint32_t, CircularBufferAggregate> by_index;
    for (const auto& cs : report.cores) {
        for (const auto& cb : cs.circular_buffers) {
            auto [it, first] = by_index.try_emplace(cb.index);
            CircularBufferAggregate& a = it->second;
            if (first) {
                a.index = cb.index;
                a.page_size = cb.page_size;
                a.min_pages = a.min_high_water = std::numeric_limits<uint32_t>::max();
                a.globally_allocated = cb.globally_allocated;
            }
            ++a.cores;
            a.min_pages = std::min(a.min_pages, cb.num_pages);
            a.max_pages = std::max(a.max_pages, cb.num_pages);
            a.min_high_water = std::min(a.min_high_water, cb.high_water_pages);
            a.max_high_water = std::max(a.max_high_water, cb.high_water_pages);
            a.pages_pushed += cb.pages_pushed;
        }
    }
    std::vector<CircularBufferAggregate> out;
    for (auto& [index, a] : by_index) out.push_back(a);
    return out;
}

namespace {

struct Totals {
    uint64_t units = 0, bytes_read = 0, bytes_written = 0, dram_read = 0, dram_written = 0;
    uint64_t noc_reads = 0, noc_writes = 0, tile_ops = 0;
    const CoreStats* max_l1 = nullptr;
    const CoreStats* slowest = nullptr;
};

Totals totals_of(const RunReport& r) {
    Totals t;
    for (const auto& cs : r.cores) {
        t.units += cs.units;
        for (const auto& k : cs.kernels) {
            t.bytes_read += k.bytes_read;
            t.bytes_written += k.bytes_written;
            t.dram_read += k.dram_bytes_read;
            t.dram_written += k.dram_bytes_written;
            t.noc_reads += k.noc_reads;
            t.noc_writes += k.noc_writes;
            t.tile_ops += k.tile_ops;
        }
        if (!t.max_l1 || cs.l1_used() > t.max_l1->l1_used()) t.max_l1 = &cs;
        if (!t.slowest || cs.end_cycle() > t.slowest->end_cycle()) t.slowest = &cs;
    }
    return t;
}

Json kernel_json(const KernelStats& k) {
    return {{"name", k.name},
            {"path", k.path},
            {"kind", to_string(k.kind)},
            {"end_cycle", k.end_cycle},
            {"busy_cycles", k.busy_cycles},
            {"wait_cycles", k.wait_cycles},
            {"cb_wait_cycles", k.cb_wait_cycles},
            {"cb_reserve_wait_cycles", k.cb_reserve_wait_cycles},
            {"noc_wait_cycles", k.noc_wait_cycles},
            {"sem_wait_cycles", k.sem_wait_cycles},
            {"noc_reads", k.noc_reads},
            {"noc_writes", k.noc_writes},
            {"bytes_read", k.bytes_read},
            {"bytes_written", k.bytes_written},
            {"dram_bytes_read", k.dram_bytes_read},
            {"dram_bytes_written", k.dram_bytes_written},
            {"tile_ops", k.tile_ops},
            {"scalar_cycles", k.scalar_cycles},
            {"unpack_cycles", k.unpack_cycles},
            {"math_cycles", k.math_cycles},
            {"pack_cycles", k.pack_cycles}};
}

Json cb_json(const CircularBufferStats& cb) {
    return {{"index", cb.index},
            {"address", cb.address},
            {"page_size", cb.page_size},
            {"num_pages", cb.num_pages},
            {"total_size", cb.total_size},
            {"data_format", to_string(cb.data_format)},
            {"globally_allocated", cb.globally_allocated},
            {"high_water_pages", cb.high_water_pages},
            {"pages_pushed", cb.pages_pushed}};
}

Json core_json(const RunReport& r, const CoreStats& cs) {
    Json j = {{"x", cs.core.x},
              {"y", cs.core.y},
              {"units", cs.units},
              {"end_cycle", cs.end_cycle()},
              {"end_us", r.cycles_to_us(cs.end_cycle())},
              {"bytes_read", cs.bytes_read()},
              {"bytes_written", cs.bytes_written()},
              {"dram_bytes_read", cs.dram_bytes_read()},
              {"dram_bytes_written", cs.dram_bytes_written()},
              {"l1",
               {{"cb_bytes", cs.l1_cb_bytes},
                {"buffer_bytes", cs.l1_buffer_bytes},
                {"used_bytes", cs.l1_used()},
                {"limit_bytes", cs.l1_limit}}}};
    j["kernels"] = Json::array();
    for (const auto& k : cs.kernels) j["kernels"].push_back(kernel_json(k));
    j["circular_buffers"] = Json::array();
    for (const auto& cb : cs.circular_buffers) j["circular_buffers"].push_back(cb_json(cb));
    return j;
}

Json aggregates_json(const RunReport& r) {
    Json ks = Json::array();
    for (const auto& a : aggregate_kernels(r)) {
        ks.push_back({{"name", a.name},
                      {"kind", to_string(a.kind)},
                      {"cores", a.cores},
                      {"busy_cycles", {{"min", a.busy_min}, {"mean", a.busy_mean}, {"max", a.busy_max}}},
                      {"wait_cycles", {{"min", a.wait_min}, {"mean", a.wait_mean}, {"max", a.wait_max}}},
                      {"mean_cb_wait_cycles", a.cb_wait_mean},
                      {"mean_noc_wait_cycles", a.noc_wait_mean},
                      {"mean_sem_wait_cycles", a.sem_wait_mean},
                      {"mean_scalar_cycles", a.scalar_mean},
                      {"end_cycle_max", a.end_max},
                      {"bytes_read", a.bytes_read},
                      {"bytes_written", a.bytes_written},
                      {"dram_bytes_read", a.dram_bytes_read},
                      {"dram_bytes_written", a.dram_bytes_written},
                      {"tile_ops", a.tile_ops}});
    }
    return ks;
}

}  // namespace

std::string report_to_json(const RunReport& r, int indent) {
    const Totals t = totals_of(r);
    Json j;
    j["format"] = "tilesim run report";
    j["version"] = 1;
    j["device"] = r.device;
    j["clock_mhz"] = r.clock_mhz;
    j["grid"] = {{"x", r.grid.x}, {"y", r.grid.y}};
    j["host_threads"] = r.host_threads;
    j["checks"] = r.checks;
    j["traced"] = r.traced;
    j["wall_seconds"] = r.wall_seconds;
    j["predicted"] = {{"cycles", r.predicted_cycles},
                      {"us", r.predicted_us()},
                      {"critical_path_cycles", r.critical_path_cycles},
                      {"dram_bound_cycles", r.dram_bound_cycles},
                      {"bound", to_string(r.bound)},
                      {"bound_detail", r.bound_detail},
                      {"load_imbalance", r.load_imbalance}};
    j["not_modelled"] = r.not_modelled;
    j["rates"] = {{"noc_bytes_per_cycle", r.noc_bytes_per_cycle},
                  {"dram_bytes_per_cycle", r.dram_bytes_per_cycle},
                  {"dram_bytes_per_cycle_per_core", r.dram_bytes_per_cycle_per_core}};
    j["totals"] = {{"cores", r.cores.size()},        {"units", t.units},
                   {"bytes_read", t.bytes_read},     {"bytes_written", t.bytes_written},
                   {"dram_bytes_read", t.dram_read}, {"dram_bytes_written", t.dram_written},
                   {"noc_reads", t.noc_reads},       {"noc_writes", t.noc_writes},
                   {"tile_ops", t.tile_ops},         {"cb_pages_handed_off", r.cb_pages_handed_off}};
    if (t.max_l1) {
        j["l1"] = {{"limit_bytes", t.max_l1->l1_limit},
                   {"max_used_bytes", t.max_l1->l1_used()},
                   {"max_used_core", {{"x", t.max_l1->core.x}, {"y", t.max_l1->core.y}}}};
    }
    j["kernels"] = aggregates_json(r);
    j["cores"] = Json::array();
    for (const auto& cs : r.cores) j["cores"].push_back(core_json(r, cs));
    return j.dump(indent) + (indent >= 0 ? "\n" : "");
}

// ---- table ------------------------------------------------------------------------------------------------

namespace {

std::string percent_of(uint64_t part, uint64_t whole) {
    return whole ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole))
                 : "-";
}

void summary_lines(std::string& out, const RunReport& r, const Totals& t) {
    out += fmt::format(
        "tilesim run on {} ({}x{} grid, {} MHz): {} cores, {} host threads, checks {}, {:.3f} s host time\n",
        r.device, r.grid.x, r.grid.y, r.clock_mhz, r.cores.size(), r.host_threads, r.checks ? "on" : "off",
        r.wall_seconds);
    out += fmt::format("predicted       {:.0f} cycles = {:.2f} us\n", r.predicted_cycles, r.predicted_us());
    out += fmt::format("  critical path {:.0f} cycles{}\n", r.critical_path_cycles,
                       t.slowest ? " on core " + t.slowest->core.str() : "");
    out +=
        fmt::format("  DRAM floor    {:.0f} cycles ({} at {:.1f} B/cycle for the chip)\n",
                    r.dram_bound_cycles, format_bytes(t.dram_read + t.dram_written), r.dram_bytes_per_cycle);
    out += fmt::format("bound           {}: {}\n", to_string(r.bound), r.bound_detail);
    out += fmt::format("load imbalance  {:.3f} (slowest core / mean core time)\n", r.load_imbalance);
    if (!r.not_modelled.empty()) out += fmt::format("not modelled    {}\n", fmt::join(r.not_modelled, "; "));
    if (t.units > 0) {
        uint32_t lo = std::numeric_limits<uint32_t>::max(), hi = 0;
        for (const auto& cs : r.cores) {
            lo = std::min(lo, cs.units);
            hi = std::max(hi, cs.units);
        }
        out += fmt::format("units           {} ({} to {} per core)\n", t.units, lo, hi);
    }
    out += fmt::format(
        "traffic         read {} (DRAM {}), written {} (DRAM {}); {} NoC reads, {} writes; {} CB pages "
        "handed off\n",
        format_bytes(t.bytes_read), format_bytes(t.dram_read), format_bytes(t.bytes_written),
        format_bytes(t.dram_written), t.noc_reads, t.noc_writes, r.cb_pages_handed_off);
    if (t.max_l1) {
        const CoreStats& m = *t.max_l1;
        out += fmt::format("L1              at most {} of {} used ({}) on core {}: CBs {} + buffers {}\n",
                           format_bytes(m.l1_used()), format_bytes(m.l1_limit),
                           percent_of(m.l1_used(), m.l1_limit), m.core, format_bytes(m.l1_cb_bytes),
                           format_bytes(m.l1_buffer_bytes));
    }
}

void kernel_lines(std::string& out, const RunReport& r) {
    const auto ks = aggregate_kernels(r);
    if (ks.empty()) return;
    size_t w = 6;
    for (const auto& a : ks) w = std::max(w, a.name.size());
    out += fmt::format("\n{:<{}}  {:<7} {:>5}  {:>26}  {:>26}  {:>10}  {:>10}  {:>8}  {:>11}\n", "kernel", w,
                       "kind", "cores", "busy cycles min/mean/max", "wait cycles min/mean/max", "read",
                       "written", "tile ops", "scalar mean");
    for (const auto& a : ks) {
        out +=
            fmt::format("{:<{}}  {:<7} {:>5}  {:>26}  {:>26}  {:>10}  {:>10}  {:>8}  {:>11.0f}\n", a.name, w,
                        to_string(a.kind), a.cores,
                        fmt::format("{:.0f}/{:.0f}/{:.0f}", a.busy_min, a.busy_mean, a.busy_max),
                        fmt::format("{:.0f}/{:.0f}/{:.0f}", a.wait_min, a.wait_mean, a.wait_max),
                        format_bytes(a.bytes_read), format_bytes(a.bytes_written), a.tile_ops, a.scalar_mean);
    }
}

void cb_lines(std::string& out, const RunReport& r) {
    const auto cbs = aggregate_circular_buffers(r);
    if (cbs.empty()) return;
    out += fmt::format("\n{:<6} {:>5}  {:>18}  {:>22}  {:>12}\n", "CB", "cores", "pages x page size",
                       "high water min/max", "pages pushed");
    for (const auto& a : cbs) {
        const std::string pages = a.min_pages == a.max_pages ? fmt::format("{}", a.max_pages)
                                                             : fmt::format("{}-{}", a.min_pages, a.max_pages);
        out += fmt::format("{:<6} {:>5}  {:>18}  {:>22}  {:>12}{}\n", fmt::format("c_{}", a.index), a.cores,
                           fmt::format("{} x {} B", pages, a.page_size),
                           fmt::format("{}/{}", a.min_high_water, a.max_high_water), a.pages_pushed,
                           a.globally_allocated ? "  (sharded buffer)" : "");
    }
}

// "busy/wait" of the kernels of one kind on a core, "-" when it has none.
std::string kind_cell(const CoreStats& cs, KernelKind kind) {
    double busy = 0, wait = 0;
    bool any = false;
    for (const auto& k : cs.kernels) {
        if (k.kind != kind) continue;
        any = true;
        busy += k.busy_cycles;
        wait += k.wait_cycles;
    }
    return any ? fmt::format("{:.0f}/{:.0f}", busy, wait) : "-";
}

void core_row(std::string& out, const RunReport& r, const CoreStats& cs, bool units_known) {
    uint32_t hw = 0, cap = 0;  // the CB that came closest to full
    for (const auto& cb : cs.circular_buffers) {
        if (cap == 0 || uint64_t(cb.high_water_pages) * cap > uint64_t(hw) * cb.num_pages) {
            hw = cb.high_water_pages;
            cap = cb.num_pages;
        }
    }
    out += fmt::format(
        "{:<12} {:>6} {:>10.0f} {:>9.2f}  {:>15} {:>15} {:>15}  {:>10} {:>10}  {:>7}  {:>10}\n", cs.core,
        units_known ? fmt::format("{}", cs.units) : "-", cs.end_cycle(), r.cycles_to_us(cs.end_cycle()),
        kind_cell(cs, KernelKind::Reader), kind_cell(cs, KernelKind::Writer),
        kind_cell(cs, KernelKind::Compute), format_bytes(cs.bytes_read()), format_bytes(cs.bytes_written()),
        cap ? fmt::format("{}/{}", hw, cap) : "-", percent_of(cs.l1_used(), cs.l1_limit));
}

void core_lines(std::string& out, const RunReport& r, const TableOptions& o) {
    if (r.cores.empty()) return;
    std::vector<const CoreStats*> order;
    for (const auto& cs : r.cores) order.push_back(&cs);
    std::stable_sort(order.begin(), order.end(),
                     [](const CoreStats* a, const CoreStats* b) { return a->end_cycle() > b->end_cycle(); });
    const size_t n = order.size(), top = o.slowest_cores, bottom = o.fastest_cores;
    const bool all = n <= top + bottom + 1;
    out += all ? fmt::format("\ncores, slowest first\n")
               : fmt::format("\ncores: the {} slowest and the {} fastest of {}\n", top, bottom, n);
    out += fmt::format("{:<12} {:>6} {:>10} {:>9}  {:>15} {:>15} {:>15}  {:>10} {:>10}  {:>7}  {:>10}\n",
                       "core", "units", "cycles", "us", "reader busy/wait", "writer busy/wait", "compute b/w",
                       "read", "written", "CB fill", "L1 used");
    for (size_t i = 0; i < n; ++i) {
        if (!all && i == top) out += fmt::format("{:<12} ({} cores not shown)\n", "...", n - top - bottom);
        if (all || i < top || i >= n - bottom) core_row(out, r, *order[i], r.total_units() > 0);
    }
}

}  // namespace

std::string report_to_table(const RunReport& report, const TableOptions& options) {
    const Totals t = totals_of(report);
    std::string out;
    summary_lines(out, report, t);
    kernel_lines(out, report);
    cb_lines(out, report);
    core_lines(out, report, options);
    return out;
}

}  // namespace tilesim
