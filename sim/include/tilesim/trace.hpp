#pragma once
// The predicted timeline of a run as Chrome trace-event JSON: open the file in Perfetto
// (https://ui.perfetto.dev) or chrome://tracing. One process per core (pid = y * grid.x + x, named
// "core (x=X,y=Y)"), one thread per kernel (named "reader reader_x"), and complete ("X") slices for the
// time each kernel was busy and each wait (named after the call and the CB: "cb_wait_front c_1",
// "noc_async_read_barrier"). Times are microseconds: cycles / clock_mhz. Wait slices are recorded only
// when the program ran with RunOptions::trace; without it each kernel gets one "untraced" slice.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tilesim/run_report.hpp"

namespace tilesim {

// A kernel's slices in clock order: its recorded wait slices, and "busy" slices for the gaps between them
// up to the kernel's end. Together they cover [0, end_cycle) without overlap.
std::vector<TraceEvent> kernel_timeline(const KernelStats& kernel);

// The whole run as a trace-event JSON object {"traceEvents": [...], "displayTimeUnit": "ns", ...}.
std::string trace_to_json(const RunReport& report);

// Writes `text` to `path` through a temporary file in the same folder and a rename, so a reader never sees
// a half-written file. Throws InvalidArgument naming the path and the reason when it cannot be written.
void write_text_file(const std::filesystem::path& path, std::string_view text);

}  // namespace tilesim
