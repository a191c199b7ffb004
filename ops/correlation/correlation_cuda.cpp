// Host side of the spatial correlation sampler's and FlowNet correlation's CUDA references: the CPU
// references' validation, the engine geometry, copies to and from the GPU, and, in a build without the CUDA
// toolkit, the launcher stubs (kernels in correlation_cuda.cu).
#include "ops/common/cuda_device.hpp"
#include "ops/correlation/correlation_launch_cuda.hpp"
#include "ops/correlation/flownet_correlation_cuda.hpp"
#include "ops/correlation/spatial_correlation_cuda.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kSpatial = "spatial_correlation";
constexpr const char* kFlowNet = "flownet_correlation";

int64_t volume(std::span<const int64_t> shape) {
    int64_t v = 1;
    for (int64_t d : shape) v *= d;
    return v;
}

void check_inputs(const char* op, const NchwView& input1, const NchwView& input2) {
    detail::check_view(op, "input1", input1);
    detail::check_view(op, "input2", input2);
}

void check_grad_output(const char* op, std::span<const float> grad_output, std::span<const int64_t> shape) {
    if (static_cast<int64_t>(grad_output.size()) != volume(shape)) {
        fail("{}: grad_output must have {} values (output shape {}), got {}", op, volume(shape),
             detail::shape_str(shape), grad_output.size());
    }
}

CorrelationArray run_forward(const char* op, const NchwView& input1, const NchwView& input2,
                             std::span<const int64_t> shape, const detail::CorrelationGeometry& g) {
    require_cuda_device(op);
    CorrelationArray out{{shape.begin(), shape.end()},
                         std::vector<float>(static_cast<size_t>(volume(shape)))};
    const CudaBuffer a = to_cuda(input1.data), b = to_cuda(input2.data), o(out.data.size() * sizeof(float));
    launch_correlation_forward_cuda(a.floats(), b.floats(), o.floats(), g);
    copy_to_host(o, out.data);
    return out;
}

CorrelationGrads run_backward(const char* op, std::span<const float> grad_output, const NchwView& input1,
                              const NchwView& input2, const detail::CorrelationGeometry& g) {
    require_cuda_device(op);
    CorrelationGrads grads{std::vector<float>(input1.data.size()), std::vector<float>(input2.data.size())};
    const CudaBuffer go = to_cuda(grad_output), a = to_cuda(input1.data), b = to_cuda(input2.data);
    const CudaBuffer ga(a.bytes()), gb(b.bytes());
    launch_correlation_backward_cuda(go.floats(), a.floats(), b.floats(), ga.floats(), gb.floats(), g);
    copy_to_host(ga, grads.grad_input1);
    copy_to_host(gb, grads.grad_input2);
    return grads;
}

}  // namespace

detail::CorrelationGeometry spatial_correlation_cuda_geometry(const SpatialCorrelationParams& p,
                                                              const NchwShape& s) {
    return spatial_correlation_geometry(p, s);  // the CPU reference's own geometry
}

detail::CorrelationGeometry flownet_correlation_cuda_geometry(const FlowNetCorrelationParams& p,
                                                              const NchwShape& s) {
    return flownet_correlation_geometry(p, s);  // the CPU reference's own geometry
}

CorrelationArray spatial_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                                  const SpatialCorrelationParams& p) {
    check_inputs(kSpatial, input1, input2);
    validate(p, input1.shape, input2.shape);
    const auto shape = spatial_correlation_output_shape(p, input1.shape);
    return run_forward(kSpatial, input1, input2, shape, spatial_correlation_cuda_geometry(p, input1.shape));
}

CorrelationGrads spatial_correlation_backward_cuda(std::span<const float> grad_output, const NchwView& input1,
                                                   const NchwView& input2,
                                                   const SpatialCorrelationParams& p) {
    check_inputs(kSpatial, input1, input2);
    validate(p, input1.shape, input2.shape);
    check_grad_output(kSpatial, grad_output, spatial_correlation_output_shape(p, input1.shape));
    return run_backward(kSpatial, grad_output, input1, input2,
                        spatial_correlation_cuda_geometry(p, input1.shape));
}

CorrelationArray flownet_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                                  const FlowNetCorrelationParams& p) {
    check_inputs(kFlowNet, input1, input2);
    validate(p, input1.shape, input2.shape);
    const auto shape = flownet_correlation_output_shape(p, input1.shape);
    return run_forward(kFlowNet, input1, input2, shape, flownet_correlation_cuda_geometry(p, input1.shape));
}

CorrelationGrads flownet_correlation_backward_cuda(std::span<const float> grad_output, const NchwView& input1,
                                                   const NchwView& input2,
                                                   const FlowNetCorrelationParams& p) {
    check_inputs(kFlowNet, input1, input2);
    validate(p, input1.shape, input2.shape);
    check_grad_output(kFlowNet, grad_output, flownet_correlation_output_shape(p, input1.shape));
    return run_backward(kFlowNet, grad_output, input1, input2,
                        flownet_correlation_cuda_geometry(p, input1.shape));
}

#ifndef TILESIM_HAVE_CUDA
void launch_correlation_forward_cuda(const float*, const float*, float*, const detail::CorrelationGeometry&) {
    throw_cuda_backend_unavailable("correlation");
}
void launch_correlation_backward_cuda(const float*, const float*, const float*, float*, float*,
                                      const detail::CorrelationGeometry&) {
    throw_cuda_backend_unavailable("correlation");
}
#endif

}  // namespace tilesim::ops
