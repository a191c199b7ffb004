#pragma once
// Pictures of a run as standalone SVG 1.1 documents (open in any browser): a heatmap of the core grid and
// a bar chart of L1 use per core. Every text is XML-escaped; each core is one <rect class="core"> (heatmap)
// or one <g class="core"> (bar chart) with a <title> tooltip giving its numbers.
#include <string>
#include <string_view>

#include "tilesim/run_report.hpp"

namespace tilesim {

enum class HeatmapMetric {
    PredictedTime,  // the core's end cycle, shown in µs
    Units,          // units of work (set_units)
    BytesMoved,     // NoC bytes read + written
    L1Used,         // CBs + L1 buffers
};
std::string_view to_string(HeatmapMetric m);

// The worker grid, one cell per core labelled with its coordinates and value, coloured on a viridis-like
// scale from the smallest to the largest value over the cores the program uses (idle cores grey), with a
// legend.
std::string core_heatmap_svg(const RunReport& report, HeatmapMetric metric = HeatmapMetric::PredictedTime);

// One stacked bar per core the program uses: CB bytes and L1-buffer bytes, against the L1 limit (a dashed
// line; when every core uses less than half of L1 the axis stops below the limit and says so).
std::string l1_usage_svg(const RunReport& report);

// A timeline of the run (needs RunOptions::trace): one lane per kernel of the `max_cores` slowest cores,
// busy slices coloured by kernel kind, waits (CB, NoC barrier, semaphore) hatched grey, a time axis in µs.
// `until_cycles` > 0 zooms on the start of the run, to see the pipeline of individual CB handoffs.
std::string timeline_svg(const RunReport& report, uint32_t max_cores = 6, double until_cycles = 0);

// Escapes & < > " ' for XML text and attribute values.
std::string xml_escape(std::string_view text);

// The heatmaps' colour scale (viridis) at t in [0, 1] as "#rrggbb", and the text colour readable on it.
std::string heat_colour(double t);
const char* heat_text_colour(double t);

}  // namespace tilesim
