#include "ops/correlation/correlation.hpp"

#include "ops/common/channel_layout.hpp"
#include "ops/correlation/correlation_cuda.hpp"
#include "ops/correlation/flownet_correlation_device.hpp"
#include "ops/correlation/corr_lookup_device.hpp"
#include "ops/correlation/spatial_correlation_device.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
// A ROW_MAJOR Float32 [N, C, H, W] tensor with its NCHW shape: the caller's tensor itself when it is
// float32 (no copy of what may be megabytes), else a converted or rounded copy.
struct NchwInput {
    const Tensor* source = nullptr;
    Tensor converted;  // used when not empty
    NchwShape shape;
    const Tensor& tensor() const { return converted.shape().rank() ? converted : *source; }
    NchwView view() const { return {tensor().data<float>(), shape}; }
};

NchwInput nchw_input(const char* op, const char* name, const Tensor& t) {
    if (t.layout() != Layout::ROW_MAJOR) fail("{}: {} must be ROW_MAJOR, got {}", op, name, t.layout());
    const Shape& s = t.shape();
    if (s.rank() != 4) fail("{}: {} must be [N, C, H, W], got {}", op, name, s);
    NchwInput in{&t,
                 t.dtype() == DataType::Float32 ? Tensor() : t.to_dtype(DataType::Float32),
                 {s[0], s[1], s[2], s[3]}};
    return in;
}

void check_run_args(const char* op, const CorrelationRunArgs& a) {
    const bool sim = a.backend == Backend::Sim;
    if (a.dtype != DataType::Float32 && a.dtype != DataType::BFloat16 && a.dtype != DataType::Float16) {
        fail("{}: dtype must be {}, got {}", op, sim ? "float32 or bfloat16" : "float32, bfloat16 or float16",
             a.dtype);
    }
    if (sim && a.dtype == DataType::Float16) {
        fail(
            "{}: dtype float16 is not a device data type (tt-metal has none); use float32 or bfloat16 on "
            "backend 'sim', or backend cpu | cuda for float16",
            op);
    }
    if (!sim && (a.core_grid.x || a.core_grid.y || a.buffering_factor != 2)) {
        // Device-layout options have no meaning for a reference; refusing them avoids silent surprises.
        fail("{}: core grid and buffering factor apply to backend 'sim' only (backend is '{}')", op,
             to_string(a.backend));
    }
}

CorrelationDeviceOptions device_options(const CorrelationRunArgs& a) {
    return {a.dtype, a.core_grid, a.buffering_factor, std::nullopt};
}

// A Float32 tensor's values rounded to `dtype` (bfloat16 or float16) and kept as Float32: what a bf16 or
// half tensor looks like to an fp32 reference. The original packages accumulate half inputs in fp32.
Tensor rounded_to(const Tensor& t, DataType dtype) {
    return dtype == DataType::Float32 ? t : t.to_dtype(dtype).to_dtype(DataType::Float32);
}

void round_inputs(const CorrelationRunArgs& a, std::initializer_list<NchwInput*> inputs) {
    if (a.dtype == DataType::Float32) return;
    for (NchwInput* in : inputs) in->converted = rounded_to(in->tensor(), a.dtype);
}

CorrelationResult reference_result(const CorrelationRunArgs& a, CorrelationArray out) {
    std::vector<uint32_t> dims(out.shape.begin(), out.shape.end());
    Tensor t = Tensor::from_floats(Shape(dims), out.data);
    if (a.dtype != DataType::Float32) t = rounded_to(t, a.dtype);
    return {std::move(t), std::nullopt, std::nullopt};
}

CorrelationResult device_result(CorrelationDeviceResult r) {
    return {std::move(r.output), std::move(r.report), std::move(r.info)};
}
}  // namespace

CorrelationResult spatial_correlation(const Tensor& input1, const Tensor& input2,
                                      const SpatialCorrelationParams& p, const CorrelationRunArgs& a) {
    constexpr const char* kOp = "spatial_correlation";
    check_run_args(kOp, a);
    NchwInput in1 = nchw_input(kOp, "input1", input1), in2 = nchw_input(kOp, "input2", input2);
    validate(p, in1.shape, in2.shape);
    if (a.backend == Backend::Sim) {
        Device device(load_device(a.device));
        return device_result(spatial_correlation_device(
            device, nchw_to_nhwc(in1.tensor()), nchw_to_nhwc(in2.tensor()), p, device_options(a), a.run));
    }
    round_inputs(a, {&in1, &in2});
    if (a.backend == Backend::Cpu) {  // written straight into the result: no copy of a many-MB output
        const auto shape = spatial_correlation_output_shape(p, in1.shape);
        Tensor out = Tensor::uninitialized(Shape(std::vector<uint32_t>(shape.begin(), shape.end())),
                                           DataType::Float32);
        spatial_correlation_forward_cpu(in1.view(), in2.view(), p, out.data<float>());
        if (a.dtype != DataType::Float32) out = rounded_to(out, a.dtype);
        return {std::move(out), std::nullopt, std::nullopt};
    }
    return reference_result(a, spatial_correlation_forward_cuda(in1.view(), in2.view(), p));
}

Tensor flatten_spatial_correlation(const Tensor& output) {
    const Shape& s = output.shape();
    if (s.rank() != 5)
        fail("flatten_spatial_correlation: expected a [B, patchH, patchW, oH, oW] output, got {}", s);
    return output.reshape(Shape{s[0], s[1] * s[2], s[3], s[4]});
}

CorrelationResult flownet_correlation(const Tensor& input1, const Tensor& input2,
                                      const FlowNetCorrelationParams& p, const CorrelationRunArgs& a) {
    constexpr const char* kOp = "flownet_correlation";
    check_run_args(kOp, a);
    NchwInput in1 = nchw_input(kOp, "input1", input1), in2 = nchw_input(kOp, "input2", input2);
    validate(p, in1.shape, in2.shape);
    if (a.backend == Backend::Sim) {
        Device device(load_device(a.device));
        return device_result(flownet_correlation_device(
            device, nchw_to_nhwc(in1.tensor()), nchw_to_nhwc(in2.tensor()), p, device_options(a), a.run));
    }
    round_inputs(a, {&in1, &in2});
    return reference_result(a, a.backend == Backend::Cpu
                                   ? flownet_correlation_forward_cpu(in1.view(), in2.view(), p)
                                   : flownet_correlation_forward_cuda(in1.view(), in2.view(), p));
}

CorrelationResult corr_lookup(const Tensor& fmap1, const Tensor& fmap2, const Tensor& coords, int num_levels,
                              int radius, const CorrelationRunArgs& a) {
    constexpr const char* kOp = "corr_lookup";
    check_run_args(kOp, a);
    NchwInput f1 = nchw_input(kOp, "fmap1", fmap1), f2 = nchw_input(kOp, "fmap2", fmap2);
    const NchwInput xy = nchw_input(kOp, "coords", coords);
    validate_corr_lookup(f1.view(), f2.view(), xy.view(), num_levels, radius);
    if (a.backend == Backend::Sim) {
        Device device(load_device(a.device));
        return device_result(corr_lookup_device(device, nchw_to_nhwc(f1.tensor()), nchw_to_nhwc(f2.tensor()),
                                                nchw_to_nhwc(xy.tensor()), num_levels, radius,
                                                device_options(a), a.run));
    }
    round_inputs(a, {&f1, &f2});  // coords stay float32, as on the device
    return reference_result(
        a, a.backend == Backend::Cpu
               ? corr_lookup_alternate_cpu(f1.view(), f2.view(), xy.view(), num_levels, radius)
               : corr_lookup_alternate_cuda(f1.view(), f2.view(), xy.view(), num_levels, radius));
}

SpatialCorrelationParams spatial_correlation_preset(std::string_view name) {
    if (name == "flownetc") return spatial_correlation_flownetc_preset();
    if (name == "tracker9x9") return spatial_correlation_tracker_9x9_preset();
    if (name == "pwcnet") return spatial_correlation_pwcnet_preset();
    fail("spatial_correlation: preset must be one of flownetc, tracker9x9, pwcnet; got '{}'", name);
}

FlowNetCorrelationParams flownet_correlation_preset(std::string_view name) {
    if (name == "flownetc")
        return {/*pad_size=*/20, /*kernel_size=*/1, /*max_displacement=*/20,
                /*stride1=*/1,   /*stride2=*/2,     true};
    fail("flownet_correlation: preset must be flownetc; got '{}'", name);
}

CorrLookupPreset corr_lookup_preset() {
    return {};
}

}  // namespace tilesim::ops
