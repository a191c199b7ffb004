// tilesim op deformable_aggregation: SparseDrive's deformable_aggregation_function on .npy files, on any
// backend; and the pieces the sampling ops' commands share (see cli_common.hpp).
#include "cli_common.hpp"
#include "ops/deformable_aggregation/deformable_aggregation.hpp"

namespace tilesim::cli {

void add_sampling_op_flags(CLI::App* cmd, SamplingOpFlags& f) {
    cmd->add_option("--dtype", f.dtype,
                    "float32 | bfloat16 (feature data; coordinates and weights stay float32)")
        ->check(CLI::IsMember({"float32", "bfloat16"}));
    cmd->add_option("--buffering-factor", f.buffering_factor,
                    "sim: CB pages per block in flight (default 2)");
    cmd->add_option("--core-grid", f.core_grid, "sim: worker grid to use, X Y (default: the whole device)")
        ->expected(2);
}

nlohmann::json sampling_op_args(const SamplingOpFlags& f) {
    return {{"dtype", f.dtype}, {"buffering_factor", f.buffering_factor}, {"core_grid", f.core_grid}};
}

SamplingOpSettings sampling_op_settings(const nlohmann::json& args, const char* op) {
    SamplingOpSettings s;
    s.dtype = parse_data_type(arg_string(args, "dtype", "float32"));
    const int64_t buffering = arg_int(args, "buffering_factor", 2);
    if (buffering < 1 || buffering > 64)
        fail("{}: buffering_factor must be in [1, 64], got {}", op, buffering);
    s.buffering_factor = static_cast<uint32_t>(buffering);
    const auto grid = arg_int_or_pair(args, "core_grid", 0);
    if (grid[0] < 0 || grid[1] < 0 || grid[0] > 64 || grid[1] > 64) {
        fail("{}: core_grid must be [x, y] with 1..64 cores per axis, got [{}, {}]", op, grid[0], grid[1]);
    }
    s.core_grid = {static_cast<uint32_t>(grid[0]), static_cast<uint32_t>(grid[1])};
    return s;
}

namespace {

OpOutcome run_deformable_aggregation(const TensorMap& in, const nlohmann::json& args,
                                     const CommonOpOptions& common) {
    const SamplingOpSettings s = sampling_op_settings(args, "deformable_aggregation");
    ops::DeviceRunOptions a;
    a.dtype = s.dtype;
    a.buffering_factor = s.buffering_factor;
    a.core_grid = s.core_grid;
    a.backend = backend_of(common);
    a.device = common.device;
    a.run = run_options_of(common);
    ops::DeformableAggregationResult r =
        ops::deformable_aggregation(in.at("mc_ms_feat"), in.at("spatial_shape"), in.at("scale_start_index"),
                                    in.at("sampling_location"), in.at("weights"), a);
    OpOutcome out;
    out.outputs.emplace_back("output", std::move(r.output));
    out.report = std::move(r.report);
    for (const auto& [name, t] : in) out.details[name] = shape_json(t.shape());
    out.details["args"] = args;
    if (r.program) describe_program(out, *r.program, "units");
    return out;
}

}  // namespace

void add_deformable_aggregation_command(CLI::App& op) {
    register_op({"deformable_aggregation",
                 {"mc_ms_feat", "spatial_shape", "scale_start_index", "sampling_location", "weights"},
                 run_deformable_aggregation});
    struct Options {
        CommonOpOptions common;
        SamplingOpFlags sampling;
        std::map<std::string, std::string> inputs;
    };
    auto c = std::make_shared<Options>();
    CLI::App* cmd = op.add_subcommand("deformable_aggregation",
                                      "SparseDrive's deformable_aggregation_function on .npy inputs");
    // The second spelling of each flag is the input's name, which read errors quote.
    cmd->add_option("--mc-ms-feat,--mc_ms_feat", c->inputs["mc_ms_feat"], "features .npy, [bs, num_feat, C]")
        ->required();
    cmd->add_option("--spatial-shape,--spatial_shape", c->inputs["spatial_shape"],
                    "map sizes .npy, [num_cams, num_scale, 2] (H, W), float32 holding integers")
        ->required();
    cmd->add_option("--scale-start-index,--scale_start_index", c->inputs["scale_start_index"],
                    "first feature of each map .npy, [num_cams, num_scale], float32 holding integers")
        ->required();
    cmd->add_option("--sampling-location,--sampling_location", c->inputs["sampling_location"],
                    "locations .npy, [bs, num_anchor, num_pts, num_cams, 2] (x, y) in (0, 1)")
        ->required();
    cmd->add_option("--weights", c->inputs["weights"],
                    "weights .npy, [bs, num_anchor, num_pts, num_cams, num_scale, num_groups]")
        ->required();
    add_sampling_op_flags(cmd, c->sampling);
    add_common_op_options(cmd, c->common);
    cmd->callback([c] {
        run_op_command("deformable_aggregation", c->inputs, sampling_op_args(c->sampling), c->common);
    });
}

}  // namespace tilesim::cli
