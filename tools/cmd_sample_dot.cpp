// tilesim op sample_dot: grid_sample fused with dot products against queries extended by a positional
// encoding of depth, on .npy files, on any backend.
#include "cli_common.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"

namespace tilesim::cli {

namespace {

OpOutcome run_sample_dot(const TensorMap& in, const nlohmann::json& args, const CommonOpOptions& common) {
    const SamplingOpSettings s = sampling_op_settings(args, "sample_dot");
    if (!args.contains("num_octaves")) fail("sample_dot: missing argument 'num_octaves'");
    const int64_t octaves = arg_int(args, "num_octaves", 0);
    ops::DeviceRunOptions a;
    a.dtype = s.dtype;
    a.buffering_factor = s.buffering_factor;
    a.core_grid = s.core_grid;
    a.backend = backend_of(common);
    a.device = common.device;
    a.run = run_options_of(common);
    ops::FusedGridOpsResult r =
        ops::sample_dot(in.at("images"), in.at("samples"), in.at("queries"), in.at("depths"), octaves, a);
    OpOutcome out;
    out.outputs.emplace_back("output", std::move(r.output));
    out.report = std::move(r.report);
    for (const auto& [name, t] : in) out.details[name] = shape_json(t.shape());
    out.details["args"] = args;
    if (r.program) describe_program(out, *r.program, "units");
    return out;
}

}  // namespace

void add_sample_dot_command(CLI::App& op) {
    register_op({"sample_dot", {"images", "samples", "queries", "depths"}, run_sample_dot});
    struct Options {
        CommonOpOptions common;
        SamplingOpFlags sampling;
        std::map<std::string, std::string> inputs;
        int64_t num_octaves = 0;
    };
    auto c = std::make_shared<Options>();
    CLI::App* cmd = op.add_subcommand(
        "sample_dot", "Σ_c grid_sample(images, samples) * cat(queries, pe(depths)) on .npy inputs");
    cmd->add_option("--images", c->inputs["images"], "images .npy, [b, c, h, w]")->required();
    cmd->add_option("--samples", c->inputs["samples"], "samples .npy, [b, q, d, 2] holding (x, y) in [-1, 1]")
        ->required();
    cmd->add_option("--queries", c->inputs["queries"], "queries .npy, [b, hd, q, c - 2 * num_octaves]")
        ->required();
    cmd->add_option("--depths", c->inputs["depths"], "depths .npy, [b, q, d]")->required();
    cmd->add_option("--num-octaves", c->num_octaves, "octaves of the depth encoding sin(depth * 2π·2^f + φ)")
        ->required();
    add_sampling_op_flags(cmd, c->sampling);
    add_common_op_options(cmd, c->common);
    cmd->callback([c] {
        nlohmann::json args = sampling_op_args(c->sampling);
        args["num_octaves"] = c->num_octaves;
        run_op_command("sample_dot", c->inputs, args, c->common);
    });
}

}  // namespace tilesim::cli
