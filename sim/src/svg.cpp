// SVG pictures of a run: core-grid heatmap and L1 use per core. Plain string building; the layout
// constants are in pixels.
#include "tilesim/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tilesim/report_format.hpp"

namespace tilesim {

std::string_view to_string(HeatmapMetric m) {
    switch (m) {
        case HeatmapMetric::PredictedTime:
            return "predicted time";
        case HeatmapMetric::Units:
            return "units of work";
        case HeatmapMetric::BytesMoved:
            return "bytes moved";
        case HeatmapMetric::L1Used:
            return "L1 used";
    }
    return "?";
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

struct Rgb {
    double r, g, b;
};

// Five stops of matplotlib's viridis: perceptually uniform and readable in grey and by most colour-blind
// viewers.
constexpr std::array<Rgb, 5> kViridis = {
    {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};

Rgb colour_at(double t) {
    t = std::clamp(t, 0.0, 1.0) * (kViridis.size() - 1);
    const size_t i = std::min(static_cast<size_t>(t), kViridis.size() - 2);
    const double f = t - static_cast<double>(i);
    const Rgb &a = kViridis[i], &b = kViridis[i + 1];
    return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f};
}

std::string hex(Rgb c) {
    auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
    return fmt::format("#{:02x}{:02x}{:02x}", byte(c.r), byte(c.g), byte(c.b));
}

// Dark text on light cells, white on dark ones (relative luminance, ITU-R BT.709 weights).
const char* text_colour(Rgb c) {
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b > 140 ? "#000" : "#fff";
}

std::string svg_open(int width, int height) {
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" viewBox=\"0 "
        "0 {0} {1}\" "
        "font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
        "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
        width, height);
}

std::string text(double x, double y, std::string_view s, int size, std::string_view extra = "") {
    return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\"{}{}>{}</text>\n", x, y, size,
                       extra.empty() ? "" : " ", extra, xml_escape(s));
}

double metric_value(const CoreStats& cs, HeatmapMetric m) {
    switch (m) {
        case HeatmapMetric::PredictedTime:
            return cs.end_cycle();
        case HeatmapMetric::Units:
            return cs.units;
        case HeatmapMetric::BytesMoved:
            return static_cast<double>(cs.bytes_read() + cs.bytes_written());
        case HeatmapMetric::L1Used:
            return static_cast<double>(cs.l1_used());
    }
    return 0;
}

std::string metric_label(const RunReport& r, HeatmapMetric m, double v) {
    switch (m) {
        case HeatmapMetric::PredictedTime:
            return fmt::format("{:.2f} µs", r.cycles_to_us(v));
        case HeatmapMetric::Units:
            return fmt::format("{:g}", std::round(v * 100) / 100);  // legend ticks: 2.25
        case HeatmapMetric::BytesMoved:
        case HeatmapMetric::L1Used:
            return format_bytes(static_cast<uint64_t>(v));
    }
    return "";
}

std::string core_tooltip(const RunReport& r, const CoreStats& cs) {
    return fmt::format("core {}: {:.0f} cycles ({:.2f} µs), {} units, read {}, written {}, L1 {} of {}",
                       cs.core, cs.end_cycle(), r.cycles_to_us(cs.end_cycle()), cs.units,
                       format_bytes(cs.bytes_read()), format_bytes(cs.bytes_written()),
                       format_bytes(cs.l1_used()), format_bytes(cs.l1_limit));
}

constexpr int kCellW = 76, kCellH = 52, kLeft = 44, kTop = 74, kLegendW = 150;

// Vertical colour bar with the minimum at the bottom, the maximum at the top, and an idle-core swatch.
std::string heatmap_legend(const RunReport& r, HeatmapMetric m, double lo, double hi, int x, int grid_h) {
    const int bar_h = std::max(120, grid_h - 60);
    std::string s = "<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n";
    for (size_t i = 0; i < kViridis.size(); ++i) {
        s += fmt::format("<stop offset=\"{:.2f}\" stop-color=\"{}\"/>\n", double(i) / (kViridis.size() - 1),
                         hex(kViridis[i]));
    }
    s += "</linearGradient></defs>\n<g class=\"legend\">\n";
    s += text(x, kTop - 8, std::string(to_string(m)), 12, "font-weight=\"bold\"");
    s += fmt::format(
        "<rect class=\"legend-scale\" x=\"{}\" y=\"{}\" width=\"18\" height=\"{}\" fill=\"url(#scale)\" "
        "stroke=\"#444\"/>\n",
        x, kTop, bar_h);
    const int ticks = hi > lo ? 4 : 0;  // one value: one label, in the middle of the bar
    for (int i = 0; i <= ticks; ++i) {
        const double v = ticks ? lo + (hi - lo) * i / ticks : lo;
        const double y = ticks ? kTop + bar_h - bar_h * i / double(ticks) : kTop + bar_h / 2.0;
        s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#444\"/>\n", x + 18,
                         y, x + 23, y);
        s += text(x + 26, y + 4, metric_label(r, m, v), 11);
    }
    const int idle_y = kTop + bar_h + 16;
    s += fmt::format(
        "<rect class=\"legend-idle\" x=\"{}\" y=\"{}\" width=\"18\" height=\"14\" fill=\"#d9d9d9\" "
        "stroke=\"#444\"/>\n",
        x, idle_y);
    s += text(x + 26, idle_y + 11, "idle core", 11);
    return s + "</g>\n";
}

}  // namespace

std::string heat_colour(double t) {
    return hex(colour_at(t));
}
const char* heat_text_colour(double t) {
    return text_colour(colour_at(t));
}

std::string core_heatmap_svg(const RunReport& r, HeatmapMetric m) {
    const int gx = static_cast<int>(std::max(1u, r.grid.x)), gy = static_cast<int>(std::max(1u, r.grid.y));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& cs : r.cores) {
        lo = std::min(lo, metric_value(cs, m));
        hi = std::max(hi, metric_value(cs, m));
    }
    if (r.cores.empty()) lo = hi = 0;
    const int grid_w = gx * kCellW, grid_h = gy * kCellH;
    const int width = kLeft + grid_w + 30 + kLegendW, height = kTop + std::max(grid_h, 220) + 30;
    std::string s = svg_open(width, height);
    s += text(kLeft, 22, fmt::format("{}: {} per core", r.device, to_string(m)), 16, "font-weight=\"bold\"");
    s += text(kLeft, 42,
              fmt::format(
                  "predicted {:.0f} cycles = {:.2f} µs, {}-bound, load imbalance {:.2f}, {} of {} cores used",
                  r.predicted_cycles, r.predicted_us(), to_string(r.bound), r.load_imbalance, r.cores.size(),
                  gx * gy),
              12);
    for (int x = 0; x < gx; ++x)
        s += text(kLeft + x * kCellW + kCellW / 2.0, kTop - 8, fmt::format("x={}", x), 11,
                  "text-anchor=\"middle\"");
    for (int y = 0; y < gy; ++y)
        s += text(kLeft - 6, kTop + y * kCellH + kCellH / 2.0 + 4, fmt::format("y={}", y), 11,
                  "text-anchor=\"end\"");
    s += "<g class=\"grid\">\n";
    for (int y = 0; y < gy; ++y) {
        for (int x = 0; x < gx; ++x) {
            const CoreStats* cs = r.find_core({static_cast<uint32_t>(x), static_cast<uint32_t>(y)});
            const double v = cs ? metric_value(*cs, m) : 0;
            const Rgb c = cs ? colour_at(hi > lo ? (v - lo) / (hi - lo) : 0.5) : Rgb{217, 217, 217};
            const int px = kLeft + x * kCellW, py = kTop + y * kCellH;
            const std::string tip = cs ? core_tooltip(r, *cs) : fmt::format("core (x={},y={}): idle", x, y);
            s += fmt::format(
                "<rect class=\"core\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
                "stroke=\"#ffffff\" "
                "stroke-width=\"2\"><title>{}</title></rect>\n",
                px, py, kCellW, kCellH, hex(c), xml_escape(tip));
            const std::string fill =
                fmt::format("fill=\"{}\" text-anchor=\"middle\"", cs ? text_colour(c) : "#666");
            s += text(px + kCellW / 2.0, py + 17, fmt::format("({},{})", x, y), 10, fill);
            s += text(px + kCellW / 2.0, py + 36, cs ? metric_label(r, m, v) : "idle", 12, fill);
        }
    }
    s += "</g>\n";
    s += heatmap_legend(r, m, lo, hi, kLeft + grid_w + 30, grid_h);
    return s + "</svg>\n";
}

namespace {

// The smallest of 1, 2, 5 x 10^k KiB at or above `bytes`.
double nice_ceiling(double bytes) {
    const double kib = std::max(bytes / 1024.0, 1.0);
    const double p = std::pow(10.0, std::floor(std::log10(kib)));
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (f * p >= kib) return f * p * 1024.0;
    return 10 * p * 1024.0;
}

}  // namespace

std::string l1_usage_svg(const RunReport& r) {
    constexpr int left = 80, top = 70, plot_h = 300, bottom = 90;
    const int n = static_cast<int>(r.cores.size());
    const double slot = n > 0 ? std::clamp(1000.0 / n, 6.0, 40.0) : 40.0;
    const int plot_w = static_cast<int>(std::max(1.0, n * slot));
    const int width = left + plot_w + 40, height = top + plot_h + bottom;
    uint64_t limit = 0, used_max = 0;
    for (const auto& cs : r.cores) {
        limit = std::max(limit, cs.l1_limit);
        used_max = std::max(used_max, cs.l1_used());
    }
    // Scale to the limit unless every core uses less than a quarter of it; then the bars would be slivers.
    const bool to_limit = limit > 0 && used_max * 4 >= limit;
    const double y_max = to_limit ? static_cast<double>(limit)
                                  : std::min<double>(nice_ceiling(used_max * 1.25), limit ? limit : 1e300);
    auto y_of = [&](double bytes) { return top + plot_h - plot_h * bytes / y_max; };
    std::string s = svg_open(width, height);
    s += text(left, 24, fmt::format("{}: L1 use per core (CBs + L1 buffers)", r.device), 16,
              "font-weight=\"bold\"");
    s += text(left, 44,
              fmt::format("at most {} of {} per core ({:.1f}%){}", format_bytes(used_max),
                          format_bytes(limit), limit ? 100.0 * used_max / limit : 0.0,
                          to_limit ? "" : "; the limit is above the top of the axis"),
              12);
    // legend
    s += "<g class=\"legend\">\n";
    s += fmt::format("<rect x=\"{}\" y=\"52\" width=\"12\" height=\"10\" fill=\"#4472c4\"/>\n", left + 420);
    s += text(left + 436, 61, "circular buffers", 11);
    s += fmt::format("<rect x=\"{}\" y=\"52\" width=\"12\" height=\"10\" fill=\"#ed7d31\"/>\n", left + 540);
    s += text(left + 556, 61, "L1 buffers", 11);
    s += "</g>\n";
    // axes and ticks
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#000\"/>\n", left, top,
                     top + plot_h);
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#000\"/>\n", left,
                     top + plot_h, left + plot_w);
    for (int i = 0; i <= 4; ++i) {
        const double v = y_max * i / 4.0, y = y_of(v);
        s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, y,
                         left + plot_w, y);
        s += text(left - 6, y + 4, format_bytes(static_cast<uint64_t>(v)), 11, "text-anchor=\"end\"");
    }
    const int label_every = std::max(1, static_cast<int>(std::ceil(12.0 / slot)));
    for (int i = 0; i < n; ++i) {
        const CoreStats& cs = r.cores[i];
        const double x = left + i * slot + slot * 0.1, w = slot * 0.8;
        const double y_cb = y_of(static_cast<double>(cs.l1_cb_bytes)),
                     y_all = y_of(static_cast<double>(cs.l1_used()));
        s +=
            fmt::format("<g class=\"core\"><title>{}</title>\n",
                        xml_escape(fmt::format("core {}: CBs {} + L1 buffers {} = {} of {}", cs.core,
                                               format_bytes(cs.l1_cb_bytes), format_bytes(cs.l1_buffer_bytes),
                                               format_bytes(cs.l1_used()), format_bytes(cs.l1_limit))));
        s += fmt::format(
            "<rect class=\"bar-cb\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
            "fill=\"#4472c4\"/>\n",
            x, y_cb, w, top + plot_h - y_cb);
        s += fmt::format(
            "<rect class=\"bar-buffer\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
            "fill=\"#ed7d31\"/>\n",
            x, y_all, w, y_cb - y_all);
        s += "</g>\n";
        if (i % label_every == 0) {
            const double lx = x + w / 2 + 4, ly = top + plot_h + 8;
            s += text(lx, ly, fmt::format("{},{}", cs.core.x, cs.core.y), 10,
                      fmt::format("text-anchor=\"end\" transform=\"rotate(-90 {:.1f} {:.1f})\"", lx, ly));
        }
    }
    s += text(left + plot_w / 2.0, height - 12, "core (x,y), row-major", 12, "text-anchor=\"middle\"");
    if (to_limit) {
        const double y = y_of(static_cast<double>(limit));
        s += fmt::format(
            "<line class=\"limit\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#c00000\" "
            "stroke-dasharray=\"6,4\"/>\n",
            left, y, left + plot_w, y);
        s += text(left + plot_w, y - 4, fmt::format("L1 limit {}", format_bytes(limit)), 11,
                  "text-anchor=\"end\" fill=\"#c00000\"");
    }
    return s + "</svg>\n";
}

}  // namespace tilesim
