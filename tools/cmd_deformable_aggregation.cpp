// tilesim op deformable_aggregation: SparseDrive's deformable_aggregation_function on .npy files, on any
// backend; and the pieces the sampling ops' commands share (see cli_common.hpp).
#include "cli_common.hpp"
#include "ops/deformable_aggregation/deformable_aggregation.hpp"

namespace tilesim::cli {

ParamTable sampling_op_params(ParamTable own) {
    own.push_back(dtype_param({"float32", "bfloat16"}, "float32",
                              "feature data; coordinates and weights stay float32"));
    return with_device_params(std::move(own));
}

namespace {

OpOutcome run_deformable_aggregation(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    return sampling_op_outcome(
        ops::deformable_aggregation(in.at("mc_ms_feat"), in.at("spatial_shape"), in.at("scale_start_index"),
                                    in.at("sampling_location"), in.at("weights"),
                                    device_run_options(args, common)),
        in, args);
}

}  // namespace

void add_deformable_aggregation_command(CLI::App& op) {
    add_op_command(op,
                   {"deformable_aggregation",
                    {"mc_ms_feat", "spatial_shape", "scale_start_index", "sampling_location", "weights"},
                    sampling_op_params(),
                    run_deformable_aggregation},
                   "SparseDrive's deformable_aggregation_function on .npy inputs",
                   {"features .npy, [bs, num_feat, C]",
                    "map sizes .npy, [num_cams, num_scale, 2] (H, W), float32 holding integers",
                    "first feature of each map .npy, [num_cams, num_scale], float32 holding integers",
                    "locations .npy, [bs, num_anchor, num_pts, num_cams, 2] (x, y) in (0, 1)",
                    "weights .npy, [bs, num_anchor, num_pts, num_cams, num_scale, num_groups]"});
}

}  // namespace tilesim::cli
