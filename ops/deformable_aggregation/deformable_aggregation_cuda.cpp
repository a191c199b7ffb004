// Host side of deformable aggregation's CUDA reference: the CPU reference's validation, copies to and
// from the GPU, and, in a build without the CUDA toolkit, the launcher stubs (kernels in
// deformable_aggregation_cuda.cu).
#include "ops/deformable_aggregation/deformable_aggregation_cuda.hpp"

#include "ops/common/cuda_device.hpp"
#include "ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_launch_cuda.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kOp = "deformable_aggregation";

DeformableAggregationCudaDims cuda_dims(const detail::DeformableDims& d) {
    return {d.bs, d.num_feat, d.channels, d.num_cams, d.num_scale, d.num_anchor, d.num_pts, d.num_groups};
}

// The five inputs on the GPU.
struct DeviceInputs {
    CudaBuffer feat, spatial_shape, scale_start_index, loc, weights;
};

DeviceInputs upload(const ArrayView<float>& mc_ms_feat, const ArrayView<int32_t>& spatial_shape,
                    const ArrayView<int32_t>& scale_start_index, const ArrayView<float>& sampling_location,
                    const ArrayView<float>& weights) {
    return {to_cuda(mc_ms_feat.data), to_cuda(spatial_shape.data), to_cuda(scale_start_index.data),
            to_cuda(sampling_location.data), to_cuda(weights.data)};
}

}  // namespace

HostArray<float> deformable_aggregation_forward_cuda(const ArrayView<float>& mc_ms_feat,
                                                     const ArrayView<int32_t>& spatial_shape,
                                                     const ArrayView<int32_t>& scale_start_index,
                                                     const ArrayView<float>& sampling_location,
                                                     const ArrayView<float>& weights) {
    const detail::DeformableDims d = detail::validate_deformable_inputs(
        kOp, mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights);
    require_cuda_device(kOp);
    const DeviceInputs in = upload(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights);
    HostArray<float> out({d.bs, d.num_anchor, d.channels});
    const CudaBuffer d_out(out.data.size() * sizeof(float));
    launch_deformable_aggregation_forward_cuda(
        in.feat.floats(), static_cast<const int32_t*>(in.spatial_shape.get()),
        static_cast<const int32_t*>(in.scale_start_index.get()), in.loc.floats(), in.weights.floats(),
        d_out.floats(), cuda_dims(d));
    copy_to_host(d_out, out.data);
    return out;
}

DeformableAggregationGrads deformable_aggregation_backward_cuda(const ArrayView<float>& mc_ms_feat,
                                                                const ArrayView<int32_t>& spatial_shape,
                                                                const ArrayView<int32_t>& scale_start_index,
                                                                const ArrayView<float>& sampling_location,
                                                                const ArrayView<float>& weights,
                                                                const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "deformable_aggregation_backward";
    const detail::DeformableDims d = detail::validate_deformable_inputs(
        op, mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights);
    check_shape(op, "grad_output", grad_output, {d.bs, d.num_anchor, d.channels}, "[bs, num_anchor, C]");
    require_cuda_device(kOp);
    const DeviceInputs in = upload(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights);
    const CudaBuffer d_grad_out = to_cuda(grad_output.data);
    DeformableAggregationGrads grads{HostArray<float>(mc_ms_feat.shape),
                                     HostArray<float>(sampling_location.shape),
                                     HostArray<float>(weights.shape)};
    const CudaBuffer d_grad_feat(in.feat.bytes()), d_grad_loc(in.loc.bytes()),
        d_grad_weights(in.weights.bytes());
    launch_deformable_aggregation_backward_cuda(
        in.feat.floats(), static_cast<const int32_t*>(in.spatial_shape.get()),
        static_cast<const int32_t*>(in.scale_start_index.get()), in.loc.floats(), in.weights.floats(),
        d_grad_out.floats(), d_grad_feat.floats(), d_grad_loc.floats(), d_grad_weights.floats(),
        cuda_dims(d));
    copy_to_host(d_grad_feat, grads.grad_mc_ms_feat.data);
    copy_to_host(d_grad_loc, grads.grad_sampling_location.data);
    copy_to_host(d_grad_weights, grads.grad_weights.data);
    return grads;
}

#ifndef TILESIM_HAVE_CUDA
void launch_deformable_aggregation_forward_cuda(const float*, const int32_t*, const int32_t*, const float*,
                                                const float*, float*, const DeformableAggregationCudaDims&) {
    throw_cuda_backend_unavailable(kOp);
}
void launch_deformable_aggregation_backward_cuda(const float*, const int32_t*, const int32_t*, const float*,
                                                 const float*, const float*, float*, float*, float*,
                                                 const DeformableAggregationCudaDims&) {
    throw_cuda_backend_unavailable(kOp);
}
#endif

}  // namespace tilesim::ops
