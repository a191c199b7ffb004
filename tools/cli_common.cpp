#include "cli_common.hpp"

#include "ops/common/program_summary.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/ranges.h>

#include "tilesim/error.hpp"
#include "tilesim/npy.hpp"
#include "tilesim/report_format.hpp"
#include "tilesim/svg.hpp"
#include "tilesim/trace.hpp"

namespace tilesim::cli {

void add_common_op_options(CLI::App* cmd, CommonOpOptions& o, bool required_out) {
    cmd->add_option("--backend", o.backend, "where to run: cpu (reference), sim (simulated device), cuda")
        ->check(CLI::IsMember({"cpu", "sim", "cuda"}));
    cmd->add_option("--device", o.device, "simulated device: a name in configs/devices or a .json path");
    auto* out = cmd->add_option("--out", o.out, "output .npy file");
    if (required_out) out->required();
    cmd->add_option("--repeat", o.repeat, "time N runs after one warm-up; prints time_ms: <median>")
        ->check(CLI::Range(0, 100000));
    cmd->add_option("--report", o.report, "write a JSON report (shapes, timing, simulated run report)");
    cmd->add_option("--trace", o.trace,
                    "sim: write a Chrome trace-event timeline (Perfetto, chrome://tracing)");
    cmd->add_option("--heatmap", o.heatmap, "sim: write an SVG heatmap of predicted time per core");
    cmd->add_option("--timeline", o.timeline, "sim: write an SVG timeline of the slowest cores' kernels");
    cmd->add_option("--timeline-us", o.timeline_us, "sim: show only the first microseconds in the timeline")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--threads", o.threads, "host threads for the simulator (0: all)");
    cmd->add_flag("--no-checks", o.no_checks, "sim: turn the watcher checks off (faster)");
    cmd->add_option("--watchdog", o.watchdog_seconds,
                    "sim: stop a run with no kernel progress for this many seconds")
        ->check(CLI::PositiveNumber);
}

ops::Backend backend_of(const CommonOpOptions& o) {
    return ops::parse_backend(o.backend);
}

RunOptions run_options_of(const CommonOpOptions& o) {
    RunOptions r;
    r.host_threads = o.threads;
    r.checks = !o.no_checks;
    r.trace = !o.trace.empty() || !o.timeline.empty();
    r.watchdog_seconds = o.watchdog_seconds;
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Tensor read_input(const std::string& path, const char* what) {
    return read_npy(path, what);
}

nlohmann::json shape_json(const Shape& s) {
    return s.dims();
}

void finish_op(const std::string& op_name, const CommonOpOptions& o, const OpOutcome& outcome) {
    const bool sim = outcome.report.has_value();
    if ((!o.trace.empty() || !o.heatmap.empty() || !o.timeline.empty()) && !sim) {
        fail("--trace, --heatmap and --timeline need --backend sim (got --backend {})", o.backend);
    }
    if (!o.out.empty()) write_npy(o.out, outcome.outputs.front().second);
    nlohmann::json j;
    j["op"] = op_name;
    j["backend"] = o.backend;
    j["outputs"] = nlohmann::json::object();
    for (const auto& [name, t] : outcome.outputs) j["outputs"][name] = shape_json(t.shape());
    j["details"] = outcome.details;
    if (outcome.summary) outcome.summary();
    if (sim) {
        j["device"] = o.device;
        j["run"] = nlohmann::json::parse(report_to_json(*outcome.report));
        std::fputs(report_to_table(*outcome.report).c_str(), stdout);
        if (!o.trace.empty()) write_text_file(o.trace, trace_to_json(*outcome.report));
        if (!o.heatmap.empty()) write_text_file(o.heatmap, core_heatmap_svg(*outcome.report));
        if (!o.timeline.empty()) {
            const RunReport& r = *outcome.report;
            write_text_file(o.timeline, timeline_svg(r, 6, o.timeline_us * r.clock_mhz));
        }
    }
    if (!o.report.empty()) write_text_file(o.report, j.dump(2) + "\n");
    for (const auto& [name, t] : outcome.outputs)
        std::printf("%s: %s\n", name.c_str(), t.shape().str().c_str());
    if (!o.out.empty()) std::printf("wrote %s\n", o.out.c_str());
}

namespace {
std::map<std::string, OpSpec>& registry() {
    static std::map<std::string, OpSpec> r;
    return r;
}
}  // namespace

void register_op(OpSpec spec) {
    registry()[spec.name] = std::move(spec);
}

std::vector<std::string> op_names() {
    std::vector<std::string> names;
    for (const auto& [name, spec] : registry()) names.push_back(name);
    return names;
}

const OpSpec& find_op(const std::string& name) {
    auto it = registry().find(name);
    if (it == registry().end()) fail("unknown op '{}'; known ops: {}", name, fmt::join(op_names(), ", "));
    return it->second;
}

void run_op_command(const std::string& name, const std::map<std::string, std::string>& input_paths,
                    const nlohmann::json& args, const CommonOpOptions& common) {
    const OpSpec& spec = find_op(name);
    validate_args(spec.params, args, name);  // before reading the inputs
    TensorMap inputs;
    for (const auto& input : spec.inputs) {
        auto it = input_paths.find(input);
        if (it == input_paths.end() || it->second.empty()) fail("{}: missing input '{}'", name, input);
        inputs.emplace(input, read_input(it->second, ("--" + input).c_str()));
    }
    const OpOutcome outcome = run_timed<OpOutcome>(common, [&] { return spec.run(inputs, args, common); });
    finish_op(name, common, outcome);
}

OpOutcome OpSpec::run(const TensorMap& in, const nlohmann::json& args, const CommonOpOptions& common) const {
    return run_op(in, OpArgs(params, args, name), common);
}

CLI::App* add_op_command(CLI::App& op, OpSpec spec, const std::string& description,
                         const std::vector<std::string>& input_help, std::shared_ptr<OpCommand> c) {
    if (!c) c = std::make_shared<OpCommand>();
    CLI::App* cmd = op.add_subcommand(spec.name, description);
    for (size_t i = 0; i < spec.inputs.size(); ++i) {
        const std::string& name = spec.inputs[i];
        std::string flags = "--" + name;
        std::replace(flags.begin(), flags.end(), '_', '-');
        if (flags != "--" + name) flags += ",--" + name;  // the input's name, which read errors quote
        cmd->add_option(flags, c->inputs[name], input_help.at(i))->required();
    }
    add_param_flags(cmd, spec.params, c->params);
    add_common_op_options(cmd, c->common);
    cmd->callback([c, name = spec.name, params = spec.params] {
        nlohmann::json args = flags_to_json(params, c->params);
        if (c->before_run) c->before_run(args);
        run_op_command(name, c->inputs, args, c->common);
    });
    register_op(std::move(spec));
    return cmd;
}

ops::DeviceRunOptions device_run_options(const OpArgs& args, const CommonOpOptions& common) {
    ops::DeviceRunOptions a;
    a.backend = backend_of(common);
    a.device = common.device;
    a.run = run_options_of(common);
    if (args.has_value("dtype")) a.dtype = parse_data_type(args.choice("dtype"));
    a.buffering_factor = static_cast<uint32_t>(args.integer("buffering_factor"));
    const auto [x, y] = args.pair("core_grid");
    a.core_grid = {static_cast<uint32_t>(x), static_cast<uint32_t>(y)};
    if (args.has_value("fp32_dest_acc_en")) a.fp32_dest_acc_en = args.flag("fp32_dest_acc_en");
    return a;
}

nlohmann::json program_json(const ops::ProgramSummary& p) {
    nlohmann::json cbs = nlohmann::json::array();
    for (const auto& cb : p.cbs) {
        cbs.push_back({{"index", cb.index},
                       {"holds", cb.holds},
                       {"page_size", cb.page_size},
                       {"num_pages", cb.num_pages},
                       {"total_size", cb.total_size()},
                       {"format", to_string(cb.format)},
                       {"globally_allocated", cb.globally_allocated}});
    }
    nlohmann::json kernels = nlohmann::json::array();
    for (const auto& k : p.kernels) {
        kernels.push_back({{"path", k.path},
                           {"kind", to_string(k.kind)},
                           {"num_cores", k.num_cores},
                           {"compile_args", k.compile_args},
                           {"defines", k.defines}});
    }
    nlohmann::json j = {{"factory", p.factory},
                        {"units", p.units},
                        {"num_cores", p.num_cores},
                        {"units_per_core_group_1", p.units_per_core_group_1},
                        {"cores_group_1", p.cores_group_1},
                        {"units_per_core_group_2", p.units_per_core_group_2},
                        {"cores_group_2", p.cores_group_2},
                        {"circular_buffers", cbs},
                        {"cb_bytes_per_core", p.cb_bytes_per_core},
                        {"l1_bytes_per_core", p.l1_bytes_per_core},
                        {"kernels", kernels}};
    for (const auto& [name, value] : p.facts) j[name] = value;
    return j;
}

void describe_program(OpOutcome& out, const ops::ProgramSummary& p, std::string_view unit) {
    out.details["program"] = program_json(p);
    out.summary = [text = ops::describe(p, unit)] { std::fputs(text.c_str(), stdout); };
}

}  // namespace tilesim::cli
