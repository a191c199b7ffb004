#include "run_config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <fstream>
#include <random>
#include <set>

#include "tilesim/error.hpp"
#include "tilesim/npy.hpp"

#include <fmt/ranges.h>

namespace tilesim::cli {

namespace {
[[noreturn]] void config_error(const RunConfig& c, const std::string& key, const std::string& problem) {
    throw ConfigError(fmt::format("{}: {}: {}", c.file.string(), key, problem));
}

// Each of `args` against the op's parameter table; `where` is the config key holding them ("args" names
// each argument as args.NAME).
void check_op_args(const RunConfig& c, const OpSpec& spec, const nlohmann::json& args,
                   const std::string& where) {
    for (const auto& [k, v] : args.items()) {
        const std::string key = where == "args" ? "args." + k : where;
        const ParamSpec* p = find_param(spec.params, k);
        if (!p)
            config_error(
                c, key,
                fmt::format("{} takes no argument '{}' (arguments: {})", c.op, k, param_names(spec.params)));
        if (auto problem = param_problem(*p, v)) config_error(c, key, fmt::format("{}: {}", c.op, *problem));
    }
}

Tensor make_input(const RunConfig& c, const std::string& name, const nlohmann::json& spec) {
    const std::string key = "inputs." + name;
    if (!spec.is_object()) config_error(c, key, "must be an object with \"npy\" or \"shape\"");
    if (spec.contains("npy")) {
        if (!spec["npy"].is_string()) config_error(c, key + ".npy", "must be a path string");
        std::filesystem::path p = spec["npy"].get<std::string>();
        if (p.is_relative()) p = c.file.parent_path() / p;
        return read_npy(p, key);
    }
    if (spec.contains("values")) {  // small inputs written out: {"shape": [...], "values": [...]}
        if (!spec["values"].is_array()) config_error(c, key + ".values", "must be an array of numbers");
        std::vector<float> values;
        for (const auto& v : spec["values"]) {
            // float32 values: a number beyond float32's range would not convert (and is no float32 input).
            if (!v.is_number() || !(std::abs(v.get<double>()) <= double(std::numeric_limits<float>::max())))
                config_error(c, key + ".values", fmt::format("must hold float32 numbers, got {}", v.dump()));
            values.push_back(static_cast<float>(v.get<double>()));
        }
        std::vector<uint32_t> dims;
        if (spec.contains("shape")) {
            if (!spec["shape"].is_array())
                config_error(c, key + ".shape", "must be an array of positive integers");
            for (const auto& d : spec["shape"]) {
                if (!d.is_number_integer() || d.get<int64_t>() <= 0 || d.get<int64_t>() > (1 << 28)) {
                    config_error(c, key + ".shape",
                                 fmt::format("dims must be positive integers, got {}", spec["shape"].dump()));
                }
                dims.push_back(d.get<uint32_t>());
            }
        } else {
            dims.push_back(static_cast<uint32_t>(values.size()));
        }
        const Shape shape(dims);
        if (shape.volume() != values.size()) {
            config_error(
                c, key + ".values",
                fmt::format("{} values for shape {} ({} elements)", values.size(), shape, shape.volume()));
        }
        return Tensor::from_floats(shape, values);
    }
    if (!spec.contains("shape") || !spec["shape"].is_array() || spec["shape"].empty()) {
        config_error(c, key + ".shape", "must be a non-empty array of positive integers");
    }
    std::vector<uint32_t> dims;
    uint64_t volume = 1;
    for (const auto& d : spec["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() <= 0 || d.get<int64_t>() > (1 << 28)) {
            config_error(c, key + ".shape",
                         fmt::format("dims must be positive integers, got {}", spec["shape"].dump()));
        }
        dims.push_back(d.get<uint32_t>());
        volume *= dims.back();
        if (volume > (uint64_t(1) << 28)) break;
    }
    // 2^28 float32 values = 1 GiB: the largest random input a config may ask for.
    if (volume > (uint64_t(1) << 28))
        config_error(c, key + ".shape", fmt::format("{} elements is more than 2^28", volume));
    for (const auto& [k, v] : spec.items()) {
        static const std::set<std::string> known{"shape", "seed", "low", "high", "integers"};
        if (!known.contains(k))
            config_error(c, key + "." + k,
                         "unknown key (expected shape, seed, low, high, integers, or npy, or values)");
    }
    uint32_t seed = 0;
    if (spec.contains("seed")) {
        const auto& s = spec["seed"];
        if (!s.is_number_integer() || s.get<int64_t>() < 0 || s.get<uint64_t>() > UINT32_MAX)
            config_error(c, key + ".seed",
                         fmt::format("must be an integer in [0, 2^32 - 1], got {}", s.dump()));
        seed = s.get<uint32_t>();
    }
    const bool integers = spec.value("integers", false);
    // Values a float32 holds (integers: exactly, up to 2^24 in magnitude).
    const double limit = integers ? double(1 << 24) : double(std::numeric_limits<float>::max());
    auto bound = [&](const char* name, double fallback) {
        if (!spec.contains(name)) return fallback;
        const auto& v = spec[name];
        if (!v.is_number() || !(std::abs(v.get<double>()) <= limit)) {
            config_error(c, key + "." + name,
                         fmt::format("must be a number in [-{}, {}], got {}", limit, limit, v.dump()));
        }
        return v.get<double>();
    };
    const double low = bound("low", -1.0), high = bound("high", 1.0);
    if (!(low <= high)) config_error(c, key, fmt::format("low {} must not exceed high {}", low, high));
    std::mt19937 rng(seed);
    std::vector<float> v(volume);
    if (integers) {
        std::uniform_int_distribution<int64_t> d(static_cast<int64_t>(low), static_cast<int64_t>(high));
        for (auto& x : v) x = static_cast<float>(d(rng));
    } else {
        std::uniform_real_distribution<double> d(low, high);
        for (auto& x : v) x = static_cast<float>(d(rng));
    }
    return Tensor::from_floats(Shape(dims), v);
}
}  // namespace

namespace {
RunConfig load_run_config_unchecked(const std::filesystem::path& file);

// "shapes": [{"name": "layer1", "input": [1, 32, 64, 64], "grid": [1, 64, 64, 2]}, ...], or the same list
// as "ops" of the JSON file "shapes_file" names (a model's op list).
std::vector<nlohmann::json> read_shapes(const RunConfig& c, const nlohmann::json& j,
                                        const std::vector<std::string>& inputs) {
    nlohmann::json list;
    std::string key = "shapes";
    if (j.contains("shapes") && j.contains("shapes_file"))
        config_error(c, "shapes_file", "give either \"shapes\" or \"shapes_file\", not both");
    if (j.contains("shapes")) {
        list = j["shapes"];
    } else {
        if (!j["shapes_file"].is_string()) config_error(c, "shapes_file", "must be a path string");
        std::filesystem::path p = j["shapes_file"].get<std::string>();
        if (p.is_relative()) p = c.file.parent_path() / p;
        std::ifstream in(p);
        if (!in) config_error(c, "shapes_file", fmt::format("cannot open {}", p.string()));
        try {
            list = nlohmann::json::parse(in);
        } catch (const nlohmann::json::parse_error& e) {
            config_error(c, "shapes_file", fmt::format("{} is not valid JSON: {}", p.string(), e.what()));
        }
        if (list.is_object() && list.contains("ops")) list = list["ops"];
        key = "shapes_file " + p.string();
    }
    if (!list.is_array() || list.empty())
        config_error(c, key, "must be a non-empty list of {\"input name\": shape, ...} objects");
    std::vector<nlohmann::json> shapes;
    for (size_t i = 0; i < list.size(); ++i) {
        const auto& s = list[i];
        const std::string at = fmt::format("{}[{}]", key, i);
        if (!s.is_object()) config_error(c, at, fmt::format("must be an object, got {}", s.dump()));
        for (const auto& [k, v] : s.items()) {
            if (k == "name") {
                if (!v.is_string()) config_error(c, at + ".name", "must be a string");
                continue;
            }
            if (std::find(inputs.begin(), inputs.end(), k) == inputs.end())
                config_error(
                    c, at + "." + k,
                    fmt::format("{} takes no input '{}' (inputs: {})", c.op, k, fmt::join(inputs, ", ")));
            const bool dims_ok =
                v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const auto& d) {
                    return d.is_number_integer() && d.template get<int64_t>() > 0;
                });
            if (!dims_ok)
                config_error(c, at + "." + k,
                             fmt::format("must be a list of positive integers, got {}", v.dump()));
        }
        shapes.push_back(s);
    }
    return shapes;
}
}  // namespace

TensorMap make_inputs(const RunConfig& c, const nlohmann::json& shape) {
    if (shape.empty() || (shape.size() == 1 && shape.contains("name"))) return c.inputs;
    TensorMap inputs;
    for (const auto& [name, spec] : c.raw["inputs"].items()) {
        nlohmann::json s = spec;
        if (shape.contains(name)) s["shape"] = shape[name];
        inputs.emplace(name, make_input(c, name, s));
    }
    return inputs;
}

RunConfig load_run_config(const std::filesystem::path& file) {
    try {
        return load_run_config_unchecked(file);
    } catch (const nlohmann::json::exception& e) {
        // A value of the wrong JSON type somewhere nlohmann noticed first.
        throw ConfigError(fmt::format("{}: {}", file.string(), e.what()));
    }
}

namespace {
RunConfig load_run_config_unchecked(const std::filesystem::path& file) {
    RunConfig c;
    c.file = file;
    std::ifstream in(file);
    if (!in) throw InvalidArgument(fmt::format("run config {}: cannot open the file", file.string()));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw ConfigError(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
    }
    if (!j.is_object()) config_error(c, "(top level)", "must be a JSON object");
    static const std::set<std::string> known{"name",   "description", "device",     "op",      "args",
                                             "inputs", "backends",    "reference",  "compare", "outputs",
                                             "sweep",  "shapes",      "shapes_file"};
    for (const auto& [k, v] : j.items()) {
        if (!known.contains(k))
            config_error(c, k,
                         "unknown key (expected one of name, description, device, op, args, inputs, "
                         "backends, reference, compare, outputs, sweep, shapes, shapes_file)");
    }
    if (!j.contains("op") || !j["op"].is_string())
        config_error(c, "op", "missing: the op to run, e.g. \"grid_sample\"");
    c.op = j["op"].get<std::string>();
    const OpSpec& spec = find_op(c.op);
    c.name = j.value("name", c.file.stem().string());
    if (j.contains("device")) {
        if (!j["device"].is_string()) config_error(c, "device", "must be a device name or a .json path");
        c.device = j["device"].get<std::string>();
        if (c.device.ends_with(".json") && std::filesystem::path(c.device).is_relative()) {
            c.device = (file.parent_path() / c.device).string();
        }
    }
    if (j.contains("args")) {
        if (!j["args"].is_object()) config_error(c, "args", "must be an object of op arguments");
        c.args = j["args"];
    }
    check_op_args(c, spec, c.args, "args");
    if (!j.contains("inputs") || !j["inputs"].is_object())
        config_error(c, "inputs",
                     fmt::format("missing: {} needs inputs {}", c.op, fmt::join(spec.inputs, ", ")));
    if (j.contains("shapes") || j.contains("shapes_file")) {
        c.shapes = read_shapes(c, j, spec.inputs);
        // An input whose shape only the shapes give takes the first one's for the checks below.
        for (auto& [name, s] : j["inputs"].items()) {
            if (s.is_object() && !s.contains("shape") && !s.contains("npy") &&
                c.shapes.front().contains(name))
                s["shape"] = c.shapes.front()[name];
        }
    }
    c.raw = j;
    for (const auto& name : spec.inputs) {
        if (!j["inputs"].contains(name)) config_error(c, "inputs." + name, "missing");
        c.inputs.emplace(name, make_input(c, name, j["inputs"][name]));
    }
    for (const auto& [k, v] : j["inputs"].items()) {
        if (std::find(spec.inputs.begin(), spec.inputs.end(), k) == spec.inputs.end()) {
            config_error(
                c, "inputs." + k,
                fmt::format("{} takes no input '{}' (inputs: {})", c.op, k, fmt::join(spec.inputs, ", ")));
        }
    }
    if (j.contains("backends")) {
        c.backends.clear();
        if (!j["backends"].is_array() || j["backends"].empty())
            config_error(c, "backends", "must be a non-empty array of cpu, sim, cuda");
        for (const auto& b : j["backends"]) {
            if (!b.is_string() || (b != "cpu" && b != "sim" && b != "cuda"))
                config_error(c, "backends", fmt::format("unknown backend {}", b.dump()));
            c.backends.push_back(b.get<std::string>());
        }
    }
    c.reference = j.value("reference", std::string("cpu"));
    if (j.contains("compare")) {
        const auto& cmp = j["compare"];
        if (!cmp.is_object()) config_error(c, "compare", "must be {\"max_abs\": x, \"min_pcc\": y}");
        c.max_abs = cmp.value("max_abs", c.max_abs);
        c.min_pcc = cmp.value("min_pcc", c.min_pcc);
    }
    if (j.contains("outputs")) {
        if (!j["outputs"].is_object()) config_error(c, "outputs", "must be an object of paths");
        for (const auto& [k, v] : j["outputs"].items()) {
            static const std::set<std::string> known_out{"report",   "trace", "heatmap", "l1_chart",
                                                         "timeline", "out",   "csv"};
            if (!known_out.contains(k))
                config_error(
                    c, "outputs." + k,
                    "unknown output (expected report, trace, heatmap, l1_chart, timeline, out, csv)");
            if (!v.is_string()) config_error(c, "outputs." + k, "must be a path string");
            c.outputs[k] = v.get<std::string>();
        }
    }
    if (j.contains("sweep")) {
        if (!j["sweep"].is_object() || j["sweep"].empty())
            config_error(c, "sweep", "must be an object of argument -> list of values");
        for (const auto& [k, v] : j["sweep"].items()) {
            if (!v.is_array() || v.empty())
                config_error(c, "sweep." + k, "must be a non-empty list of values");
        }
        c.sweep = j["sweep"];
        for (const auto& [k, values] : c.sweep.items()) {
            for (size_t i = 0; i < values.size(); ++i)
                check_op_args(c, spec, {{k, values[i]}}, fmt::format("sweep.{}[{}]", k, i));
        }
    }
    for (const ParamSpec& p : spec.params) {
        if (p.required && !c.args.contains(p.name) && !c.sweep.contains(p.name))
            config_error(c, "args." + p.name, fmt::format("missing: {} needs it ({})", c.op, p.help));
    }
    return c;
}
}  // namespace

}  // namespace tilesim::cli
