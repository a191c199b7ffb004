// tilesim op grid_sample: PyTorch's F.grid_sample on .npy files, on any backend.
#include "cli_common.hpp"
#include "ops/grid_sample/grid_sample.hpp"

namespace tilesim::cli {

namespace {
struct GridSampleCliOptions {
    CommonOpOptions common;
    std::string input, grid;
    std::string mode = "bilinear", padding_mode = "zeros", input_layout = "nchw", memory = "interleaved", dtype = "float32";
    bool align_corners = false, precomputed_grid = false, split_reader = false;
    uint32_t grid_batching = 1, shard_cores = 0;
};

void run(const GridSampleCliOptions& c) {
    const Tensor input = read_input(c.input, "--input");
    const Tensor grid = read_input(c.grid, "--grid");
    ops::GridSampleArgs a;
    a.mode = ops::parse_grid_sample_mode(c.mode);
    a.padding_mode = ops::parse_padding_mode(c.padding_mode);
    a.align_corners = c.align_corners;
    a.input_layout = ops::parse_channel_layout(c.input_layout);
    a.backend = backend_of(c.common);
    a.dtype = parse_data_type(c.dtype);
    a.device = c.common.device;
    a.memory = ops::parse_grid_sample_memory(c.memory);
    a.grid_batching = c.grid_batching;
    a.precomputed_grid = c.precomputed_grid;
    a.split_reader = c.split_reader;
    a.num_shard_cores = c.shard_cores;
    a.run = run_options_of(c.common);
    const auto r = run_timed<ops::GridSampleResult>(c.common, [&] { return ops::grid_sample(input, grid, a); });
    OpOutcome out;
    out.outputs.emplace_back("output", r.output);
    out.report = r.report;
    out.details["input"] = shape_json(input.shape());
    out.details["grid"] = shape_json(grid.shape());
    out.details["mode"] = c.mode;
    out.details["padding_mode"] = c.padding_mode;
    out.details["align_corners"] = c.align_corners;
    if (r.program) {
        const auto& p = *r.program;
        nlohmann::json cbs = nlohmann::json::array();
        for (const auto& cb : p.cbs) {
            cbs.push_back({{"index", cb.index}, {"holds", cb.holds}, {"page_size", cb.page_size}, {"num_pages", cb.num_pages},
                           {"total_size", cb.page_size * cb.num_pages}, {"globally_allocated", cb.globally_allocated}});
        }
        out.details["program"] = {{"factory", p.factory}, {"grid_sticks", p.grid_sticks}, {"num_cores", p.num_cores},
                                  {"units_per_core_group_1", p.units_per_core_group_1}, {"cores_group_1", p.cores_group_1},
                                  {"units_per_core_group_2", p.units_per_core_group_2}, {"cores_group_2", p.cores_group_2},
                                  {"shard_height", p.shard_height}, {"circular_buffers", cbs}, {"kernels", p.kernels}};
        std::printf("program: %s factory, %u grid sticks on %u cores (%u x %u + %u x %u)\n", p.factory.c_str(), p.grid_sticks,
                    p.num_cores, p.cores_group_1, p.units_per_core_group_1, p.cores_group_2, p.units_per_core_group_2);
        for (const auto& cb : p.cbs) {
            std::printf("  CB c_%u %-32s %6u B x %4u pages = %8u B%s\n", cb.index, cb.holds.c_str(), cb.page_size, cb.num_pages,
                        cb.page_size * cb.num_pages, cb.globally_allocated ? " (sharded buffer)" : "");
        }
    }
    finish_op("grid_sample", c.common, out);
}
}  // namespace

void add_grid_sample_command(CLI::App& op) {
    auto c = std::make_shared<GridSampleCliOptions>();
    CLI::App* cmd = op.add_subcommand("grid_sample", "torch.nn.functional.grid_sample on .npy inputs");
    cmd->add_option("--input", c->input, "input .npy, [N, C, H, W] (or [N, H, W, C] with --input-layout nhwc)")->required();
    cmd->add_option("--grid", c->grid, "grid .npy, [N, H_out, W_out, 2] holding (x, y) in [-1, 1]")->required();
    cmd->add_option("--mode", c->mode, "bilinear | nearest | bicubic")->check(CLI::IsMember({"bilinear", "nearest", "bicubic"}));
    cmd->add_option("--padding-mode", c->padding_mode, "zeros | border | reflection")
        ->check(CLI::IsMember({"zeros", "border", "reflection"}));
    cmd->add_flag("--align-corners", c->align_corners, "PyTorch's align_corners=True");
    cmd->add_option("--input-layout", c->input_layout, "nchw (PyTorch) | nhwc (tt-metal)")->check(CLI::IsMember({"nchw", "nhwc"}));
    cmd->add_option("--memory", c->memory, "sim: interleaved | height_sharded")->check(CLI::IsMember({"interleaved", "height_sharded"}));
    cmd->add_option("--dtype", c->dtype, "float32 | bfloat16")->check(CLI::IsMember({"float32", "bfloat16"}));
    cmd->add_option("--grid-batching", c->grid_batching, "sim: K output points per grid stick (must divide W_out)")
        ->check(CLI::Range(1u, 1024u));
    cmd->add_flag("--precomputed-grid", c->precomputed_grid, "sim: prepare the grid on the host (prepare_grid_sample_grid)");
    cmd->add_flag("--split-reader", c->split_reader, "sim: two reader kernels (height-sharded bilinear)");
    cmd->add_option("--shard-cores", c->shard_cores, "sim: cores to height-shard over (0: all useful)");
    add_common_op_options(cmd, c->common);
    cmd->callback([c] { run(*c); });
}

}  // namespace tilesim::cli
