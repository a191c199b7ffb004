// tilesim op spatial_correlation | correlation | corr_lookup: the correlation family on NCHW .npy inputs,
// on any backend. Flags become JSON arguments (only the flags given), so `tilesim run` configs hold the
// same arguments.
#include <algorithm>

#include "cli_common.hpp"
#include "ops/correlation/correlation.hpp"

namespace tilesim::cli {

namespace {
constexpr int64_t kMaxArg = 1 << 20;  // far beyond any real window; keeps the int conversions exact

int int_arg(const nlohmann::json& args, const char* op, const char* key, int fallback) {
    const int64_t v = arg_int(args, key, fallback);
    if (v < -kMaxArg || v > kMaxArg)
        fail("{}: {} must be in [{}, {}], got {}", op, key, -kMaxArg, kMaxArg, v);
    return static_cast<int>(v);
}

// Sets `h`, `w` from an int-or-pair argument when it is given.
void pair_arg(const nlohmann::json& args, const char* op, const char* key, int& h, int& w) {
    if (!args.contains(key)) return;
    const auto v = arg_int_or_pair(args, key, 0);
    for (int64_t x : v) {
        if (x < -kMaxArg || x > kMaxArg)
            fail("{}: {} must be in [{}, {}], got {}", op, key, -kMaxArg, kMaxArg, x);
    }
    h = static_cast<int>(v[0]);
    w = static_cast<int>(v[1]);
}

// The dtype argument when given; otherwise float16 when both feature maps come from float16 .npy files (the
// original packages compute in their inputs' dtype), else float32.
DataType dtype_of(const nlohmann::json& args, const TensorMap& in, const char* map1, const char* map2) {
    if (args.contains("dtype")) return parse_data_type(arg_string(args, "dtype", ""));
    const bool half = in.at(map1).dtype() == DataType::Float16 && in.at(map2).dtype() == DataType::Float16;
    return half ? DataType::Float16 : DataType::Float32;
}

ops::DeviceRunOptions run_args(const nlohmann::json& args, const CommonOpOptions& common, const char* op,
                               DataType dtype) {
    ops::DeviceRunOptions a;
    a.backend = backend_of(common);
    a.device = common.device;
    a.run = run_options_of(common);
    a.dtype = dtype;
    const int64_t buffering = arg_int(args, "buffering_factor", 2);
    if (buffering < 1 || buffering > 64)
        fail("{}: buffering_factor must be in [1, 64], got {}", op, buffering);
    a.buffering_factor = static_cast<uint32_t>(buffering);
    const auto grid = arg_int_or_pair(args, "core_grid", 0);
    if (grid[0] < 0 || grid[1] < 0 || grid[0] > 64 || grid[1] > 64) {
        fail("{}: core_grid must be [x, y] with 1..64 cores per axis, got [{}, {}]", op, grid[0], grid[1]);
    }
    a.core_grid = {static_cast<uint32_t>(grid[0]), static_cast<uint32_t>(grid[1])};
    return a;
}

// A float16 run's output is a Float16 tensor (its values are fp16 already), so --out writes '<f2' as the
// original packages return their inputs' dtype.
OpOutcome outcome_of(ops::CorrelationResult r, const TensorMap& in, const nlohmann::json& args,
                     DataType dtype) {
    OpOutcome out;
    out.outputs.emplace_back(
        "output", dtype == DataType::Float16 ? r.output.to_dtype(DataType::Float16) : std::move(r.output));
    out.report = std::move(r.report);
    for (const auto& [name, t] : in) out.details[name] = shape_json(t.shape());
    out.details["args"] = args;
    out.details["dtype"] = to_string(dtype);
    if (r.program) describe_program(out, *r.program, "output sticks");
    return out;
}

OpOutcome run_spatial_correlation(const TensorMap& in, const nlohmann::json& args,
                                  const CommonOpOptions& common) {
    constexpr const char* kOp = "spatial_correlation";
    ops::SpatialCorrelationParams p;
    if (args.contains("preset")) p = ops::spatial_correlation_preset(arg_string(args, "preset", ""));
    pair_arg(args, kOp, "kernel_size", p.kH, p.kW);  // explicit arguments override the preset's
    pair_arg(args, kOp, "patch_size", p.patchH, p.patchW);
    pair_arg(args, kOp, "stride", p.strideH, p.strideW);
    pair_arg(args, kOp, "padding", p.padH, p.padW);
    pair_arg(args, kOp, "dilation", p.dilationH, p.dilationW);
    pair_arg(args, kOp, "dilation_patch", p.dilation_patchH, p.dilation_patchW);
    const DataType dtype = dtype_of(args, in, "input1", "input2");
    ops::CorrelationResult r =
        ops::spatial_correlation(in.at("input1"), in.at("input2"), p, run_args(args, common, kOp, dtype));
    if (arg_bool(args, "flatten", false)) r.output = ops::flatten_spatial_correlation(r.output);
    return outcome_of(std::move(r), in, args, dtype);
}

OpOutcome run_flownet_correlation(const TensorMap& in, const nlohmann::json& args,
                                  const CommonOpOptions& common) {
    constexpr const char* kOp = "correlation";
    ops::FlowNetCorrelationParams
        p;  // the original's defaults: pad 4, kernel 1, max displacement 4, strides 1
    if (args.contains("preset")) p = ops::flownet_correlation_preset(arg_string(args, "preset", ""));
    p.kernel_size = int_arg(args, kOp, "kernel_size", p.kernel_size);
    p.max_displacement = int_arg(args, kOp, "max_displacement", p.max_displacement);
    p.stride1 = int_arg(args, kOp, "stride1", p.stride1);
    p.stride2 = int_arg(args, kOp, "stride2", p.stride2);
    p.pad_size = int_arg(args, kOp, "pad_size", p.pad_size);
    p.is_multiply = !arg_bool(args, "subtract", !p.is_multiply);
    const DataType dtype = dtype_of(args, in, "input1", "input2");
    return outcome_of(
        ops::flownet_correlation(in.at("input1"), in.at("input2"), p, run_args(args, common, kOp, dtype)), in,
        args, dtype);
}

OpOutcome run_corr_lookup(const TensorMap& in, const nlohmann::json& args, const CommonOpOptions& common) {
    constexpr const char* kOp = "corr_lookup";
    const ops::CorrLookupPreset raft = ops::corr_lookup_preset();
    const int levels = int_arg(args, kOp, "num_levels", raft.num_levels);
    const int radius = int_arg(args, kOp, "radius", raft.radius);
    const DataType dtype = dtype_of(args, in, "fmap1", "fmap2");
    return outcome_of(ops::corr_lookup(in.at("fmap1"), in.at("fmap2"), in.at("coords"), levels, radius,
                                       run_args(args, common, kOp, dtype)),
                      in, args, dtype);
}

// Flags shared by the three commands: dtype and the simulated device's layout options.
struct DeviceFlags {
    std::string dtype;
    int64_t buffering_factor = 2;
    std::vector<int64_t> core_grid{0, 0};
    CLI::Option *dtype_option = nullptr, *buffering = nullptr, *grid = nullptr;
};

void add_device_flags(CLI::App* cmd, DeviceFlags& f) {
    f.dtype_option = cmd->add_option("--dtype", f.dtype,
                                     "float32 | bfloat16 | float16 (default: float16 when both feature maps "
                                     "are float16 .npy files, else float32)")
                         ->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
    f.buffering = cmd->add_option("--buffering-factor", f.buffering_factor,
                                  "sim: pages of the streamed row-block CBs (2)");
    f.grid = cmd->add_option("--core-grid", f.core_grid,
                             "sim: worker grid to use, X Y (default: the whole device)")
                 ->expected(2);
}

// The given flags as JSON arguments: {name, option, value}; options never given are left out.
struct Flag {
    const char* key;
    CLI::Option* option;
    nlohmann::json value;
};
nlohmann::json args_of(const std::vector<Flag>& flags, const DeviceFlags& d) {
    nlohmann::json args = nlohmann::json::object();
    if (d.dtype_option->count() > 0) args["dtype"] = d.dtype;
    for (const Flag& f : flags) {
        if (f.option->count() > 0) args[f.key] = f.value;
    }
    if (d.buffering->count() > 0) args["buffering_factor"] = d.buffering_factor;
    if (d.grid->count() > 0) args["core_grid"] = d.core_grid;
    return args;
}

// An int-or-pair flag as JSON: one value -> int, two -> [h, w].
nlohmann::json int_or_pair(const std::vector<int64_t>& v) {
    return v.size() == 1 ? nlohmann::json(v[0]) : nlohmann::json(v);
}
}  // namespace

void add_correlation_commands(CLI::App& op) {
    register_op({"spatial_correlation", {"input1", "input2"}, run_spatial_correlation});
    register_op({"correlation", {"input1", "input2"}, run_flownet_correlation});
    register_op({"corr_lookup", {"fmap1", "fmap2", "coords"}, run_corr_lookup});

    struct SpatialFlags {
        CommonOpOptions common;
        DeviceFlags device;
        std::map<std::string, std::string> inputs;
        std::map<std::string, std::vector<int64_t>> pairs{{"kernel_size", {}}, {"patch_size", {}},
                                                          {"stride", {}},      {"padding", {}},
                                                          {"dilation", {}},    {"dilation_patch", {}}};
        std::map<std::string, CLI::Option*> options;
        std::string preset;
        bool flatten = false;
    };
    auto s = std::make_shared<SpatialFlags>();
    CLI::App* sc = op.add_subcommand(
        "spatial_correlation", "SpatialCorrelationSampler (Pytorch-Correlation-extension) on .npy inputs");
    sc->add_option("--input1", s->inputs["input1"], "first input .npy, [B, C, H, W]")->required();
    sc->add_option("--input2", s->inputs["input2"], "second input .npy, [B, C, H, W]")->required();
    for (auto& [key, value] : s->pairs) {
        std::string flag = "--" + key;
        std::replace(flag.begin(), flag.end(), '_', '-');
        s->options[key] =
            sc->add_option(flag, value, key + ": k, or kh kw (default " + (key == "padding" ? "0)" : "1)"))
                ->expected(1, 2);
    }
    s->options["preset"] =
        sc->add_option("--preset", s->preset, "flownetc | tracker9x9 | pwcnet (other flags override it)")
            ->check(CLI::IsMember({"flownetc", "tracker9x9", "pwcnet"}));
    sc->add_flag("--flatten", s->flatten, "output the flattened view [B, patchH * patchW, oH, oW]");
    add_device_flags(sc, s->device);
    add_common_op_options(sc, s->common);
    sc->callback([s] {
        std::vector<Flag> flags{{"preset", s->options.at("preset"), s->preset}};
        for (const auto& [key, value] : s->pairs)
            flags.push_back({key.c_str(), s->options.at(key), int_or_pair(value)});
        nlohmann::json args = args_of(flags, s->device);
        if (s->flatten) args["flatten"] = true;
        run_op_command("spatial_correlation", s->inputs, args, s->common);
    });

    struct FlowNetFlags {
        CommonOpOptions common;
        DeviceFlags device;
        std::map<std::string, std::string> inputs;
        std::map<std::string, int64_t> ints{
            {"kernel_size", 1}, {"max_displacement", 4}, {"stride1", 1}, {"stride2", 1}, {"pad_size", 4}};
        std::map<std::string, CLI::Option*> options;
        std::string preset;
        bool subtract = false;
    };
    auto f = std::make_shared<FlowNetFlags>();
    CLI::App* fc =
        op.add_subcommand("correlation", "FlowNet's correlation layer (flownet2-pytorch) on .npy inputs");
    fc->add_option("--input1", f->inputs["input1"], "first input .npy, [N, C, H, W]")->required();
    fc->add_option("--input2", f->inputs["input2"], "second input .npy, [N, C, H, W]")->required();
    const std::map<std::string, std::string> help{{"kernel_size", "odd window size (1)"},
                                                  {"max_displacement", "search radius in pixels (4)"},
                                                  {"stride1", "output stride (1)"},
                                                  {"stride2", "displacement stride (1)"},
                                                  {"pad_size", "zero padding of both inputs (4)"}};
    for (auto& [key, value] : f->ints) {
        std::string flag = "--" + key;
        std::replace(flag.begin(), flag.end(), '_', '-');
        f->options[key] = fc->add_option(flag, value, help.at(key));
    }
    f->options["preset"] = fc->add_option("--preset", f->preset, "flownetc (other flags override it)")
                               ->check(CLI::IsMember({"flownetc"}));
    fc->add_flag("--subtract", f->subtract, "|a - b| instead of the product (is_multiply = False)");
    add_device_flags(fc, f->device);
    add_common_op_options(fc, f->common);
    fc->callback([f] {
        std::vector<Flag> flags{{"preset", f->options.at("preset"), f->preset}};
        for (const auto& [key, value] : f->ints) flags.push_back({key.c_str(), f->options.at(key), value});
        nlohmann::json args = args_of(flags, f->device);
        if (f->subtract) args["subtract"] = true;
        run_op_command("correlation", f->inputs, args, f->common);
    });

    struct LookupFlags {
        CommonOpOptions common;
        DeviceFlags device;
        std::map<std::string, std::string> inputs;
        int64_t num_levels = 4, radius = 4;
    };
    auto l = std::make_shared<LookupFlags>();
    CLI::App* lc = op.add_subcommand("corr_lookup",
                                     "RAFT's correlation pyramid lookup (AlternateCorrBlock) on .npy inputs");
    lc->add_option("--fmap1", l->inputs["fmap1"], "feature map 1 .npy, [B, C, H, W]")->required();
    lc->add_option("--fmap2", l->inputs["fmap2"], "feature map 2 .npy, [B, C, H, W]")->required();
    lc->add_option("--coords", l->inputs["coords"], "coordinates .npy, [B, 2, H, W] holding (x, y) in pixels")
        ->required();
    CLI::Option* levels = lc->add_option("--num-levels", l->num_levels, "pyramid levels (4)");
    CLI::Option* radius = lc->add_option("--radius", l->radius, "lookup radius (4)");
    add_device_flags(lc, l->device);
    add_common_op_options(lc, l->common);
    lc->callback([l, levels, radius] {
        const nlohmann::json args =
            args_of({{"num_levels", levels, l->num_levels}, {"radius", radius, l->radius}}, l->device);
        run_op_command("corr_lookup", l->inputs, args, l->common);
    });
}

}  // namespace tilesim::cli
