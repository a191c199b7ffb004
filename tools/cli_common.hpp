#pragma once
// Pieces every `tilesim op ...` command shares: the common options, the --repeat timing loop, writing
// outputs, reports, traces and heatmaps. The CLI only wires things together; ops do the work.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "op_params.hpp"
#include "ops/common/backend.hpp"
#include "ops/common/front_end.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {
struct ProgramSummary;
}

namespace tilesim::cli {

struct CommonOpOptions {
    std::string backend = "cpu";
    std::string device = "wormhole_b0";
    std::string out;
    std::string report;
    std::string trace;
    std::string heatmap;
    std::string timeline;
    double timeline_us = 0;  // zoom the timeline on the first microseconds (0: the whole run)
    int repeat = 0;
    unsigned threads = 0;
    bool no_checks = false;
    double watchdog_seconds = 60;
};

void add_common_op_options(CLI::App* cmd, CommonOpOptions& o, bool required_out = true);
ops::Backend backend_of(const CommonOpOptions& o);
RunOptions run_options_of(const CommonOpOptions& o);

// Runs `op` once (warm-up) and, with --repeat N, N more times; prints `time_ms: <median>` of the timed
// runs. Returns the result of the last run.
template <class R>
R run_timed(const CommonOpOptions& o, const std::function<R()>& op);
double median(std::vector<double> v);

// Everything an op command produces: named output tensors (the first goes to --out), the simulated run
// report, and op-specific facts for the JSON report (shapes, work split, CBs...).
struct OpOutcome {
    std::vector<std::pair<std::string, Tensor>> outputs;
    std::optional<RunReport> report;
    nlohmann::json details = nlohmann::json::object();
    std::function<void()> summary;  // op-specific lines printed before the run report
};
// Writes --out, --report, --trace, --heatmap and prints a short summary on stdout.
void finish_op(const std::string& op_name, const CommonOpOptions& o, const OpOutcome& outcome);

// Reads a float32 .npy named by an option; `what` names the option in errors.
Tensor read_input(const std::string& path, const char* what);
nlohmann::json shape_json(const Shape& s);

// Every op the CLI knows, by name: its .npy inputs, its parameter table and a function that runs it from
// JSON arguments (the same arguments `tilesim run` configs hold and the op's command-line flags produce).
using TensorMap = std::map<std::string, Tensor>;
struct OpSpec {
    std::string name;
    std::vector<std::string> inputs;
    ParamTable params;
    std::function<OpOutcome(const TensorMap& inputs, const OpArgs& args, const CommonOpOptions& common)>
        run_op;
    // Checks `args` against `params` (InvalidArgument naming the op and the argument), then runs the op.
    OpOutcome run(const TensorMap& inputs, const nlohmann::json& args, const CommonOpOptions& common) const;
};
void register_op(OpSpec spec);
const OpSpec& find_op(const std::string& name);  // throws InvalidArgument listing the known ops
std::vector<std::string> op_names();
// Reads the op's input files, runs it (with --repeat timing) and finishes (outputs, report, summary).
void run_op_command(const std::string& name, const std::map<std::string, std::string>& input_paths,
                    const nlohmann::json& args, const CommonOpOptions& common);
// `tilesim op NAME`: the op's registration, its input flags (--name, required) and its parameter flags
// (from the table); running the command runs the op on the flags given. `input_help` holds each input's
// help; `extra_flags` adds flags of the command alone, `before_run` turns them into arguments.
struct OpCommand {
    CommonOpOptions common;
    std::map<std::string, std::string> inputs;
    ParamFlags params;
    std::function<void(nlohmann::json& args)> before_run;
};
CLI::App* add_op_command(CLI::App& op, OpSpec spec, const std::string& description,
                         const std::vector<std::string>& input_help, std::shared_ptr<OpCommand> command = {});
// The DeviceRunOptions of the table's shared rows (buffering_factor, core_grid, and dtype when it has a
// value) and the common options (backend, device, run options).
ops::DeviceRunOptions device_run_options(const OpArgs& args, const CommonOpOptions& common);

// The commands (each also registers its op).
void add_grid_sample_command(CLI::App& op);
void add_deformable_aggregation_command(CLI::App& op);
void add_sample_sum_command(CLI::App& op);
void add_sample_dot_command(CLI::App& op);
void add_correlation_commands(CLI::App& op);  // spatial_correlation, correlation, corr_lookup
void add_run_command(CLI::App& app);
void add_sweep_command(CLI::App& app);  // sweep CONFIG, sweep merge SLICES...
void add_demo_command(CLI::App& app);
void add_random_command(CLI::App& app);
void add_kernels_command(CLI::App& app);    // kernels build | list | clean
void add_calibrate_command(CLI::App& app);  // cost model vs silicon, cell by cell
void add_params_command(CLI::App& app);     // the ops' parameter tables as markdown
// An op's table between the markers docs/cli.md holds it in: <!-- params:OP --> ... <!-- /params -->.
std::string params_markdown_block(const std::string& op);

// Every op's program summary in the JSON report (details.program) and printed before the run report;
// `unit` names a work unit in the printed line ("grid sticks", "output sticks", "units").
void describe_program(OpOutcome& out, const ops::ProgramSummary& program, std::string_view unit);
nlohmann::json program_json(const ops::ProgramSummary& program);

// What the sampling ops (deformable_aggregation, sample_sum, sample_dot) share, defined in
// cmd_deformable_aggregation.cpp: their parameter table (`own` + dtype + the device rows), their program in
// the summary and the report, and their outcome.
ParamTable sampling_op_params(ParamTable own = {});
template <class Result>
OpOutcome sampling_op_outcome(Result r, const TensorMap& in, const OpArgs& args) {
    OpOutcome out;
    out.outputs.emplace_back("output", std::move(r.output));
    out.report = std::move(r.report);
    for (const auto& [name, t] : in) out.details[name] = shape_json(t.shape());
    out.details["args"] = args.json();
    if (r.program) describe_program(out, *r.program, "units");
    return out;
}

template <class R>
R run_timed(const CommonOpOptions& o, const std::function<R()>& op) {
    R result = op();  // warm-up (and the only run without --repeat)
    if (o.repeat > 0) {
        std::vector<double> ms;
        for (int i = 0; i < o.repeat; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            result = op();
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::printf("time_ms: %.4f\n", median(ms));
    }
    return result;
}

}  // namespace tilesim::cli
