#include "tilesim/report_format.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tilesim {

namespace {
nlohmann::json kernel_json(const KernelStats& k) {
    return {{"name", k.name}, {"path", k.path}, {"kind", to_string(k.kind)}, {"end_cycle", k.end_cycle},
            {"busy_cycles", k.busy_cycles}, {"wait_cycles", k.wait_cycles}, {"cb_wait_cycles", k.cb_wait_cycles},
            {"noc_wait_cycles", k.noc_wait_cycles}, {"noc_reads", k.noc_reads}, {"noc_writes", k.noc_writes},
            {"bytes_read", k.bytes_read}, {"bytes_written", k.bytes_written}, {"dram_bytes_read", k.dram_bytes_read},
            {"dram_bytes_written", k.dram_bytes_written}, {"tile_ops", k.tile_ops}};
}
}  // namespace

std::string report_to_json(const RunReport& r) {
    nlohmann::json j;
    j["device"] = r.device;
    j["clock_mhz"] = r.clock_mhz;
    j["host_threads"] = r.host_threads;
    j["checks"] = r.checks;
    j["predicted_cycles"] = r.predicted_cycles;
    j["predicted_us"] = r.predicted_us();
    j["critical_path_cycles"] = r.critical_path_cycles;
    j["dram_bound_cycles"] = r.dram_bound_cycles;
    j["dram_bytes_read"] = r.dram_bytes_read;
    j["dram_bytes_written"] = r.dram_bytes_written;
    j["bound"] = to_string(r.bound);
    j["load_imbalance"] = r.load_imbalance;
    j["wall_seconds"] = r.wall_seconds;
    j["cb_pages_handed_off"] = r.cb_pages_handed_off;
    uint64_t bytes_read = 0, bytes_written = 0;
    j["cores"] = nlohmann::json::array();
    for (const CoreStats& c : r.cores) {
        nlohmann::json cj = {{"x", c.core.x}, {"y", c.core.y}, {"units", c.units}, {"end_cycle", c.end_cycle()},
                             {"bytes_read", c.bytes_read()}, {"bytes_written", c.bytes_written()},
                             {"l1_cb_bytes", c.l1_cb_bytes}, {"l1_buffer_bytes", c.l1_buffer_bytes},
                             {"l1_used_bytes", c.l1_cb_bytes + c.l1_buffer_bytes}, {"l1_limit", c.l1_limit}};
        bytes_read += c.bytes_read();
        bytes_written += c.bytes_written();
        for (const auto& k : c.kernels) cj["kernels"].push_back(kernel_json(k));
        for (const auto& cb : c.circular_buffers) {
            cj["circular_buffers"].push_back({{"index", cb.index}, {"address", cb.address}, {"page_size", cb.page_size},
                                              {"num_pages", cb.num_pages}, {"total_size", cb.total_size},
                                              {"data_format", to_string(cb.data_format)},
                                              {"globally_allocated", cb.globally_allocated},
                                              {"high_water_pages", cb.high_water_pages}, {"pages_pushed", cb.pages_pushed}});
        }
        j["cores"].push_back(std::move(cj));
    }
    j["bytes_read"] = bytes_read;
    j["bytes_written"] = bytes_written;
    return j.dump(2);
}

std::string report_to_table(const RunReport& r) {
    std::string out;
    auto line = [&](const std::string& s) { out += s + "\n"; };
    uint64_t bytes_read = 0, bytes_written = 0, units = 0;
    for (const auto& c : r.cores) {
        bytes_read += c.bytes_read();
        bytes_written += c.bytes_written();
        units += c.units;
    }
    line(fmt::format("predicted: {:.0f} cycles = {:.2f} us on {} ({} cores, bound: {}, load imbalance max/mean {:.2f})",
                     r.predicted_cycles, r.predicted_us(), r.device, r.cores.size(), to_string(r.bound), r.load_imbalance));
    line(fmt::format("  critical path {:.0f} cycles, DRAM bound {:.0f} cycles ({} B read, {} B written); NoC {} B read, {} B written",
                     r.critical_path_cycles, r.dram_bound_cycles, r.dram_bytes_read, r.dram_bytes_written, bytes_read, bytes_written));
    line(fmt::format("  host: {:.3f} s wall on {} thread(s), checks {}, {} CB pages handed off", r.wall_seconds, r.host_threads,
                     r.checks ? "on" : "off", r.cb_pages_handed_off));
    // Per-kernel aggregates over cores (kernels with the same name).
    struct Agg {
        KernelKind kind;
        double busy = 0, wait = 0, end = 0;
        uint64_t n = 0;
    };
    std::vector<std::pair<std::string, Agg>> aggs;
    for (const auto& c : r.cores) {
        for (const auto& k : c.kernels) {
            auto it = std::find_if(aggs.begin(), aggs.end(), [&](const auto& a) { return a.first == k.name; });
            if (it == aggs.end()) it = aggs.insert(aggs.end(), {k.name, Agg{k.kind}});
            it->second.busy += k.busy_cycles;
            it->second.wait += k.wait_cycles;
            it->second.end = std::max(it->second.end, k.end_cycle);
            ++it->second.n;
        }
    }
    line(fmt::format("  {:<40} {:>8} {:>6} {:>14} {:>14} {:>12}", "kernel", "kind", "cores", "mean busy cyc", "mean wait cyc", "max end"));
    for (const auto& [name, a] : aggs) {
        line(fmt::format("  {:<40} {:>8} {:>6} {:>14.0f} {:>14.0f} {:>12.0f}", name, to_string(a.kind), a.n, a.busy / a.n, a.wait / a.n, a.end));
    }
    // The slowest and fastest cores.
    std::vector<const CoreStats*> order;
    for (const auto& c : r.cores) order.push_back(&c);
    std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->end_cycle() > b->end_cycle(); });
    line(fmt::format("  {:<14} {:>6} {:>12} {:>12} {:>12} {:>22}", "core", "units", "end cycle", "read B", "written B", "L1 used / limit"));
    auto core_line = [&](const CoreStats* c) {
        line(fmt::format("  {:<14} {:>6} {:>12.0f} {:>12} {:>12} {:>10} / {:<10}", c->core.str(), c->units, c->end_cycle(),
                         c->bytes_read(), c->bytes_written(), c->l1_cb_bytes + c->l1_buffer_bytes, c->l1_limit));
    };
    const size_t show = 3;
    for (size_t i = 0; i < order.size() && i < show; ++i) core_line(order[i]);
    if (order.size() > 2 * show) line(fmt::format("  ... {} more cores ...", order.size() - 2 * show));
    for (size_t i = std::max(show, order.size() > show ? order.size() - show : order.size()); i < order.size(); ++i) core_line(order[i]);
    if (!r.cores.empty() && !r.cores.front().circular_buffers.empty()) {
        line("  circular buffers on " + r.cores.front().core.str() + ":");
        for (const auto& cb : r.cores.front().circular_buffers) {
            line(fmt::format("    c_{:<3} {:>7} B x {:>4} pages = {:>8} B {:<9} high water {:>4} pages{}", cb.index, cb.page_size,
                             cb.num_pages, cb.total_size, to_string(cb.data_format), cb.high_water_pages,
                             cb.globally_allocated ? " (sharded buffer)" : ""));
        }
    }
    if (units > 0) line(fmt::format("  {} units of work", units));
    return out;
}

}  // namespace tilesim
