// The timeline picture: a Gantt chart of the slowest cores' kernels, from the same slices the Chrome trace
// exports (kernel_timeline), so the picture and the trace always agree.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tilesim/svg.hpp"
#include "tilesim/trace.hpp"

namespace tilesim {

namespace {
const char* busy_colour(KernelKind k) {
    switch (k) {
        case KernelKind::Reader:
            return "#3b8bc2";
        case KernelKind::Compute:
            return "#e0a030";
        case KernelKind::Writer:
            return "#4cae4c";
    }
    return "#888888";
}
}  // namespace

std::string timeline_svg(const RunReport& r, uint32_t max_cores, double until_cycles) {
    std::vector<const CoreStats*> cores;
    for (const auto& c : r.cores) {
        if (!c.kernels.empty()) cores.push_back(&c);
    }
    std::stable_sort(cores.begin(), cores.end(),
                     [](auto* a, auto* b) { return a->end_cycle() > b->end_cycle(); });
    if (cores.size() > max_cores) cores.resize(max_cores);
    size_t lanes = 0;
    for (auto* c : cores) lanes += c->kernels.size();
    const double end =
        std::max(1.0, until_cycles > 0 ? std::min(until_cycles, r.predicted_cycles) : r.predicted_cycles);
    const int left = 250, right = 30, top = 70, lane_h = 18, gap = 10, axis_h = 40;
    const int plot_w = 900, w = left + plot_w + right;
    const int h = top + int(lanes) * lane_h + int(cores.size()) * gap + axis_h;
    auto x_of = [&](double cycles) { return left + plot_w * cycles / end; };
    std::string s = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" viewBox=\"0 0 "
        "{} {}\" "
        "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<defs><pattern id=\"wait\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\">"
        "<rect width=\"6\" height=\"6\" fill=\"#e4e4e4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
        "stroke=\"#b0b0b0\" "
        "stroke-width=\"2\"/></pattern></defs>\n",
        w, h, w, h);
    s += fmt::format(
        "<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">{}: timeline of the {} slowest "
        "core(s)</text>\n",
        xml_escape(r.device), cores.size());
    s += fmt::format(
        "<text x=\"10\" y=\"42\" font-size=\"12\">{}predicted {:.2f} µs; coloured: busy (reader blue, "
        "compute orange, "
        "writer green); hatched: waiting on a CB, the NoC or a semaphore</text>\n",
        end < r.predicted_cycles ? fmt::format("the first {:.2f} µs of ", r.cycles_to_us(end)) : "",
        r.cycles_to_us(r.predicted_cycles));
    if (!r.traced) {
        s += "<text x=\"10\" y=\"60\" font-size=\"12\" fill=\"#a00\">run without tracing: each kernel is one "
             "slice "
             "(RunOptions::trace / --trace records the waits)</text>\n";
    }
    int y = top;
    for (const CoreStats* c : cores) {
        for (const KernelStats& k : c->kernels) {
            s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{} {}</text>\n",
                             left - 6, y + lane_h - 5, c->core, xml_escape(k.name));
            for (const TraceEvent& e : kernel_timeline(k)) {
                const bool wait = e.category == "wait";
                if (e.start >= end) continue;
                const double x0 = x_of(e.start), x1 = x_of(std::min(end, e.start + e.duration));
                if (x1 - x0 < 0.05) continue;
                s += fmt::format(
                    "<rect class=\"{}\" x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"{}\" "
                    "fill=\"{}\"><title>{} "
                    "{:.0f}..{:.0f} cycles</title></rect>\n",
                    wait ? "wait" : "busy", x0, y + 2, x1 - x0, lane_h - 4,
                    wait ? "url(#wait)" : busy_colour(k.kind), xml_escape(e.name), e.start,
                    e.start + e.duration);
            }
            y += lane_h;
        }
        y += gap;
    }
    // Time axis.
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n", left, y,
                     left + plot_w, y);
    const double us = r.cycles_to_us(end);
    const double step = std::pow(10.0, std::floor(std::log10(std::max(us, 1e-9) / 2)));
    for (double t = 0; t <= us + 1e-9; t += step * (us / step > 10 ? 2 : 1)) {
        const double x = left + plot_w * t / us;
        s += fmt::format(
            "<line x1=\"{:.2f}\" y1=\"{}\" x2=\"{:.2f}\" y2=\"{}\" stroke=\"#444\"/><text x=\"{:.2f}\" "
            "y=\"{}\" "
            "font-size=\"11\" text-anchor=\"middle\">{:g} µs</text>\n",
            x, y, x, y + 5, x, y + 18, t);
    }
    s += "</svg>\n";
    return s;
}

}  // namespace tilesim
