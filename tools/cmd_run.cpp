// tilesim run CONFIG.json / tilesim demo (tilesim sweep: cmd_sweep.cpp).
#include <chrono>
#include <cstdio>

#include "cli_common.hpp"
#include "progress.hpp"
#include "run_config.hpp"
#include "tilesim/compare.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"
#include "tilesim/npy.hpp"
#include "tilesim/report_format.hpp"
#include "tilesim/svg.hpp"
#include "tilesim/trace.hpp"

namespace tilesim::cli {

namespace {
struct RunFlags {
    std::string config;
    unsigned threads = 0;
    bool no_checks = false;
    std::map<std::string, std::string> outputs;  // command-line overrides of the config's outputs
};

CommonOpOptions options_for(const RunConfig& c, const std::string& backend, const RunFlags& f, bool trace) {
    CommonOpOptions o;
    o.backend = backend;
    o.device = c.device;
    o.threads = f.threads;
    o.no_checks = f.no_checks;
    if (trace) o.trace = "(in memory)";
    return o;
}

struct BackendOutcome {
    std::string backend;
    OpOutcome outcome;
    double wall_ms = 0;
};

std::vector<BackendOutcome> run_backends(const RunConfig& c, const nlohmann::json& args, const RunFlags& f,
                                         bool trace, Progress& progress) {
    const OpSpec& spec = find_op(c.op);
    std::vector<BackendOutcome> runs;
    for (const auto& backend : c.backends) {
        progress.step(c.op + " on " + backend);
        const auto t0 = std::chrono::steady_clock::now();
        OpOutcome o = spec.run(c.inputs, args, options_for(c, backend, f, trace));
        runs.push_back(
            {backend, std::move(o),
             std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()});
    }
    return runs;
}

const BackendOutcome* find_backend(const std::vector<BackendOutcome>& runs, const std::string& name) {
    for (const auto& r : runs) {
        if (r.backend == name) return &r;
    }
    return nullptr;
}

int run_config(const RunFlags& f) {
    RunConfig c = load_run_config(f.config);
    for (const auto& [k, v] : f.outputs) {
        if (!v.empty()) c.outputs[k] = v;
    }
    std::printf("run: %s (%s on %s, backends %s)\n", c.name.c_str(), c.op.c_str(), c.device.c_str(),
                fmt::format("{}", fmt::join(c.backends, ", ")).c_str());
    Progress progress(c.backends.size());
    const auto runs =
        run_backends(c, c.args, f, c.outputs.contains("trace") || c.outputs.contains("timeline"), progress);
    nlohmann::json report = {{"name", c.name},
                             {"op", c.op},
                             {"device", c.device},
                             {"args", c.args},
                             {"backends", nlohmann::json::array()}};
    const BackendOutcome* reference = find_backend(runs, c.reference);
    bool all_pass = true;
    for (const auto& r : runs) {
        nlohmann::json b = {{"backend", r.backend}, {"wall_ms", r.wall_ms}, {"details", r.outcome.details}};
        std::printf("\n== %s: %.2f ms on the host\n", r.backend.c_str(), r.wall_ms);
        if (r.outcome.summary) r.outcome.summary();
        if (r.outcome.report) {
            std::fputs(report_to_table(*r.outcome.report).c_str(), stdout);
            b["run"] = nlohmann::json::parse(report_to_json(*r.outcome.report));
        }
        if (reference && &r != reference) {
            const auto a = r.outcome.outputs.front().second.to_floats(),
                       e = reference->outcome.outputs.front().second.to_floats();
            const Comparison cmp = compare(a, e);
            const bool pass = cmp.within(c.max_abs, c.min_pcc);
            all_pass = all_pass && pass;
            std::printf("compare %s vs %s: max abs error %.3g (limit %.3g), PCC %.6f (min %.4f): %s\n",
                        r.backend.c_str(), c.reference.c_str(), cmp.max_abs_error, c.max_abs, cmp.pcc,
                        c.min_pcc, pass ? "PASS" : "FAIL");
            b["compare"] = {{"reference", c.reference},
                            {"max_abs_error", cmp.max_abs_error},
                            {"pcc", cmp.pcc},
                            {"pass", pass}};
        }
        report["backends"].push_back(std::move(b));
    }
    const BackendOutcome* sim = find_backend(runs, "sim");
    if (sim && sim->outcome.report) {
        if (c.outputs.contains("trace"))
            write_text_file(c.outputs["trace"], trace_to_json(*sim->outcome.report));
        if (c.outputs.contains("heatmap"))
            write_text_file(c.outputs["heatmap"], core_heatmap_svg(*sim->outcome.report));
        if (c.outputs.contains("l1_chart"))
            write_text_file(c.outputs["l1_chart"], l1_usage_svg(*sim->outcome.report));
        if (c.outputs.contains("timeline"))
            write_text_file(c.outputs["timeline"], timeline_svg(*sim->outcome.report));
    } else if (c.outputs.contains("trace") || c.outputs.contains("heatmap") ||
               c.outputs.contains("l1_chart") || c.outputs.contains("timeline")) {
        fail("{}: outputs trace / heatmap / l1_chart / timeline need the 'sim' backend in backends",
             c.file.string());
    }
    if (c.outputs.contains("out")) write_npy(c.outputs["out"], runs.front().outcome.outputs.front().second);
    report["pass"] = all_pass;
    if (c.outputs.contains("report")) write_text_file(c.outputs["report"], report.dump(2) + "\n");
    for (const auto& [k, v] : c.outputs) std::printf("wrote %s: %s\n", k.c_str(), v.c_str());
    return all_pass ? 0 : 4;
}

}  // namespace

void add_run_command(CLI::App& app) {
    auto f = std::make_shared<RunFlags>();
    CLI::App* run = app.add_subcommand(
        "run", "run a JSON run config (configs/runs/*.json): op, inputs, backends, outputs");
    run->add_option("config", f->config, "run config .json")->required();
    run->add_option("--threads", f->threads, "host threads for the simulator (0: all)");
    run->add_flag("--no-checks", f->no_checks, "turn the watcher checks off");
    run->add_option("--report", f->outputs["report"], "write the JSON report here (overrides the config)");
    run->add_option("--trace", f->outputs["trace"], "write the Chrome trace here (overrides the config)");
    run->add_option("--heatmap", f->outputs["heatmap"],
                    "write the core heatmap SVG here (overrides the config)");
    run->add_option("--l1-chart", f->outputs["l1_chart"],
                    "write the L1-use bar chart SVG here (overrides the config)");
    run->add_option("--timeline", f->outputs["timeline"],
                    "write the timeline SVG here (overrides the config)");
    run->callback([f] {
        const int rc = run_config(*f);
        if (rc) throw CLI::RuntimeError(rc);
    });
}

void add_demo_command(CLI::App& app) {
    CLI::App* demo = app.add_subcommand(
        "demo", "grid_sample bilinear on a simulated Wormhole, checked against the CPU reference");
    auto out_dir = std::make_shared<std::string>("tilesim-demo");
    demo->add_option("--out-dir", *out_dir, "folder for the demo's report, trace and heatmap (created)");
    demo->callback([out_dir] {
        RunFlags f;
        f.config = (default_config_dir() / "runs" / "demo.json").string();
        std::filesystem::create_directories(*out_dir);
        for (const char* k : {"report", "trace", "heatmap", "timeline", "l1_chart"}) {
            const bool svg =
                std::string(k) == "heatmap" || std::string(k) == "timeline" || std::string(k) == "l1_chart";
            f.outputs[k] =
                (std::filesystem::path(*out_dir) / (std::string("demo_") + k + (svg ? ".svg" : ".json")))
                    .string();
        }
        const int rc = run_config(f);
        if (rc) throw CLI::RuntimeError(rc);
    });
}

}  // namespace tilesim::cli
