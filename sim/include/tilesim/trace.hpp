#pragma once
// The timeline of a run as Chrome trace-event JSON: one process per core, one thread per kernel, busy and
// waiting slices (CB waits, NoC barriers) as complete events in µs of device time. Opens in Perfetto
// (ui.perfetto.dev) and chrome://tracing. Needs a run with RunOptions::trace.
#include <filesystem>
#include <string>

#include "tilesim/run_report.hpp"

namespace tilesim {

std::string trace_to_json(const RunReport& report);

// Writes `text` to `path` through a temporary file and a rename, so a failed write leaves no partial
// file; throws InvalidArgument naming the path when it cannot be written.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace tilesim
