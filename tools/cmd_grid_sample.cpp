// tilesim op grid_sample: PyTorch's F.grid_sample on .npy files, on any backend.
#include <cstdlib>

#include "cli_common.hpp"
#include "ops/grid_sample/grid_sample.hpp"

namespace tilesim::cli {

namespace {
OpOutcome run_grid_sample(const TensorMap& in, const nlohmann::json& args, const CommonOpOptions& common) {
    ops::GridSampleArgs a;
    a.mode = ops::parse_grid_sample_mode(arg_string(args, "mode", "bilinear"));
    a.padding_mode = ops::parse_padding_mode(arg_string(args, "padding_mode", "zeros"));
    a.align_corners = arg_bool(args, "align_corners", false);
    a.input_layout = ops::parse_channel_layout(arg_string(args, "input_layout", "nchw"));
    a.dtype = parse_data_type(arg_string(args, "dtype", "float32"));
    a.memory = ops::parse_grid_sample_memory(arg_string(args, "memory", "interleaved"));
    const int64_t k = arg_int(args, "grid_batching", 1);
    if (k < 1 || k > 1024) fail("grid_sample: grid_batching must be in [1, 1024], got {}", k);
    a.grid_batching = static_cast<uint32_t>(k);
    a.precomputed_grid = arg_bool(args, "precomputed_grid", false);
    a.split_reader = arg_bool(args, "split_reader", false);
    a.tt_metal_kernel_paths = arg_bool(args, "tt_metal_kernel_paths", false);
    const int64_t shard_cores = arg_int(args, "shard_cores", 0);
    if (shard_cores < 0) fail("grid_sample: shard_cores must be >= 0, got {}", shard_cores);
    a.num_shard_cores = static_cast<uint32_t>(shard_cores);
    const int64_t buffering = arg_int(args, "buffering_factor", 2);
    if (buffering < 1 || buffering > 64)
        fail("grid_sample: buffering_factor must be in [1, 64], got {}", buffering);
    a.buffering_factor = static_cast<uint32_t>(buffering);
    const auto core_grid = arg_int_or_pair(args, "core_grid", 0);
    if (core_grid[0] < 0 || core_grid[1] < 0 || core_grid[0] > 64 || core_grid[1] > 64) {
        fail("grid_sample: core_grid must be [x, y] with 1..64 cores per axis, got [{}, {}]", core_grid[0],
             core_grid[1]);
    }
    a.core_grid = {static_cast<uint32_t>(core_grid[0]), static_cast<uint32_t>(core_grid[1])};
    a.backend = backend_of(common);
    a.device = common.device;
    a.run = run_options_of(common);
    ops::GridSampleResult r = ops::grid_sample(in.at("input"), in.at("grid"), a);
    OpOutcome out;
    out.outputs.emplace_back("output", std::move(r.output));
    out.report = std::move(r.report);
    out.details["input"] = shape_json(in.at("input").shape());
    out.details["grid"] = shape_json(in.at("grid").shape());
    out.details["args"] = args;
    if (r.program) describe_program(out, *r.program, "grid sticks");
    return out;
}
}  // namespace

void add_grid_sample_command(CLI::App& op) {
    register_op({"grid_sample", {"input", "grid"}, run_grid_sample});
    struct Options {
        CommonOpOptions common;
        std::map<std::string, std::string> inputs;
        std::string mode = "bilinear", padding_mode = "zeros", input_layout = "nchw", memory = "interleaved",
                    dtype = "float32";
        bool align_corners = false, precomputed_grid = false, split_reader = false;
        std::string kernel_root;
        int64_t grid_batching = 1, shard_cores = 0, buffering_factor = 2;
        std::vector<int64_t> core_grid{0, 0};
    };
    auto c = std::make_shared<Options>();
    CLI::App* cmd = op.add_subcommand("grid_sample", "torch.nn.functional.grid_sample on .npy inputs");
    cmd->add_option("--input", c->inputs["input"],
                    "input .npy, [N, C, H, W] (or [N, H, W, C] with --input-layout nhwc)")
        ->required();
    cmd->add_option("--grid", c->inputs["grid"], "grid .npy, [N, H_out, W_out, 2] holding (x, y) in [-1, 1]")
        ->required();
    cmd->add_option("--mode", c->mode, "bilinear | nearest | bicubic")
        ->check(CLI::IsMember({"bilinear", "nearest", "bicubic"}));
    cmd->add_option("--padding-mode", c->padding_mode, "zeros | border | reflection")
        ->check(CLI::IsMember({"zeros", "border", "reflection"}));
    cmd->add_flag("--align-corners", c->align_corners, "PyTorch's align_corners=True");
    cmd->add_option("--input-layout", c->input_layout, "nchw (PyTorch) | nhwc (tt-metal)")
        ->check(CLI::IsMember({"nchw", "nhwc"}));
    cmd->add_option("--memory", c->memory, "sim: interleaved | height_sharded")
        ->check(CLI::IsMember({"interleaved", "height_sharded"}));
    cmd->add_option("--dtype", c->dtype, "float32 | bfloat16")->check(CLI::IsMember({"float32", "bfloat16"}));
    cmd->add_option("--grid-batching", c->grid_batching,
                    "sim: K output points per grid stick (must divide W_out)");
    cmd->add_flag("--precomputed-grid", c->precomputed_grid,
                  "sim: prepare the grid on the host (prepare_grid_sample_grid)");
    cmd->add_flag("--split-reader", c->split_reader, "sim: two reader kernels (height-sharded bilinear)");
    cmd->add_option("--shard-cores", c->shard_cores, "sim: cores to height-shard over (0: all useful)");
    cmd->add_option("--buffering-factor", c->buffering_factor,
                    "sim: CB pages per item in flight (default 2)");
    cmd->add_option("--core-grid", c->core_grid, "sim: worker grid to use, X Y (default: the whole device)")
        ->expected(2);
    cmd->add_option("--kernel-root", c->kernel_root,
                    "sim, bilinear: a tt-metal source tree; grid_sample's kernels are its own files "
                    "(ttnn/cpp/ttnn/operations/pool/...), looked up there first")
        ->check(CLI::ExistingDirectory);
    add_common_op_options(cmd, c->common);
    cmd->callback([c] {
        if (!c->kernel_root.empty()) {
            const char* old = std::getenv("TILESIM_KERNEL_PATH");
            const std::string path = c->kernel_root + (old && *old ? ":" + std::string(old) : "");
            setenv("TILESIM_KERNEL_PATH", path.c_str(), 1);
        }
        const nlohmann::json args = {{"mode", c->mode},
                                     {"padding_mode", c->padding_mode},
                                     {"align_corners", c->align_corners},
                                     {"input_layout", c->input_layout},
                                     {"memory", c->memory},
                                     {"dtype", c->dtype},
                                     {"grid_batching", c->grid_batching},
                                     {"precomputed_grid", c->precomputed_grid},
                                     {"split_reader", c->split_reader},
                                     {"tt_metal_kernel_paths", !c->kernel_root.empty()},
                                     {"shard_cores", c->shard_cores},
                                     {"buffering_factor", c->buffering_factor},
                                     {"core_grid", c->core_grid}};
        run_op_command("grid_sample", c->inputs, args, c->common);
    });
}

}  // namespace tilesim::cli
