// tilesim op spatial_correlation | correlation | corr_lookup: the correlation family on NCHW .npy inputs,
// on any backend. Flags become JSON arguments (only the flags given), so `tilesim run` configs hold the
// same arguments.
#include "cli_common.hpp"
#include "ops/correlation/correlation.hpp"

namespace tilesim::cli {

namespace {
constexpr int64_t kMaxArg = 1 << 20;  // far beyond any real window; keeps the int conversions exact

// A window argument: far beyond any real window, which keeps the int conversions exact.
ParamSpec window_param(std::string name, ParamType type, int64_t default_value, std::string help) {
    return param(std::move(name), type, default_value, std::move(help)).in_range(-kMaxArg, kMaxArg);
}

ParamSpec preset_param(std::vector<std::string> presets) {
    return param("preset", ParamType::Choice, nullptr,
                 "the preset's arguments (the other arguments override them)")
        .one_of(std::move(presets));
}

// The correlation ops' table: their own rows, dtype and the device rows.
ParamTable correlation_params(ParamTable own) {
    own.push_back(
        dtype_param({"float32", "bfloat16", "float16"}, nullptr,
                    "default: float16 when both feature maps are float16 .npy files, else float32"));
    return with_device_params(std::move(own));
}

ParamTable spatial_correlation_params() {
    const auto T = ParamType::IntOrPair;
    return correlation_params({
        preset_param({"flownetc", "tracker9x9", "pwcnet"}),
        window_param("kernel_size", T, 1, "k, or kh kw"),
        window_param("patch_size", T, 1, "displacements per axis: p, or ph pw"),
        window_param("stride", T, 1, "output stride: s, or sh sw"),
        window_param("padding", T, 0, "zero padding: p, or ph pw"),
        window_param("dilation", T, 1, "kernel dilation: d, or dh dw"),
        window_param("dilation_patch", T, 1, "displacement step: d, or dh dw"),
        param("flatten", ParamType::Bool, false, "output the flattened view [B, patchH * patchW, oH, oW]"),
    });
}

ParamTable flownet_correlation_params() {
    const auto T = ParamType::Int;
    return correlation_params({
        preset_param({"flownetc"}),
        window_param("kernel_size", T, 1, "odd window size"),
        window_param("max_displacement", T, 4, "search radius in pixels"),
        window_param("stride1", T, 1, "output stride"),
        window_param("stride2", T, 1, "displacement stride"),
        window_param("pad_size", T, 4, "zero padding of both inputs"),
        param("subtract", ParamType::Bool, false, "|a - b| instead of the product (is_multiply = False)"),
    });
}

ParamTable corr_lookup_params() {
    return correlation_params({window_param("num_levels", ParamType::Int, 4, "pyramid levels"),
                               window_param("radius", ParamType::Int, 4, "lookup radius")});
}

// Sets `h`, `w` from an int-or-pair argument when it is given.
void pair_arg(const OpArgs& args, const char* key, int& h, int& w) {
    if (!args.has(key)) return;
    const auto [ph, pw] = args.pair(key);
    h = static_cast<int>(ph);
    w = static_cast<int>(pw);
}

// Sets `v` from an int argument when it is given.
void int_arg(const OpArgs& args, const char* key, int& v) {
    if (args.has(key)) v = static_cast<int>(args.integer(key));
}

// The dtype argument when given; otherwise float16 when both feature maps come from float16 .npy files (the
// original packages compute in their inputs' dtype), else float32.
DataType dtype_of(const OpArgs& args, const TensorMap& in, const char* map1, const char* map2) {
    if (args.has("dtype")) return parse_data_type(args.choice("dtype"));
    const bool half = in.at(map1).dtype() == DataType::Float16 && in.at(map2).dtype() == DataType::Float16;
    return half ? DataType::Float16 : DataType::Float32;
}

ops::DeviceRunOptions run_args(const OpArgs& args, const CommonOpOptions& common, DataType dtype) {
    ops::DeviceRunOptions a = device_run_options(args, common);
    a.dtype = dtype;
    return a;
}

// A float16 run's output is a Float16 tensor (its values are fp16 already), so --out writes '<f2' as the
// original packages return their inputs' dtype.
OpOutcome outcome_of(ops::CorrelationResult r, const TensorMap& in, const OpArgs& args, DataType dtype) {
    OpOutcome out;
    out.outputs.emplace_back(
        "output", dtype == DataType::Float16 ? r.output.to_dtype(DataType::Float16) : std::move(r.output));
    out.report = std::move(r.report);
    for (const auto& [name, t] : in) out.details[name] = shape_json(t.shape());
    out.details["args"] = args.json();
    out.details["dtype"] = to_string(dtype);
    if (r.program) describe_program(out, *r.program, "output sticks");
    return out;
}

OpOutcome run_spatial_correlation(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    ops::SpatialCorrelationParams p;
    if (args.has("preset")) p = ops::spatial_correlation_preset(args.choice("preset"));
    pair_arg(args, "kernel_size", p.kH, p.kW);  // explicit arguments override the preset's
    pair_arg(args, "patch_size", p.patchH, p.patchW);
    pair_arg(args, "stride", p.strideH, p.strideW);
    pair_arg(args, "padding", p.padH, p.padW);
    pair_arg(args, "dilation", p.dilationH, p.dilationW);
    pair_arg(args, "dilation_patch", p.dilation_patchH, p.dilation_patchW);
    const DataType dtype = dtype_of(args, in, "input1", "input2");
    ops::CorrelationResult r =
        ops::spatial_correlation(in.at("input1"), in.at("input2"), p, run_args(args, common, dtype));
    if (args.flag("flatten")) r.output = ops::flatten_spatial_correlation(r.output);
    return outcome_of(std::move(r), in, args, dtype);
}

OpOutcome run_flownet_correlation(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    ops::FlowNetCorrelationParams
        p;  // the original's defaults: pad 4, kernel 1, max displacement 4, strides 1
    if (args.has("preset")) p = ops::flownet_correlation_preset(args.choice("preset"));
    int_arg(args, "kernel_size", p.kernel_size);
    int_arg(args, "max_displacement", p.max_displacement);
    int_arg(args, "stride1", p.stride1);
    int_arg(args, "stride2", p.stride2);
    int_arg(args, "pad_size", p.pad_size);
    if (args.has("subtract")) p.is_multiply = !args.flag("subtract");
    const DataType dtype = dtype_of(args, in, "input1", "input2");
    return outcome_of(
        ops::flownet_correlation(in.at("input1"), in.at("input2"), p, run_args(args, common, dtype)), in,
        args, dtype);
}

OpOutcome run_corr_lookup(const TensorMap& in, const OpArgs& args, const CommonOpOptions& common) {
    const DataType dtype = dtype_of(args, in, "fmap1", "fmap2");
    return outcome_of(
        ops::corr_lookup(in.at("fmap1"), in.at("fmap2"), in.at("coords"),
                         static_cast<int>(args.integer("num_levels")),
                         static_cast<int>(args.integer("radius")), run_args(args, common, dtype)),
        in, args, dtype);
}
}  // namespace

void add_correlation_commands(CLI::App& op) {
    add_op_command(
        op,
        {"spatial_correlation", {"input1", "input2"}, spatial_correlation_params(), run_spatial_correlation},
        "SpatialCorrelationSampler (Pytorch-Correlation-extension) on .npy inputs",
        {"first input .npy, [B, C, H, W]", "second input .npy, [B, C, H, W]"});
    add_op_command(
        op, {"correlation", {"input1", "input2"}, flownet_correlation_params(), run_flownet_correlation},
        "FlowNet's correlation layer (flownet2-pytorch) on .npy inputs",
        {"first input .npy, [N, C, H, W]", "second input .npy, [N, C, H, W]"});
    add_op_command(op, {"corr_lookup", {"fmap1", "fmap2", "coords"}, corr_lookup_params(), run_corr_lookup},
                   "RAFT's correlation pyramid lookup (AlternateCorrBlock) on .npy inputs",
                   {"feature map 1 .npy, [B, C, H, W]", "feature map 2 .npy, [B, C, H, W]",
                    "coordinates .npy, [B, 2, H, W] holding (x, y) in pixels"});
}

}  // namespace tilesim::cli
