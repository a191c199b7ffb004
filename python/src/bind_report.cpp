// RunReport as a Python object: the statistics of a simulated run (predicted time, bound, per-core and
// per-kernel stats, CB high-water marks), its JSON, the Chrome trace and the SVG pictures, and an HTML
// view for Jupyter (the summary table and the core heatmap inline).
#include <filesystem>
#include <string>

#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "tilesim/report_format.hpp"
#include "tilesim/svg.hpp"
#include "tilesim/trace.hpp"

namespace tilesim::python {

namespace {
HeatmapMetric parse_metric(const std::string& s) {
    if (s == "predicted_time" || s == "time") return HeatmapMetric::PredictedTime;
    if (s == "units") return HeatmapMetric::Units;
    if (s == "bytes_moved" || s == "bytes") return HeatmapMetric::BytesMoved;
    if (s == "l1_used" || s == "l1") return HeatmapMetric::L1Used;
    fail("heatmap metric must be one of predicted_time, units, bytes_moved, l1_used; got '{}'", s);
}

py::tuple coord(CoreCoord c) {
    return py::make_tuple(c.x, c.y);
}

py::object json_loads(const std::string& text) {
    return py::module_::import("json").attr("loads")(text);
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else
            out += c;
    }
    return out;
}

std::string repr_html(const RunReport& r) {
    return "<div class=\"tilesim-report\"><pre>" + html_escape(report_to_table(r)) + "</pre>" +
           core_heatmap_svg(r, HeatmapMetric::PredictedTime) + "</div>";
}

void bind_stats(py::module_& m) {
    py::class_<KernelStats>(m, "KernelStats", "One kernel on one core (times in cycles).")
        .def_readonly("name", &KernelStats::name)
        .def_readonly("path", &KernelStats::path)
        .def_property_readonly("kind", [](const KernelStats& k) { return std::string(to_string(k.kind)); })
        .def_readonly("end_cycle", &KernelStats::end_cycle)
        .def_readonly("busy_cycles", &KernelStats::busy_cycles)
        .def_readonly("wait_cycles", &KernelStats::wait_cycles)
        .def_readonly("cb_wait_cycles", &KernelStats::cb_wait_cycles)
        .def_readonly("cb_reserve_wait_cycles", &KernelStats::cb_reserve_wait_cycles)
        .def_readonly("noc_wait_cycles", &KernelStats::noc_wait_cycles)
        .def_readonly("sem_wait_cycles", &KernelStats::sem_wait_cycles)
        .def_readonly("noc_reads", &KernelStats::noc_reads)
        .def_readonly("noc_writes", &KernelStats::noc_writes)
        .def_readonly("bytes_read", &KernelStats::bytes_read)
        .def_readonly("bytes_written", &KernelStats::bytes_written)
        .def_readonly("dram_bytes_read", &KernelStats::dram_bytes_read)
        .def_readonly("dram_bytes_written", &KernelStats::dram_bytes_written)
        .def_readonly("tile_ops", &KernelStats::tile_ops)
        .def_readonly("scalar_cycles", &KernelStats::scalar_cycles)
        .def_readonly("unpack_cycles", &KernelStats::unpack_cycles)
        .def_readonly("math_cycles", &KernelStats::math_cycles)
        .def_readonly("pack_cycles", &KernelStats::pack_cycles)
        .def("__repr__", [](const KernelStats& k) {
            return fmt::format("KernelStats({} {}, busy={:.0f}, wait={:.0f})", to_string(k.kind), k.name,
                               k.busy_cycles, k.wait_cycles);
        });
    py::class_<CircularBufferStats>(m, "CircularBufferStats", "One CB on one core.")
        .def_readonly("index", &CircularBufferStats::index)
        .def_readonly("address", &CircularBufferStats::address)
        .def_readonly("page_size", &CircularBufferStats::page_size)
        .def_readonly("num_pages", &CircularBufferStats::num_pages)
        .def_readonly("total_size", &CircularBufferStats::total_size)
        .def_property_readonly(
            "data_format", [](const CircularBufferStats& c) { return std::string(to_string(c.data_format)); })
        .def_readonly("globally_allocated", &CircularBufferStats::globally_allocated)
        .def_readonly("high_water_pages", &CircularBufferStats::high_water_pages)
        .def_readonly("pages_pushed", &CircularBufferStats::pages_pushed);
    py::class_<CoreStats>(m, "CoreStats", "One core of a run.")
        .def_property_readonly("core", [](const CoreStats& c) { return coord(c.core); })
        .def_readonly("kernels", &CoreStats::kernels)
        .def_readonly("circular_buffers", &CoreStats::circular_buffers)
        .def_readonly("l1_cb_bytes", &CoreStats::l1_cb_bytes)
        .def_readonly("l1_buffer_bytes", &CoreStats::l1_buffer_bytes)
        .def_readonly("l1_limit", &CoreStats::l1_limit)
        .def_readonly("units", &CoreStats::units)
        .def_property_readonly("end_cycle", &CoreStats::end_cycle)
        .def_property_readonly("bytes_read", &CoreStats::bytes_read)
        .def_property_readonly("bytes_written", &CoreStats::bytes_written)
        .def_property_readonly("l1_used", &CoreStats::l1_used)
        .def("__repr__", [](const CoreStats& c) {
            return fmt::format("CoreStats({}, end={:.0f} cycles)", c.core, c.end_cycle());
        });
}
}  // namespace

void bind_report(py::module_& m) {
    bind_stats(m);
    py::class_<RunReport>(
        m, "RunReport", py::dynamic_attr(),
        "Statistics of one simulated run (times in cycles of the device clock unless *_us).")
        .def_readonly("device", &RunReport::device)
        .def_readonly("clock_mhz", &RunReport::clock_mhz)
        .def_property_readonly("grid", [](const RunReport& r) { return coord(r.grid); })
        .def_readonly("host_threads", &RunReport::host_threads)
        .def_readonly("checks", &RunReport::checks)
        .def_readonly("traced", &RunReport::traced)
        .def_readonly("predicted_cycles", &RunReport::predicted_cycles)
        .def_property_readonly("predicted_us", &RunReport::predicted_us)
        .def_readonly("critical_path_cycles", &RunReport::critical_path_cycles)
        .def_readonly("dram_bound_cycles", &RunReport::dram_bound_cycles)
        .def_readonly("dram_bytes_read", &RunReport::dram_bytes_read)
        .def_readonly("dram_bytes_written", &RunReport::dram_bytes_written)
        .def_property_readonly("bound", [](const RunReport& r) { return std::string(to_string(r.bound)); })
        .def_readonly("bound_detail", &RunReport::bound_detail)
        .def_readonly("not_modelled", &RunReport::not_modelled)
        .def_readonly("load_imbalance", &RunReport::load_imbalance)
        .def_readonly("wall_seconds", &RunReport::wall_seconds)
        .def_readonly("cb_pages_handed_off", &RunReport::cb_pages_handed_off)
        .def_readonly("cores", &RunReport::cores)
        .def_property_readonly("total_units", &RunReport::total_units)
        .def_property_readonly("bytes_read", &RunReport::bytes_read)
        .def_property_readonly("bytes_written", &RunReport::bytes_written)
        .def_property_readonly(
            "kernels",
            [](const RunReport& r) {
                py::list out;
                for (const KernelAggregate& k : aggregate_kernels(r)) {
                    py::dict d;
                    d["name"] = k.name;
                    d["kind"] = std::string(to_string(k.kind));
                    d["cores"] = k.cores;
                    d["busy_min"] = k.busy_min, d["busy_mean"] = k.busy_mean, d["busy_max"] = k.busy_max;
                    d["wait_min"] = k.wait_min, d["wait_mean"] = k.wait_mean, d["wait_max"] = k.wait_max;
                    d["end_max"] = k.end_max;
                    d["bytes_read"] = k.bytes_read, d["bytes_written"] = k.bytes_written;
                    d["tile_ops"] = k.tile_ops;
                    d["scalar_mean"] = k.scalar_mean;
                    out.append(d);
                }
                return out;
            },
            "Per-kernel statistics aggregated over the cores each kernel ran on.")
        .def_property_readonly(
            "circular_buffers",
            [](const RunReport& r) {
                py::list out;
                for (const CircularBufferAggregate& c : aggregate_circular_buffers(r)) {
                    py::dict d;
                    d["index"] = c.index, d["cores"] = c.cores, d["page_size"] = c.page_size;
                    d["min_pages"] = c.min_pages, d["max_pages"] = c.max_pages;
                    d["min_high_water"] = c.min_high_water, d["max_high_water"] = c.max_high_water;
                    d["pages_pushed"] = c.pages_pushed, d["globally_allocated"] = c.globally_allocated;
                    out.append(d);
                }
                return out;
            },
            "Per-CB statistics (capacity and high-water mark in pages) over the cores that have the CB.")
        .def("table", [](const RunReport& r) { return report_to_table(r); })
        .def("__str__", [](const RunReport& r) { return report_to_table(r); })
        .def("__repr__",
             [](const RunReport& r) {
                 return fmt::format("<RunReport {}: {:.3f} us predicted, {} bound, {} cores>", r.device,
                                    r.predicted_us(), to_string(r.bound), r.cores.size());
             })
        .def(
            "to_json", [](const RunReport& r, int indent) { return report_to_json(r, indent); },
            py::arg("indent") = 2)
        .def("to_dict", [](const RunReport& r) { return json_loads(report_to_json(r, -1)); })
        .def("save_json", [](const RunReport& r,
                             const std::filesystem::path& path) { write_text_file(path, report_to_json(r)); })
        .def(
            "save_trace",
            [](const RunReport& r, const std::filesystem::path& path) {
                write_text_file(path, trace_to_json(r));
            },
            "Chrome trace-event JSON (open in https://ui.perfetto.dev).")
        .def(
            "heatmap_svg",
            [](const RunReport& r, const std::string& metric) {
                return core_heatmap_svg(r, parse_metric(metric));
            },
            py::arg("metric") = "predicted_time")
        .def(
            "save_heatmap",
            [](const RunReport& r, const std::filesystem::path& path, const std::string& metric) {
                write_text_file(path, core_heatmap_svg(r, parse_metric(metric)));
            },
            py::arg("path"), py::arg("metric") = "predicted_time")
        .def(
            "timeline_svg",
            [](const RunReport& r, uint32_t max_cores, double until_us) {
                return timeline_svg(r, max_cores, until_us * r.clock_mhz);
            },
            py::arg("max_cores") = 6, py::arg("until_us") = 0.0)
        .def(
            "save_timeline",
            [](const RunReport& r, const std::filesystem::path& path, uint32_t max_cores, double until_us) {
                write_text_file(path, timeline_svg(r, max_cores, until_us * r.clock_mhz));
            },
            py::arg("path"), py::arg("max_cores") = 6, py::arg("until_us") = 0.0,
            "SVG timeline of the slowest cores' kernels (run with trace=True for the wait slices).")
        .def("l1_svg", [](const RunReport& r) { return l1_usage_svg(r); })
        .def("save_l1_chart",
             [](const RunReport& r, const std::filesystem::path& path) {
                 write_text_file(path, l1_usage_svg(r));
             })
        .def("_repr_html_", &repr_html);
}

}  // namespace tilesim::python
