#pragma once
// Pictures of a run as standalone SVG: a heatmap of the core grid (predicted time or units of work per
// core, with a colour legend and core coordinates) and a bar chart of L1 use per core against the limit.
#include <string>

#include "tilesim/run_report.hpp"

namespace tilesim {

enum class HeatmapMetric { PredictedTime, Units };
std::string core_heatmap_svg(const RunReport& report, HeatmapMetric metric = HeatmapMetric::PredictedTime);
std::string l1_usage_svg(const RunReport& report);

}  // namespace tilesim
