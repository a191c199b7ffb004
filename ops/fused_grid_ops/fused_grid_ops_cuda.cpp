// Host side of the sample_sum / sample_dot CUDA references: the CPU references' validation (same
// messages), copies to and from the GPU, and, in a build without the CUDA toolkit, the launcher stubs
// (kernels in sample_sum_cuda.cu and sample_dot_cuda.cu).
#include "ops/fused_grid_ops/fused_grid_ops_cuda.hpp"

#include "ops/common/cuda_device.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_launch_cuda.hpp"
#include "ops/fused_grid_ops/detail/grid_sampling.hpp"

namespace tilesim::ops {
namespace {

// The checks of validate_sample_sum / validate_sample_dot in the CPU references (file-local there).
FusedGridCudaDims validate_sample_sum(std::string_view op, const ArrayView<float>& images,
                                      const ArrayView<float>& samples, const ArrayView<float>& weights) {
    const detail::GridDims g = detail::validate_images_and_samples(op, images, samples);
    check_rank(op, "weights", weights, 4, "[b, hd, q, d]");
    check_shape(op, "weights", weights, {g.batch, weights.shape[1], g.queries, g.depth},
                "[b (from images), hd, q, d (from samples)]");
    return {g.batch, g.channels, g.height, g.width, g.queries, g.depth, weights.shape[1], 0};
}

FusedGridCudaDims validate_sample_dot(std::string_view op, const ArrayView<float>& images,
                                      const ArrayView<float>& samples, const ArrayView<float>& queries,
                                      const ArrayView<float>& depths, int64_t octaves) {
    const detail::GridDims g = detail::validate_images_and_samples(op, images, samples);
    if (octaves < 0 || 2 * octaves > g.channels) {
        fail("{}: num_octaves = {} must be in [0, c / 2] with c = {} (images' channels)", op, octaves,
             g.channels);
    }
    check_rank(op, "queries", queries, 4, "[b, hd, q, c - 2 * num_octaves]");
    check_shape(op, "queries", queries, {g.batch, queries.shape[1], g.queries, g.channels - 2 * octaves},
                "[b (from images), hd, q (from samples), c - 2 * num_octaves]");
    check_shape(op, "depths", depths, {g.batch, g.queries, g.depth}, "[b, q, d] (from samples)");
    return {g.batch, g.channels, g.height, g.width, g.queries, g.depth, queries.shape[1], octaves};
}

// A zero-filled host array of `shape` and a device buffer of the same size.
struct Output {
    HostArray<float> host;
    CudaBuffer device;
    explicit Output(std::vector<int64_t> shape)
        : host(std::move(shape)), device(host.data.size() * sizeof(float)) {}
    void fetch() { copy_to_host(device, host.data); }
};

}  // namespace

HostArray<float> sample_sum_forward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                         const ArrayView<float>& weights) {
    const FusedGridCudaDims d = validate_sample_sum("sample_sum", images, samples, weights);
    require_cuda_device("sample_sum");
    const CudaBuffer im = to_cuda(images.data), sa = to_cuda(samples.data), we = to_cuda(weights.data);
    Output out({d.batch, d.heads, d.queries, d.channels});
    launch_sample_sum_forward_cuda(im.floats(), sa.floats(), we.floats(), out.device.floats(), d);
    out.fetch();
    return std::move(out.host);
}

SampleSumGrads sample_sum_backward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& weights,
                                        const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "sample_sum_backward";
    const FusedGridCudaDims d = validate_sample_sum(op, images, samples, weights);
    check_shape(op, "grad_output", grad_output, {d.batch, d.heads, d.queries, d.channels}, "[b, hd, q, c]");
    require_cuda_device("sample_sum");
    const CudaBuffer im = to_cuda(images.data), sa = to_cuda(samples.data), we = to_cuda(weights.data),
                     go = to_cuda(grad_output.data);
    Output gi(images.shape), gs(samples.shape), gw(weights.shape);
    launch_sample_sum_backward_cuda(im.floats(), sa.floats(), we.floats(), go.floats(), gi.device.floats(),
                                    gs.device.floats(), gw.device.floats(), d);
    gi.fetch();
    gs.fetch();
    gw.fetch();
    return {std::move(gi.host), std::move(gs.host), std::move(gw.host)};
}

HostArray<float> sample_dot_forward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                         const ArrayView<float>& queries, const ArrayView<float>& depths,
                                         int64_t num_octaves) {
    const FusedGridCudaDims d =
        validate_sample_dot("sample_dot", images, samples, queries, depths, num_octaves);
    require_cuda_device("sample_dot");
    const CudaBuffer im = to_cuda(images.data), sa = to_cuda(samples.data), qu = to_cuda(queries.data),
                     de = to_cuda(depths.data);
    Output out({d.batch, d.heads, d.queries, d.depth});
    launch_sample_dot_forward_cuda(im.floats(), sa.floats(), qu.floats(), de.floats(), out.device.floats(),
                                   d);
    out.fetch();
    return std::move(out.host);
}

SampleDotGrads sample_dot_backward_cuda(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& queries, const ArrayView<float>& depths,
                                        int64_t num_octaves, const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "sample_dot_backward";
    const FusedGridCudaDims d = validate_sample_dot(op, images, samples, queries, depths, num_octaves);
    check_shape(op, "grad_output", grad_output, {d.batch, d.heads, d.queries, d.depth}, "[b, hd, q, d]");
    require_cuda_device("sample_dot");
    const CudaBuffer im = to_cuda(images.data), sa = to_cuda(samples.data), qu = to_cuda(queries.data),
                     de = to_cuda(depths.data), go = to_cuda(grad_output.data);
    Output gi(images.shape), gs(samples.shape), gq(queries.shape), gd(depths.shape);
    launch_sample_dot_backward_cuda(im.floats(), sa.floats(), qu.floats(), de.floats(), go.floats(),
                                    gi.device.floats(), gs.device.floats(), gq.device.floats(),
                                    gd.device.floats(), d);
    gi.fetch();
    gs.fetch();
    gq.fetch();
    gd.fetch();
    return {std::move(gi.host), std::move(gs.host), std::move(gq.host), std::move(gd.host)};
}

#ifndef TILESIM_HAVE_CUDA
void launch_sample_sum_forward_cuda(const float*, const float*, const float*, float*,
                                    const FusedGridCudaDims&) {
    throw_cuda_backend_unavailable("sample_sum");
}
void launch_sample_sum_backward_cuda(const float*, const float*, const float*, const float*, float*, float*,
                                     float*, const FusedGridCudaDims&) {
    throw_cuda_backend_unavailable("sample_sum");
}
void launch_sample_dot_forward_cuda(const float*, const float*, const float*, const float*, float*,
                                    const FusedGridCudaDims&) {
    throw_cuda_backend_unavailable("sample_dot");
}
void launch_sample_dot_backward_cuda(const float*, const float*, const float*, const float*, const float*,
                                     float*, float*, float*, float*, const FusedGridCudaDims&) {
    throw_cuda_backend_unavailable("sample_dot");
}
#endif

}  // namespace tilesim::ops
