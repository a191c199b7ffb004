// tilesim op grid_sample: PyTorch's F.grid_sample on .npy files, on any backend.
#include <cstdlib>

#include "cli_common.hpp"
#include "ops/grid_sample/grid_sample.hpp"

namespace tilesim::cli {

namespace {
ParamTable grid_sample_params() {
    using T = ParamType;
    return with_device_params({
        param("mode", T::Choice, "bilinear", "interpolation").one_of({"bilinear", "nearest", "bicubic"}),
        param("padding_mode", T::Choice, "zeros", "values outside the input")
            .one_of({"zeros", "border", "reflection"}),
        param("align_corners", T::Bool, false, "PyTorch's align_corners=True"),
        param("input_layout", T::Choice, "nchw", "channel order: nchw is PyTorch's, nhwc tt-metal's")
            .one_of({"nchw", "nhwc"}),
        dtype_param({"float32", "bfloat16"}, "float32", "data type of the input"),
        param("memory", T::Choice, "interleaved", "memory layout on the device")
            .one_of({"interleaved", "height_sharded"})
            .sim(),
        param("grid_batching", T::Int, 1, "K output points per grid stick (must divide W_out)")
            .in_range(1, 1024)
            .sim(),
        param("precomputed_grid", T::Bool, false, "prepare the grid on the host (prepare_grid_sample_grid)")
            .sim(),
        param("split_reader", T::Bool, false, "two reader kernels (height-sharded bilinear)").sim(),
        param("tt_metal_kernel_paths", T::Bool, false,
              "bilinear: load the kernels by their tt-metal paths from TILESIM_KERNEL_PATH (--kernel-root "
              "sets both)")
            .sim(),
        param("shard_cores", T::Int, 0, "cores to height-shard over (0: all useful)").in_range(0).sim(),
    });
}

OpOutcome run_grid_sample(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    ops::GridSampleArgs a;
    static_cast<ops::DeviceRunOptions&>(a) = device_run_options(args, common);
    a.mode = ops::parse_grid_sample_mode(args.choice("mode"));
    a.padding_mode = ops::parse_padding_mode(args.choice("padding_mode"));
    a.align_corners = args.flag("align_corners");
    a.input_layout = ops::parse_channel_layout(args.choice("input_layout"));
    a.memory = ops::parse_grid_sample_memory(args.choice("memory"));
    a.grid_batching = static_cast<uint32_t>(args.integer("grid_batching"));
    a.precomputed_grid = args.flag("precomputed_grid");
    a.split_reader = args.flag("split_reader");
    a.tt_metal_kernel_paths = args.flag("tt_metal_kernel_paths");
    a.num_shard_cores = static_cast<uint32_t>(args.integer("shard_cores"));
    ops::GridSampleResult r = ops::grid_sample(in.at("input"), in.at("grid"), a);
    OpOutcome out;
    out.outputs.emplace_back("output", std::move(r.output));
    out.report = std::move(r.report);
    out.details["input"] = shape_json(in.at("input").shape());
    out.details["grid"] = shape_json(in.at("grid").shape());
    out.details["args"] = args.json();
    if (r.program) describe_program(out, *r.program, "grid sticks");
    return out;
}
}  // namespace

void add_grid_sample_command(CLI::App& op) {
    auto c = std::make_shared<OpCommand>();
    CLI::App* cmd =
        add_op_command(op, {"grid_sample", {"input", "grid"}, grid_sample_params(), run_grid_sample},
                       "torch.nn.functional.grid_sample on .npy inputs",
                       {"input .npy, [N, C, H, W] (or [N, H, W, C] with --input-layout nhwc)",
                        "grid .npy, [N, H_out, W_out, 2] holding (x, y) in [-1, 1]"},
                       c);
    auto kernel_root = std::make_shared<std::string>();
    cmd->add_option("--kernel-root", *kernel_root,
                    "sim, bilinear: a tt-metal source tree; grid_sample's kernels are its own files "
                    "(ttnn/cpp/ttnn/operations/pool/...), looked up there first")
        ->check(CLI::ExistingDirectory);
    c->before_run = [kernel_root](nlohmann::json& args) {
        if (kernel_root->empty()) return;
        const char* old = std::getenv("TILESIM_KERNEL_PATH");
        const std::string path = *kernel_root + (old && *old ? ":" + std::string(old) : "");
        setenv("TILESIM_KERNEL_PATH", path.c_str(), 1);
        args["tt_metal_kernel_paths"] = true;
    };
}

}  // namespace tilesim::cli
