#pragma once
// What a sweep's table says, for a reader: the best configuration per shape (--best-by), and a picture of
// the space (--svg, --html): predicted time over two chosen axes per shape.
#include <optional>
#include <string>
#include <vector>

#include "sweep.hpp"

namespace tilesim::cli {

// --best-by: the objectives a table can be ranked by (smaller is better).
double objective_of(const SweepRow& r, const std::string& objective);
void check_objective(const std::string& objective);  // errors name --best-by, the value and the choices

struct ShapeBest {
    size_t shape = 0;
    std::optional<size_t> best, runner_up;  // row indices into the table
    std::vector<size_t> no_l1;              // points whose CBs and buffers do not fit L1
    size_t refused = 0, failed = 0;         // other refusals; points outside the comparison's tolerance
};
// Per shape, among the points that ran and passed the comparison; ties go to the lower point index.
std::vector<ShapeBest> best_per_shape(const SweepTable& t, const std::string& objective);
std::string best_text(const SweepTable& t, const std::vector<ShapeBest>& best, const std::string& objective);

// --plot-axes "a,b" (or "" for the first two axes) -> the two axes; errors name the option and the value.
std::pair<std::string, std::string> plot_axes(const SweepTable& t, const std::string& text);
// Heatmap per shape of the best predicted time in each (a, b) cell over the other axes; refused cells
// crossed out, the shape's best point outlined.
std::string sweep_svg(const SweepTable& t, const std::pair<std::string, std::string>& axes);
// The SVG and the table (sortable by a click on a column header, or by #sort=<column> in the address).
std::string sweep_html(const SweepTable& t, const std::string& svg);

}  // namespace tilesim::cli
