// tilesim op sample_sum: grid_sample fused with a weighted sum over the depth samples, on .npy files, on any
// backend.
#include "cli_common.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"

namespace tilesim::cli {

namespace {
OpOutcome run_sample_sum(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    return sampling_op_outcome(ops::sample_sum(in.at("images"), in.at("samples"), in.at("weights"),
                                               device_run_options(args, common)),
                               in, args);
}
}  // namespace

void add_sample_sum_command(CLI::App& op) {
    add_op_command(op, {"sample_sum", {"images", "samples", "weights"}, sampling_op_params(), run_sample_sum},
                   "Σ_d weights * grid_sample(images, samples) on .npy inputs",
                   {"images .npy, [b, c, h, w]", "samples .npy, [b, q, d, 2] holding (x, y) in [-1, 1]",
                    "weights .npy, [b, hd, q, d]"});
}

}  // namespace tilesim::cli
