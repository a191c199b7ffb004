#include "tilesim/trace.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tilesim/error.hpp"

namespace tilesim {

std::string trace_to_json(const RunReport& r) {
    nlohmann::json events = nlohmann::json::array();
    const double us_per_cycle = 1.0 / r.clock_mhz;
    for (size_t pid = 0; pid < r.cores.size(); ++pid) {
        const CoreStats& c = r.cores[pid];
        events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"tid", 0},
                          {"args", {{"name", fmt::format("core ({},{})", c.core.x, c.core.y)}}}});
        events.push_back({{"name", "process_sort_index"}, {"ph", "M"}, {"pid", pid}, {"tid", 0}, {"args", {{"sort_index", pid}}}});
        for (size_t tid = 0; tid < c.kernels.size(); ++tid) {
            const KernelStats& k = c.kernels[tid];
            events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid},
                              {"args", {{"name", fmt::format("{} {}", to_string(k.kind), k.name)}}}});
            // Busy slices fill the gaps between the recorded waits, up to the kernel's end.
            double t = 0;
            auto slice = [&](const std::string& name, const char* cat, double start, double dur) {
                if (dur <= 0) return;
                events.push_back({{"name", name}, {"cat", cat}, {"ph", "X"}, {"pid", pid}, {"tid", tid},
                                  {"ts", start * us_per_cycle}, {"dur", dur * us_per_cycle}});
            };
            for (const TraceEvent& e : k.trace) {
                slice("busy", "busy", t, e.start - t);
                slice(e.name, "wait", e.start, e.duration);
                t = e.start + e.duration;
            }
            slice("busy", "busy", t, k.end_cycle - t);
        }
    }
    nlohmann::json j = {{"traceEvents", events}, {"displayTimeUnit", "ns"},
                        {"otherData", {{"device", r.device}, {"predicted_cycles", r.predicted_cycles}, {"clock_mhz", r.clock_mhz}}}};
    return j.dump();
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) fail("cannot write {}: the folder does not exist or is not writable", path.string());
        out << text;
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            fail("cannot write {}: write failed (disk full?)", path.string());
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        fail("cannot write {}: {}", path.string(), ec.message());
    }
}

}  // namespace tilesim
