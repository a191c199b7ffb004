// Chrome trace-event export of a run (the format: "Trace Event Format", Google, the JSON Object Format
// with "X" complete events and "M" metadata events naming processes and threads).
#include "tilesim/trace.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tilesim/error.hpp"

namespace tilesim {

using Json = nlohmann::ordered_json;

std::vector<TraceEvent> kernel_timeline(const KernelStats& k) {
    std::vector<TraceEvent> out;
    double cursor = 0;
    auto busy_until = [&](double t) {
        if (t > cursor) out.push_back({"busy", "busy", cursor, t - cursor});
    };
    for (const TraceEvent& w : k.trace) {
        busy_until(w.start);
        out.push_back(w);
        cursor = std::max(cursor, w.start + w.duration);
    }
    busy_until(k.end_cycle);
    return out;
}

namespace {

Json metadata(const char* what, int pid, int tid, Json args) {
    return {{"name", what}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", std::move(args)}};
}

Json slice(const RunReport& r, const TraceEvent& e, int pid, int tid) {
    return {{"name", e.name},
            {"cat", e.category},
            {"ph", "X"},
            {"ts", r.cycles_to_us(e.start)},
            {"dur", r.cycles_to_us(e.duration)},
            {"pid", pid},
            {"tid", tid},
            {"args", {{"start_cycle", e.start}, {"cycles", e.duration}}}};
}

void add_kernel(Json& events, const RunReport& r, const KernelStats& k, int pid, int tid) {
    events.push_back(
        metadata("thread_name", pid, tid, {{"name", fmt::format("{} {}", to_string(k.kind), k.name)}}));
    events.push_back(metadata("thread_sort_index", pid, tid, {{"sort_index", tid}}));
    if (!r.traced) {
        // Without recorded waits the busy/wait split is known only in total.
        TraceEvent whole{fmt::format("{} (untraced: busy {:.0f}, wait {:.0f} cycles)", k.name, k.busy_cycles,
                                     k.wait_cycles),
                         "untraced", 0, k.end_cycle};
        if (k.end_cycle > 0) events.push_back(slice(r, whole, pid, tid));
        return;
    }
    for (const TraceEvent& e : kernel_timeline(k)) events.push_back(slice(r, e, pid, tid));
}

// A last process with the chip-level numbers: the predicted duration and the shared-DRAM floor.
void add_chip(Json& events, const RunReport& r, int pid) {
    events.push_back(metadata("process_name", pid, 0, {{"name", fmt::format("chip ({})", r.device)}}));
    events.push_back(metadata("process_sort_index", pid, 0, {{"sort_index", pid}}));
    events.push_back(metadata("thread_name", pid, 1, {{"name", "predicted"}}));
    events.push_back(slice(
        r, {fmt::format("predicted ({}-bound)", to_string(r.bound)), "chip", 0, r.predicted_cycles}, pid, 1));
    if (r.dram_bound_cycles > 0) {
        events.push_back(metadata("thread_name", pid, 2, {{"name", "DRAM floor"}}));
        events.push_back(
            slice(r, {"all DRAM bytes at the chip bandwidth", "chip", 0, r.dram_bound_cycles}, pid, 2));
    }
}

}  // namespace

std::string trace_to_json(const RunReport& r) {
    Json events = Json::array();
    for (const CoreStats& cs : r.cores) {
        const int pid = static_cast<int>(cs.core.y * r.grid.x + cs.core.x);
        events.push_back(metadata("process_name", pid, 0, {{"name", fmt::format("core {}", cs.core)}}));
        events.push_back(metadata("process_sort_index", pid, 0, {{"sort_index", pid}}));
        for (size_t i = 0; i < cs.kernels.size(); ++i)
            add_kernel(events, r, cs.kernels[i], pid, static_cast<int>(i) + 1);
    }
    add_chip(events, r, static_cast<int>(r.grid.x * r.grid.y));
    Json j;
    j["traceEvents"] = std::move(events);
    j["displayTimeUnit"] = "ns";
    j["otherData"] = {{"device", r.device},
                      {"clock_mhz", r.clock_mhz},
                      {"predicted_cycles", r.predicted_cycles},
                      {"bound", to_string(r.bound)}};
    return j.dump(1) + "\n";
}

void write_text_file(const std::filesystem::path& path, std::string_view text) {
    static std::atomic<uint64_t> counter{0};
    std::filesystem::path tmp = path;
    tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter.fetch_add(1));
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) fail("write_text_file: cannot write '{}': {}", path.string(), std::strerror(errno));
        f.write(text.data(), static_cast<std::streamsize>(text.size()));
        f.close();
        if (!f) {
            std::filesystem::remove(tmp);
            fail("write_text_file: cannot write '{}': writing {} bytes failed", path.string(), text.size());
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path.string(), ec);
    if (ec) {
        std::filesystem::remove(tmp);
        fail("write_text_file: cannot write '{}': {}", path.string(), ec.message());
    }
}

}  // namespace tilesim
