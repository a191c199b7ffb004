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

void describe_sampling_program(OpOutcome& out, const ops::SamplingProgramInfo& p) {
    nlohmann::json cbs = nlohmann::json::array();
    for (const auto& cb : p.cbs) {
        cbs.push_back({{"index", cb.index},
                       {"holds", cb.holds},
                       {"page_size", cb.page_size},
                       {"num_pages", cb.num_pages},
                       {"total_size", cb.page_size * cb.num_pages}});
    }
    out.details["program"] = {{"factory", p.factory},
                              {"units", p.units},
                              {"num_cores", p.num_cores},
                              {"units_per_core_group_1", p.units_per_core_group_1},
                              {"cores_group_1", p.cores_group_1},
                              {"units_per_core_group_2", p.units_per_core_group_2},
                              {"cores_group_2", p.cores_group_2},
                              {"circular_buffers", cbs},
                              {"kernels", p.kernels}};
    out.summary = [p] {
        std::printf("program: %s factory, %u units on %u cores (%u x %u + %u x %u)\n", p.factory.c_str(),
                    p.units, p.num_cores, p.cores_group_1, p.units_per_core_group_1, p.cores_group_2,
                    p.units_per_core_group_2);
        for (const auto& cb : p.cbs) {
            std::printf("  CB c_%-2u %-36s %6u B x %4u pages = %8u B\n", cb.index, cb.holds.c_str(),
                        cb.page_size, cb.num_pages, cb.page_size * cb.num_pages);
        }
    };
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
