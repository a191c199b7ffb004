// tilesim op sample_dot: grid_sample fused with dot products against queries extended by a positional
// encoding of depth, on .npy files, on any backend.
#include "cli_common.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"

namespace tilesim::cli {

namespace {
ParamTable sample_dot_params() {
    // The range is the op's to check: it depends on the images' channels (num_octaves <= c / 2).
    return sampling_op_params({param("num_octaves", ParamType::Int, nullptr,
                                     "octaves of the depth encoding sin(depth * 2π·2^f + φ)")
                                   .require()});
}

OpOutcome run_sample_dot(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    return sampling_op_outcome(
        ops::sample_dot(in.at("images"), in.at("samples"), in.at("queries"), in.at("depths"),
                        args.integer("num_octaves"), device_run_options(args, common)),
        in, args);
}
}  // namespace

void add_sample_dot_command(CLI::App& op) {
    add_op_command(
        op, {"sample_dot", {"images", "samples", "queries", "depths"}, sample_dot_params(), run_sample_dot},
        "Σ_c grid_sample(images, samples) * cat(queries, pe(depths)) on .npy inputs",
        {"images .npy, [b, c, h, w]", "samples .npy, [b, q, d, 2] holding (x, y) in [-1, 1]",
         "queries .npy, [b, hd, q, c - 2 * num_octaves]", "depths .npy, [b, q, d]"});
}

}  // namespace tilesim::cli
