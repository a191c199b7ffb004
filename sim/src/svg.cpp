#include "tilesim/svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tilesim {

namespace {
// Viridis-like ramp: dark blue (low) to yellow (high).
std::string colour(double t) {
    static const double stops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    t = std::clamp(t, 0.0, 1.0) * 4;
    const int i = std::min(3, static_cast<int>(t));
    const double f = t - i;
    auto mix = [&](int c) { return static_cast<int>(std::lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))); };
    return fmt::format("#{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2));
}

std::string escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += ch;
        }
    }
    return out;
}

std::string header(int w, int h) {
    return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                       "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
                       w, h, w, h);
}
}  // namespace

std::string core_heatmap_svg(const RunReport& r, HeatmapMetric metric) {
    uint32_t gx = 1, gy = 1;
    double hi = 0;
    auto value = [&](const CoreStats& c) { return metric == HeatmapMetric::Units ? double(c.units) : c.end_cycle() / r.clock_mhz; };
    for (const auto& c : r.cores) {
        gx = std::max(gx, c.core.x + 1);
        gy = std::max(gy, c.core.y + 1);
        hi = std::max(hi, value(c));
    }
    const int cell = 56, left = 40, top = 50, legend_w = 90;
    const int w = left + int(gx) * cell + legend_w + 20, h = top + int(gy) * cell + 40;
    const char* unit = metric == HeatmapMetric::Units ? "units" : "us";
    std::string s = header(w, h);
    s += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"15\">{} per core, {} ({:.2f} us predicted)</text>\n", left,
                     metric == HeatmapMetric::Units ? "Units of work" : "Predicted time", escape(r.device), r.predicted_us());
    for (uint32_t x = 0; x < gx; ++x) s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">x={}</text>\n", left + x * cell + cell / 2, top - 6, x);
    for (uint32_t y = 0; y < gy; ++y) s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">y={}</text>\n", left - 4, top + y * cell + cell / 2 + 4, y);
    for (uint32_t y = 0; y < gy; ++y) {
        for (uint32_t x = 0; x < gx; ++x) {
            const CoreStats* c = nullptr;
            for (const auto& cs : r.cores) {
                if (cs.core.x == x && cs.core.y == y) c = &cs;
            }
            const int px = left + int(x) * cell, py = top + int(y) * cell;
            if (!c) {
                s += fmt::format("<rect class=\"idle\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#eeeeee\" stroke=\"white\"/>\n", px, py, cell, cell);
                continue;
            }
            const double v = value(*c), t = hi > 0 ? v / hi : 0;
            s += fmt::format("<rect class=\"core\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\"><title>core ({},{}): {:.3f} {}, {} units</title></rect>\n",
                             px, py, cell, cell, colour(t), x, y, v, unit, c->units);
            s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\">{:.3g}</text>\n", px + cell / 2,
                             py + cell / 2 + 4, t > 0.6 ? "black" : "white", v);
        }
    }
    // Legend: a vertical colour ramp with its scale.
    const int lx = left + int(gx) * cell + 24, lh = int(gy) * cell;
    s += "<defs><linearGradient id=\"ramp\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
    for (int i = 0; i <= 4; ++i) s += fmt::format("<stop offset=\"{}\" stop-color=\"{}\"/>", i / 4.0, colour(i / 4.0));
    s += "</linearGradient></defs>\n";
    s += fmt::format("<rect class=\"legend\" x=\"{}\" y=\"{}\" width=\"18\" height=\"{}\" fill=\"url(#ramp)\" stroke=\"#444\"/>\n", lx, top, lh);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{:.3g} {}</text>\n", lx + 22, top + 10, hi, unit);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">0</text>\n", lx + 22, top + lh);
    s += "</svg>\n";
    return s;
}

std::string l1_usage_svg(const RunReport& r) {
    const int bar = 14, left = 110, top = 40, width = 520;
    const int h = top + int(r.cores.size()) * (bar + 4) + 40, w = left + width + 150;
    std::string s = header(w, h);
    s += fmt::format("<text x=\"10\" y=\"22\" font-size=\"15\">L1 use per core (CBs + buffers) against the {} B limit</text>\n",
                     r.cores.empty() ? 0 : r.cores.front().l1_limit);
    for (size_t i = 0; i < r.cores.size(); ++i) {
        const CoreStats& c = r.cores[i];
        const double limit = std::max<double>(1, double(c.l1_limit));
        const int y = top + int(i) * (bar + 4);
        const int cb_w = int(width * double(c.l1_cb_bytes) / limit), buf_w = int(width * double(c.l1_buffer_bytes) / limit);
        s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n", left - 6, y + bar - 3, c.core.str());
        s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f3f3f3\" stroke=\"#999\"/>\n", left, y, width, bar);
        s += fmt::format("<rect class=\"cbs\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#3b528b\"><title>CBs {} B</title></rect>\n", left, y, cb_w, bar, c.l1_cb_bytes);
        s += fmt::format("<rect class=\"buffers\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#5ec962\"><title>buffers {} B</title></rect>\n", left + width - buf_w, y, buf_w, bar, c.l1_buffer_bytes);
        s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{:.1f}%</text>\n", left + width + 6, y + bar - 3,
                         100.0 * double(c.l1_cb_bytes + c.l1_buffer_bytes) / limit);
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#3b528b\">CBs (from the bottom)</text>\n", left, h - 14);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#5ec962\" text-anchor=\"end\">L1 buffers (from the top)</text>\n", left + width, h - 14);
    s += "</svg>\n";
    return s;
}

}  // namespace tilesim
