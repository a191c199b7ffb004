#pragma once
// A RunReport as JSON (complete) and as a readable table (summary, per-kernel aggregates, the slowest and
// fastest cores).
#include <string>

#include "tilesim/run_report.hpp"

namespace tilesim {

std::string report_to_json(const RunReport& report);
std::string report_to_table(const RunReport& report);

}  // namespace tilesim
