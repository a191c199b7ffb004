#include "ops/fused_grid_ops/fused_grid_ops.hpp"

#include "ops/fused_grid_ops/fused_grid_ops_cuda.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
FusedGridOpsResult from_device_result(FusedGridDeviceResult r) {
    FusedGridOpsResult result;
    result.output = std::move(r.output);
    result.report = std::move(r.report);
    result.program = std::move(r.info);
    return result;
}

FusedGridOpsResult from_reference(const HostArray<float>& out, DataType dtype) {
    FusedGridOpsResult result;
    result.output = reference_output(out);
    round_output(result.output, dtype);
    return result;
}
}  // namespace

FusedGridOpsResult sample_sum(const FloatInput& images_arg, const FloatInput& samples,
                              const FloatInput& weights, const DeviceRunOptions& o) {
    constexpr const char* kOp = "sample_sum";
    check_dtype(kOp, o, {DataType::Float32, DataType::BFloat16});
    if (o.backend == Backend::Sim) {
        return from_device_result(sample_sum_device(
            run_device(o), images_arg.to_nhwc_tensor("sample_sum (sim)", "images", "[b, c, h, w]"),
            samples.to_tensor(kOp, "samples"), weights.to_tensor(kOp, "weights"), o, o.run));
    }
    const FloatInput images = images_arg.rounded_to(o.dtype);
    return from_reference(o.backend == Backend::Cpu ? sample_sum_forward_cpu(images, samples, weights)
                                                    : sample_sum_forward_cuda(images, samples, weights),
                          o.dtype);
}

FusedGridOpsResult sample_dot(const FloatInput& images_arg, const FloatInput& samples,
                              const FloatInput& queries_arg, const FloatInput& depths, int64_t num_octaves,
                              const DeviceRunOptions& o) {
    constexpr const char* kOp = "sample_dot";
    check_dtype(kOp, o, {DataType::Float32, DataType::BFloat16});
    if (o.backend == Backend::Sim) {
        return from_device_result(sample_dot_device(
            run_device(o), images_arg.to_nhwc_tensor("sample_dot (sim)", "images", "[b, c, h, w]"),
            samples.to_tensor(kOp, "samples"), queries_arg.to_tensor(kOp, "queries"),
            depths.to_tensor(kOp, "depths"), num_octaves, o, o.run));
    }
    const FloatInput images = images_arg.rounded_to(o.dtype), queries = queries_arg.rounded_to(o.dtype);
    return from_reference(o.backend == Backend::Cpu
                              ? sample_dot_forward_cpu(images, samples, queries, depths, num_octaves)
                              : sample_dot_forward_cuda(images, samples, queries, depths, num_octaves),
                          o.dtype);
}

}  // namespace tilesim::ops
