#include "sweep.hpp"

#include <algorithm>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tilesim/compare.hpp"
#include "tilesim/error.hpp"

namespace tilesim::cli {

namespace {
// Cartesian product of the sweep's argument lists (the last key varies fastest).
std::vector<nlohmann::json> sweep_points(const nlohmann::json& sweep) {
    std::vector<nlohmann::json> points{nlohmann::json::object()};
    for (const auto& [key, values] : sweep.items()) {
        std::vector<nlohmann::json> next;
        for (const auto& p : points) {
            for (const auto& v : values) {
                nlohmann::json q = p;
                q[key] = v;
                next.push_back(std::move(q));
            }
        }
        points = std::move(next);
    }
    return points;
}

std::string dims_label(const nlohmann::json& dims) {
    std::string s;
    for (const auto& d : dims) s += fmt::format("{}{}", s.empty() ? "" : "x", d.dump());
    return s;
}

// "input=1x32x64x64 grid=1x64x64x2", or the shape's "name".
std::string shape_label(const RunConfig& c, const nlohmann::json& shape) {
    if (shape.contains("name")) return shape["name"].get<std::string>();
    std::string s;
    for (const auto& [name, tensor] : c.inputs) {
        const auto dims = shape.contains(name) ? shape[name] : nlohmann::json(tensor.shape().dims());
        s += fmt::format("{}{}={}", s.empty() ? "" : " ", name, dims_label(dims));
    }
    return s;
}

// FNV-1a, 64 bits: enough to tell one sweep from another, not a security measure.
std::string fnv1a_hex(const std::string& text) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
    return fmt::format("{:016x}", h);
}

std::string value_text(const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}
}  // namespace

SweepPlan plan_sweep(const std::filesystem::path& config_file) {
    SweepPlan plan;
    plan.config = load_run_config(config_file);
    const RunConfig& c = plan.config;
    if (c.sweep.empty())
        fail("{}: a sweep config needs \"sweep\": {{\"argument\": [values, ...]}}", c.file.string());
    for (const auto& [k, v] : c.sweep.items()) plan.axes.push_back(k);
    plan.settings = sweep_points(c.sweep);
    plan.shape_specs = c.shapes.empty() ? std::vector<nlohmann::json>{nlohmann::json::object()} : c.shapes;
    for (const auto& s : plan.shape_specs) plan.shape_labels.push_back(shape_label(c, s));
    nlohmann::json identity = c.raw;
    identity.erase("outputs");  // where a slice writes is no part of what it computes
    identity.erase("description");
    identity["shapes"] = plan.shape_specs;
    plan.id = fnv1a_hex(identity.dump());
    return plan;
}

SweepRunner::SweepRunner(const SweepPlan& plan, unsigned host_threads, bool no_checks)
    : plan_(plan), host_threads_(host_threads), no_checks_(no_checks) {}

const TensorMap& SweepRunner::inputs_of(size_t shape) {
    auto it = inputs_.find(shape);
    if (it == inputs_.end())
        it = inputs_.emplace(shape, make_inputs(plan_.config, plan_.shape_specs[shape])).first;
    return it->second;
}

SweepRow SweepRunner::run_point(size_t point) {
    const RunConfig& c = plan_.config;
    const OpSpec& spec = find_op(c.op);
    const size_t shape = plan_.shape_of(point);
    CommonOpOptions options;
    options.device = c.device;
    options.threads = host_threads_;
    options.no_checks = no_checks_;
    if (!references_.contains(shape)) {  // the reference once per shape
        options.backend = c.reference;
        references_[shape] = spec.run(inputs_of(shape), c.args, options).outputs.front().second.to_floats();
    }
    nlohmann::json args = c.args;
    for (const auto& [k, v] : plan_.setting_of(point).items()) args[k] = v;
    SweepRow row;
    row.point = point;
    try {
        options.backend = "sim";
        const OpOutcome run = spec.run(inputs_of(shape), args, options);
        const RunReport& r = *run.report;
        for (const auto& core : r.cores)
            row.max_l1_bytes = std::max(row.max_l1_bytes, core.l1_cb_bytes + core.l1_buffer_bytes);
        const Comparison cmp = compare(run.outputs.front().second.to_floats(), references_[shape]);
        row.status = "ok";
        row.predicted_us = r.predicted_us();
        row.predicted_cycles = r.predicted_cycles;
        row.bound = std::string(to_string(r.bound));
        row.cores = r.cores.size();
        row.l1_limit = r.cores.empty() ? 0 : r.cores.front().l1_limit;
        row.max_abs_error = cmp.max_abs_error;
        row.pcc = cmp.pcc;
        row.pass = cmp.within(c.max_abs, c.min_pcc);
    } catch (const OutOfMemory& e) {
        // ValidateProgram's message: "... = <needed> B, limit <limit> B per core on <device>".
        row.status = "no_l1";
        row.reason = e.what();
        static const std::regex bytes(R"(= (\d+) B, limit (\d+) B)");
        std::smatch m;
        if (std::regex_search(row.reason, m, bytes)) {
            row.l1_needed = std::stoull(m[1]);
            row.l1_limit = std::stoull(m[2]);
        }
    } catch (const ConfigError&) {
        throw;  // a broken device config is no point's result: the whole sweep stops, naming file and key
    } catch (const InvalidArgument& e) {
        // A point the factory refuses is a result of the sweep, not an error.
        row.status = "refused";
        row.reason = e.what();
    }
    return row;
}

SweepTable empty_table(const SweepPlan& plan) {
    SweepTable t;
    t.id = plan.id;
    t.name = plan.config.name;
    t.op = plan.config.op;
    t.axes = plan.axes;
    t.shape_labels = plan.shape_labels;
    t.settings = plan.settings;
    t.points = plan.size();
    return t;
}

std::string SweepTable::label_of(size_t point) const {
    std::string label;
    for (const auto& [k, v] : setting_of(point).items())
        label += fmt::format("{}{}={}", label.empty() ? "" : " ", k, value_text(v));
    return label;
}

std::string sweep_csv(const SweepTable& t) {
    std::string csv = "point,shape";
    for (const auto& a : t.axes) csv += fmt::format(",{}", a);
    csv +=
        ",status,predicted_us,predicted_cycles,bound,cores,max_l1_bytes,l1_limit,l1_needed,max_abs_error,pcc,"
        "pass,reason\n";
    for (const auto& r : t.rows) {
        csv += fmt::format("{},{}", r.point, csv_field(t.shape_label_of(r.point)));
        for (const auto& a : t.axes)
            csv += fmt::format(",{}", csv_field(value_text(t.setting_of(r.point)[a])));
        if (r.status == "ok") {
            csv += fmt::format(",ok,{:.3f},{:.0f},{},{},{},{},,{:.6g},{:.6f},{},\n", r.predicted_us,
                               r.predicted_cycles, r.bound, r.cores, r.max_l1_bytes, r.l1_limit,
                               r.max_abs_error, r.pcc, r.pass);
        } else {
            csv +=
                fmt::format(",{},,,,,,{},{},,,,{}\n", r.status, r.l1_limit ? std::to_string(r.l1_limit) : "",
                            r.l1_needed ? std::to_string(r.l1_needed) : "", csv_field(r.reason));
        }
    }
    return csv;
}

std::string sweep_text_header() {
    return fmt::format("{:<5} {:<24} {:<44} {:>12} {:>6} {:<16} {:>10} {:>10} {:>5}\n", "#", "shape", "point",
                       "predicted_us", "cores", "bound", "max_l1_B", "max_abs", "pass");
}

std::string sweep_text_row(const SweepTable& t, const SweepRow& r) {
    const std::string head =
        fmt::format("{:<5} {:<24} {:<44}", r.point, t.shape_label_of(r.point), t.label_of(r.point));
    if (r.status != "ok") return fmt::format("{} {}: {}\n", head, r.status, r.reason);
    return fmt::format("{} {:>12.2f} {:>6} {:<16} {:>10} {:>10.3g} {:>5}\n", head, r.predicted_us, r.cores,
                       r.bound, r.max_l1_bytes, r.max_abs_error, r.pass ? "yes" : "NO");
}

nlohmann::json sweep_json(const SweepTable& t, const std::string& shard) {
    return {{"tilesim_sweep", 1},     {"id", t.id},
            {"name", t.name},         {"op", t.op},
            {"axes", t.axes},         {"shapes", t.shape_labels},
            {"settings", t.settings}, {"points", t.points},
            {"shard", shard},         {"rows", t.rows}};
}

SweepTable read_sweep_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) fail("sweep merge: cannot open {}", file.string());
    try {
        const auto j = nlohmann::json::parse(in);
        if (!j.is_object() || j.value("tilesim_sweep", 0) != 1)
            fail("sweep merge: {} is not a table `tilesim sweep --json` wrote (no \"tilesim_sweep\": 1)",
                 file.string());
        SweepTable t;
        t.id = j.at("id");
        t.name = j.at("name");
        t.op = j.at("op");
        t.axes = j.at("axes").get<std::vector<std::string>>();
        t.shape_labels = j.at("shapes").get<std::vector<std::string>>();
        t.settings = j.at("settings").get<std::vector<nlohmann::json>>();
        t.points = j.at("points");
        if (t.settings.empty() || t.points != t.settings.size() * t.shape_labels.size())
            fail("sweep merge: {}: {} points is not {} settings x {} shapes", file.string(), t.points,
                 t.settings.size(), t.shape_labels.size());
        for (const auto& r : j.at("rows")) {
            SweepRow row = r;
            if (row.point >= t.points)
                fail("sweep merge: {}: point {} is outside the sweep's {} points", file.string(), row.point,
                     t.points);
            t.rows.push_back(std::move(row));
        }
        return t;
    } catch (const nlohmann::json::exception& e) {
        fail("sweep merge: {}: not a sweep table: {}", file.string(), e.what());
    }
}

SweepTable merge_sweep_tables(const std::vector<std::filesystem::path>& files) {
    if (files.empty()) fail("sweep merge: no files given (expected the --json outputs of the shards)");
    SweepTable merged;
    std::vector<const std::filesystem::path*> owner;
    for (const auto& file : files) {
        SweepTable t = read_sweep_json(file);
        if (owner.empty()) {
            merged = t;
            merged.rows.clear();
            owner.assign(t.points, nullptr);
        } else if (t.id != merged.id) {
            fail("sweep merge: {} is a slice of another sweep (id {}, \"{}\"), not of {}'s (id {}, \"{}\")",
                 file.string(), t.id, t.name, files.front().string(), merged.id, merged.name);
        }
        for (auto& r : t.rows) {
            if (owner[r.point])
                fail("sweep merge: point {} ({} {}) is in both {} and {}: overlapping shards", r.point,
                     merged.shape_label_of(r.point), merged.label_of(r.point), owner[r.point]->string(),
                     file.string());
            owner[r.point] = &file;
            merged.rows.push_back(std::move(r));
        }
    }
    const auto missing = std::count(owner.begin(), owner.end(), nullptr);
    if (missing > 0) {
        const size_t first =
            static_cast<size_t>(std::find(owner.begin(), owner.end(), nullptr) - owner.begin());
        std::vector<std::string> names;
        for (const auto& f : files) names.push_back(f.string());
        fail(
            "sweep merge: {} of {} points are in none of the files ({}), the first is point {} ({} {}): a "
            "shard is missing",
            missing, merged.points, fmt::join(names, ", "), first, merged.shape_label_of(first),
            merged.label_of(first));
    }
    std::sort(merged.rows.begin(), merged.rows.end(),
              [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });
    return merged;
}

std::pair<size_t, size_t> parse_shard(const std::string& text) {
    static const std::regex form(R"((\d{1,9})/(\d{1,9}))");
    std::smatch m;
    if (std::regex_match(text, m, form)) {
        const size_t i = std::stoul(m[1]), n = std::stoul(m[2]);
        if (n >= 1 && i < n) return {i, n};
    }
    fail(
        "--shard: expected i/N with 0 <= i < N (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT for "
        "--array=0-(N-1)), got '{}'",
        text);
}

}  // namespace tilesim::cli
