// tilesim op sample_sum: grid_sample fused with a weighted sum over the depth samples, on .npy files, on any
// backend.
#include "cli_common.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"

namespace tilesim::cli {

namespace {

OpOutcome run_sample_sum(const TensorMap& in, const nlohmann::json& args, const CommonOpOptions& common) {
    const SamplingOpSettings s = sampling_op_settings(args, "sample_sum");
    ops::DeviceRunOptions a;
    a.dtype = s.dtype;
    a.buffering_factor = s.buffering_factor;
    a.core_grid = s.core_grid;
    a.backend = backend_of(common);
    a.device = common.device;
    a.run = run_options_of(common);
    ops::FusedGridOpsResult r = ops::sample_sum(in.at("images"), in.at("samples"), in.at("weights"), a);
    OpOutcome out;
    out.outputs.emplace_back("output", std::move(r.output));
    out.report = std::move(r.report);
    for (const auto& [name, t] : in) out.details[name] = shape_json(t.shape());
    out.details["args"] = args;
    if (r.program) describe_program(out, *r.program, "units");
    return out;
}

}  // namespace

void add_sample_sum_command(CLI::App& op) {
    register_op({"sample_sum", {"images", "samples", "weights"}, run_sample_sum});
    struct Options {
        CommonOpOptions common;
        SamplingOpFlags sampling;
        std::map<std::string, std::string> inputs;
    };
    auto c = std::make_shared<Options>();
    CLI::App* cmd =
        op.add_subcommand("sample_sum", "Σ_d weights * grid_sample(images, samples) on .npy inputs");
    cmd->add_option("--images", c->inputs["images"], "images .npy, [b, c, h, w]")->required();
    cmd->add_option("--samples", c->inputs["samples"], "samples .npy, [b, q, d, 2] holding (x, y) in [-1, 1]")
        ->required();
    cmd->add_option("--weights", c->inputs["weights"], "weights .npy, [b, hd, q, d]")->required();
    add_sampling_op_flags(cmd, c->sampling);
    add_common_op_options(cmd, c->common);
    cmd->callback([c] { run_op_command("sample_sum", c->inputs, sampling_op_args(c->sampling), c->common); });
}

}  // namespace tilesim::cli
