#include "ops/correlation/correlation.hpp"

#include "ops/correlation/correlation_cuda.hpp"
#include "ops/correlation/flownet_correlation_device.hpp"
#include "ops/correlation/corr_lookup_device.hpp"
#include "ops/correlation/spatial_correlation_device.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
// The NCHW shape and view of a rank-4 input; throws naming `op` and `name` otherwise.
NchwView nchw_view(const char* op, const char* name, const FloatInput& in) {
    if (in.rank() != 4) fail("{}: {} must be [N, C, H, W], got {}", op, name, shape_str(in.shape()));
    return {in.values(), {in.dim(0), in.dim(1), in.dim(2), in.dim(3)}};
}

void check_options(const char* op, const DeviceRunOptions& o) {
    check_dtype(op, o, {DataType::Float32, DataType::BFloat16, DataType::Float16});
    if (o.backend != Backend::Sim && (o.core_grid.x || o.core_grid.y || o.buffering_factor != 2)) {
        // Device-layout options have no meaning for a reference; refusing them avoids silent surprises.
        fail("{}: core grid and buffering factor apply to backend 'sim' only (backend is '{}')", op,
             to_string(o.backend));
    }
}

CorrelationResult reference_result(const DeviceRunOptions& o, const CorrelationArray& out) {
    CorrelationResult r;
    r.output = reference_output(out.shape, out.data);
    round_output(r.output, o.dtype);
    return r;
}

CorrelationResult device_result(CorrelationDeviceResult r) {
    return {std::move(r.output), std::move(r.report), std::move(r.info)};
}
}  // namespace

CorrelationResult spatial_correlation(const FloatInput& input1, const FloatInput& input2,
                                      const SpatialCorrelationParams& p, const DeviceRunOptions& o) {
    constexpr const char* kOp = "spatial_correlation";
    check_options(kOp, o);
    const NchwShape shape1 = nchw_view(kOp, "input1", input1).shape;
    validate(p, shape1, nchw_view(kOp, "input2", input2).shape);
    if (o.backend == Backend::Sim) {
        return device_result(spatial_correlation_device(run_device(o), input1.to_nhwc_tensor(kOp, "input1"),
                                                        input2.to_nhwc_tensor(kOp, "input2"), p, o, o.run));
    }
    const FloatInput in1 = input1.rounded_to(o.dtype), in2 = input2.rounded_to(o.dtype);
    const NchwView a = nchw_view(kOp, "input1", in1), b = nchw_view(kOp, "input2", in2);
    if (o.backend == Backend::Cpu) {  // written straight into the result: no copy of a many-MB output
        CorrelationResult r;
        r.output = reference_output(spatial_correlation_output_shape(p, a.shape));
        spatial_correlation_forward_cpu(a, b, p, r.output.data<float>());
        round_output(r.output, o.dtype);
        return r;
    }
    return reference_result(o, spatial_correlation_forward_cuda(a, b, p));
}

Tensor flatten_spatial_correlation(const Tensor& output) {
    const Shape& s = output.shape();
    if (s.rank() != 5)
        fail("flatten_spatial_correlation: expected a [B, patchH, patchW, oH, oW] output, got {}", s.str());
    return output.reshape(Shape{s[0], s[1] * s[2], s[3], s[4]});
}

CorrelationResult flownet_correlation(const FloatInput& input1, const FloatInput& input2,
                                      const FlowNetCorrelationParams& p, const DeviceRunOptions& o) {
    constexpr const char* kOp = "flownet_correlation";
    check_options(kOp, o);
    const NchwShape shape1 = nchw_view(kOp, "input1", input1).shape;
    validate(p, shape1, nchw_view(kOp, "input2", input2).shape);
    if (o.backend == Backend::Sim) {
        return device_result(flownet_correlation_device(run_device(o), input1.to_nhwc_tensor(kOp, "input1"),
                                                        input2.to_nhwc_tensor(kOp, "input2"), p, o, o.run));
    }
    const FloatInput in1 = input1.rounded_to(o.dtype), in2 = input2.rounded_to(o.dtype);
    const NchwView a = nchw_view(kOp, "input1", in1), b = nchw_view(kOp, "input2", in2);
    return reference_result(o, o.backend == Backend::Cpu ? flownet_correlation_forward_cpu(a, b, p)
                                                         : flownet_correlation_forward_cuda(a, b, p));
}

CorrelationResult corr_lookup(const FloatInput& fmap1, const FloatInput& fmap2, const FloatInput& coords,
                              int num_levels, int radius, const DeviceRunOptions& o) {
    constexpr const char* kOp = "corr_lookup";
    check_options(kOp, o);
    const NchwView f1_view = nchw_view(kOp, "fmap1", fmap1), f2_view = nchw_view(kOp, "fmap2", fmap2);
    const NchwView xy = nchw_view(kOp, "coords", coords);
    validate_corr_lookup(f1_view, f2_view, xy, num_levels, radius);
    if (o.backend == Backend::Sim) {
        return device_result(corr_lookup_device(
            run_device(o), fmap1.to_nhwc_tensor(kOp, "fmap1"), fmap2.to_nhwc_tensor(kOp, "fmap2"),
            coords.to_nhwc_tensor(kOp, "coords"), num_levels, radius, o, o.run));
    }
    // coords stay float32, as on the device
    const FloatInput f1 = fmap1.rounded_to(o.dtype), f2 = fmap2.rounded_to(o.dtype);
    const NchwView a = nchw_view(kOp, "fmap1", f1), b = nchw_view(kOp, "fmap2", f2);
    return reference_result(o, o.backend == Backend::Cpu
                                   ? corr_lookup_alternate_cpu(a, b, xy, num_levels, radius)
                                   : corr_lookup_alternate_cuda(a, b, xy, num_levels, radius));
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
