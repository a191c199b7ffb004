#include "sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tilesim/error.hpp"
#include "tilesim/svg.hpp"

namespace tilesim::cli {

namespace {
const std::vector<std::string> kObjectives{"predicted_us", "predicted_cycles", "max_l1_bytes", "cores"};

std::string value_text(const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// The values an axis takes, in the config's order.
std::vector<nlohmann::json> axis_values(const SweepTable& t, const std::string& axis) {
    std::vector<nlohmann::json> values;
    for (const auto& s : t.settings) {
        if (std::find(values.begin(), values.end(), s[axis]) == values.end()) values.push_back(s[axis]);
    }
    return values;
}
}  // namespace

void check_objective(const std::string& objective) {
    if (std::find(kObjectives.begin(), kObjectives.end(), objective) == kObjectives.end())
        fail("--best-by: expected one of {}, got '{}'", fmt::join(kObjectives, ", "), objective);
}

double objective_of(const SweepRow& r, const std::string& objective) {
    if (objective == "predicted_us") return r.predicted_us;
    if (objective == "predicted_cycles") return r.predicted_cycles;
    if (objective == "max_l1_bytes") return static_cast<double>(r.max_l1_bytes);
    return static_cast<double>(r.cores);
}

std::vector<ShapeBest> best_per_shape(const SweepTable& t, const std::string& objective) {
    std::vector<ShapeBest> best(t.shape_labels.size());
    for (size_t s = 0; s < best.size(); ++s) best[s].shape = s;
    auto better = [&](size_t a, size_t b) {  // row indices; ties to the lower point
        const double va = objective_of(t.rows[a], objective), vb = objective_of(t.rows[b], objective);
        return va < vb || (va == vb && t.rows[a].point < t.rows[b].point);
    };
    for (size_t i = 0; i < t.rows.size(); ++i) {
        const SweepRow& r = t.rows[i];
        ShapeBest& b = best[r.point / t.settings.size()];
        if (r.status == "no_l1") {
            b.no_l1.push_back(i);
        } else if (r.status != "ok") {
            ++b.refused;
        } else if (!r.pass) {
            ++b.failed;
        } else if (!b.best || better(i, *b.best)) {
            b.runner_up = b.best;
            b.best = i;
        } else if (!b.runner_up || better(i, *b.runner_up)) {
            b.runner_up = i;
        }
    }
    return best;
}

std::string best_text(const SweepTable& t, const std::vector<ShapeBest>& best, const std::string& objective) {
    std::string s = fmt::format("best by {} (smaller is better), per shape:\n", objective);
    for (const auto& b : best) {
        s += fmt::format("shape {}:\n", t.shape_labels[b.shape]);
        if (!b.best) {
            s += "  no point ran and passed the comparison\n";
        } else {
            const SweepRow& r = t.rows[*b.best];
            const double v = objective_of(r, objective);
            s += fmt::format("  best      #{} {}: {} {:.6g}\n", r.point, t.label_of(r.point), objective, v);
            if (b.runner_up) {
                const SweepRow& u = t.rows[*b.runner_up];
                const double w = objective_of(u, objective);
                s += fmt::format("  runner-up #{} {}: {} {:.6g}, margin {:.6g} ({:.1f}%)\n", u.point,
                                 t.label_of(u.point), objective, w, w - v, v > 0 ? 100 * (w - v) / v : 0.0);
            } else {
                s += "  runner-up: none (one point ran and passed)\n";
            }
        }
        for (size_t i : b.no_l1) {
            const SweepRow& r = t.rows[i];
            s += fmt::format("  refused   #{} {}: does not fit L1, needs {} B per core, limit {} B\n",
                             r.point, t.label_of(r.point), r.l1_needed, r.l1_limit);
        }
        if (b.refused)
            s += fmt::format("  {} other point(s) refused by the factory (see the table)\n", b.refused);
        if (b.failed) s += fmt::format("  {} point(s) outside the comparison's tolerance\n", b.failed);
    }
    return s;
}

std::pair<std::string, std::string> plot_axes(const SweepTable& t, const std::string& text) {
    if (text.empty()) return {t.axes.front(), t.axes.size() > 1 ? t.axes[1] : ""};
    const auto comma = text.find(',');
    const std::string a = text.substr(0, comma), b = comma == std::string::npos ? "" : text.substr(comma + 1);
    for (const auto& axis : {a, b}) {
        if (!axis.empty() && std::find(t.axes.begin(), t.axes.end(), axis) == t.axes.end())
            fail("--plot-axes: '{}' is not an axis of the sweep (axes: {}), in '{}'", axis,
                 fmt::join(t.axes, ", "), text);
    }
    if (a.empty() || a == b)
        fail("--plot-axes: expected two different axes 'a,b' of {}, got '{}'", fmt::join(t.axes, ", "), text);
    return {a, b};
}

std::string sweep_svg(const SweepTable& t, const std::pair<std::string, std::string>& axes) {
    const auto xs = axis_values(t, axes.first);
    const auto ys = axes.second.empty() ? std::vector<nlohmann::json>{nullptr} : axis_values(t, axes.second);
    const auto best = best_per_shape(t, "predicted_us");
    const int cell_w = 96, cell_h = 34, left = 150, top = 56, panel_gap = 16;
    const int panel_h = top + static_cast<int>(ys.size()) * cell_h + 30;
    const int width = std::max(560, left + static_cast<int>(xs.size()) * cell_w + 40);
    const int height = static_cast<int>(t.shape_labels.size()) * (panel_h + panel_gap) + 72;
    std::string s = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg "
        "xmlns=\"http://www.w3.org/2000/svg\" "
        "version=\"1.1\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans, "
        "Arial, "
        "sans-serif\">\n<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n"
        "<text x=\"10\" y=\"22\" font-size=\"15\">{2}: predicted µs, the best over the other axes</text>\n"
        "<text x=\"10\" y=\"42\" font-size=\"12\">yellow fastest, purple slowest (log scale per "
        "shape)</text>\n"
        "<text x=\"10\" y=\"58\" font-size=\"12\">grey ×: refused or outside tolerance; red outline: the "
        "shape's best</text>\n",
        width, height, xml_escape(t.name));
    for (size_t shape = 0; shape < t.shape_labels.size(); ++shape) {
        const int y0 = 72 + static_cast<int>(shape) * (panel_h + panel_gap);
        // Each cell: the best passing row over the axes not shown, or a refusal when nothing ran there.
        std::map<std::pair<size_t, size_t>, const SweepRow*> cell;
        std::map<std::pair<size_t, size_t>, std::string> refusal;
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (const auto& r : t.rows) {
            if (r.point / t.settings.size() != shape) continue;
            const auto& setting = t.setting_of(r.point);
            const size_t xi = std::find(xs.begin(), xs.end(), setting[axes.first]) - xs.begin();
            const size_t yi =
                axes.second.empty() ? 0 : std::find(ys.begin(), ys.end(), setting[axes.second]) - ys.begin();
            if (r.status != "ok" || !r.pass) {
                refusal[{xi, yi}] = r.status == "ok" ? "outside tolerance" : r.reason;
                continue;
            }
            auto& c = cell[{xi, yi}];
            if (!c || r.predicted_us < c->predicted_us) c = &r;
        }
        for (const auto& [at, r] : cell) {  // the colour scale spans the cells shown
            lo = std::min(lo, r->predicted_us);
            hi = std::max(hi, r->predicted_us);
        }
        s += fmt::format(
            "<g class=\"shape\" data-shape=\"{}\">\n<text x=\"10\" y=\"{}\" font-size=\"13\" "
            "font-weight=\"bold\">shape {}</text>\n",
            shape, y0 + 16, xml_escape(t.shape_labels[shape]));
        s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>\n", left, y0 + 36,
                         xml_escape(axes.first));
        if (!axes.second.empty())
            s += fmt::format("<text x=\"10\" y=\"{}\" font-size=\"12\">{}</text>\n", y0 + 36,
                             xml_escape(axes.second));
        for (size_t xi = 0; xi < xs.size(); ++xi)
            s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n",
                             left + static_cast<int>(xi) * cell_w + cell_w / 2, y0 + top - 6,
                             xml_escape(value_text(xs[xi])));
        for (size_t yi = 0; yi < ys.size(); ++yi) {
            const int y = y0 + top + static_cast<int>(yi) * cell_h;
            if (!axes.second.empty())
                s += fmt::format("<text x=\"10\" y=\"{}\" font-size=\"11\">{}</text>\n", y + cell_h / 2 + 4,
                                 xml_escape(value_text(ys[yi])));
            for (size_t xi = 0; xi < xs.size(); ++xi) {
                const int x = left + static_cast<int>(xi) * cell_w;
                const auto it = cell.find({xi, yi});
                if (it == cell.end()) {
                    const auto why = refusal.find({xi, yi});
                    s += fmt::format(
                        "<g class=\"refused\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" "
                        "height=\"{}\" fill=\"#d9d9d9\" stroke=\"#fff\"/>"
                        "<text x=\"{}\" y=\"{}\" font-size=\"16\" text-anchor=\"middle\">×</text></g>\n",
                        xml_escape(why == refusal.end() ? "no point" : why->second), x, y, cell_w, cell_h,
                        x + cell_w / 2, y + cell_h / 2 + 6);
                    continue;
                }
                const SweepRow& r = *it->second;
                const double f =
                    hi > lo ? (std::log(r.predicted_us) - std::log(lo)) / (std::log(hi) - std::log(lo)) : 0;
                const bool is_best = best[shape].best && t.rows[*best[shape].best].point == r.point;
                s += fmt::format(
                    "<g class=\"{}\"><title>#{} {}: {:.2f} µs</title><rect x=\"{}\" y=\"{}\" width=\"{}\" "
                    "height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>"
                    "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" "
                    "fill=\"{}\">{:.2f}</text></g>\n",
                    is_best ? "cell best" : "cell", r.point, xml_escape(t.label_of(r.point)), r.predicted_us,
                    x, y, cell_w, cell_h, heat_colour(1 - f), is_best ? "#d62728" : "#fff", is_best ? 4 : 1,
                    x + cell_w / 2, y + cell_h / 2 + 4, heat_text_colour(1 - f), r.predicted_us);
            }
        }
        s += "</g>\n";
    }
    return s + "</svg>\n";
}

std::string sweep_html(const SweepTable& t, const std::string& svg) {
    std::string head = "<tr>";
    std::vector<std::string> columns{"point", "shape"};
    columns.insert(columns.end(), t.axes.begin(), t.axes.end());
    for (const char* c :
         {"status", "predicted_us", "cores", "bound", "max_l1_bytes", "l1_needed", "max_abs_error", "pass"})
        columns.push_back(c);
    for (const auto& c : columns) head += fmt::format("<th data-column=\"{0}\">{0}</th>", xml_escape(c));
    std::string body;
    for (const auto& r : t.rows) {
        body += fmt::format("<tr data-point=\"{}\"><td>{}</td><td>{}</td>", r.point, r.point,
                            xml_escape(t.shape_label_of(r.point)));
        for (const auto& a : t.axes)
            body += "<td>" + xml_escape(value_text(t.setting_of(r.point)[a])) + "</td>";
        const bool ok = r.status == "ok";
        body += fmt::format(
            "<td "
            "title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</"
            "td></tr>\n",
            xml_escape(r.reason), r.status, ok ? fmt::format("{:.3f}", r.predicted_us) : "",
            ok ? std::to_string(r.cores) : "", r.bound, ok ? std::to_string(r.max_l1_bytes) : "",
            r.l1_needed ? std::to_string(r.l1_needed) : "", ok ? fmt::format("{:.3g}", r.max_abs_error) : "",
            ok ? (r.pass ? "yes" : "NO") : "");
    }
    // Plain JavaScript, nothing fetched: a click on a header sorts by that column (numbers as numbers,
    // empty cells last); "#sort=<column>" in the address sorts on load.
    static const char* script = R"JS(
const table = document.getElementById('rows');
function sortBy(column) {
  const heads = [...table.tHead.rows[0].cells];
  const i = heads.findIndex(h => h.dataset.column === column);
  if (i < 0) return;
  const up = table.dataset.sorted !== column;
  const key = tr => tr.cells[i].textContent;
  const rows = [...table.tBodies[0].rows];
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === '' || y === '') return (x === '') - (y === '');
    const nx = Number(x), ny = Number(y);
    const c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
    return up ? c : -c;
  });
  rows.forEach(r => table.tBodies[0].appendChild(r));
  table.dataset.sorted = up ? column : '';
}
table.tHead.addEventListener('click', e => { if (e.target.dataset.column) sortBy(e.target.dataset.column); });
const m = location.hash.match(/sort=([\w]+)/);
if (m) sortBy(m[1]);
document.body.dataset.rendered = 'rows=' + table.tBodies[0].rows.length + ' svg=' + document.querySelectorAll('svg g.cell').length;
)JS";
    const auto svg_start = svg.find("<svg");
    return fmt::format(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title>\n<style>body{{font-family:"
        "sans-serif}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:2px 6px;"
        "font-size:12px}} "
        "th{{cursor:pointer;background:#eee}}</style></head>\n<body>\n<h1>{0}</h1>\n<p>sweep {1}: "
        "{2} points, {3} shape(s); click a column header to sort.</p>\n{4}\n<table "
        "id=\"rows\"><thead>{5}</tr>"
        "</thead><tbody>\n{6}</tbody></table>\n<script>{7}</script>\n</body></html>\n",
        xml_escape(t.name), t.id, t.points, t.shape_labels.size(),
        svg_start == std::string::npos ? svg : svg.substr(svg_start), head, body, script);
}

}  // namespace tilesim::cli
