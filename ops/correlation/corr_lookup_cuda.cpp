// Host side of RAFT's correlation CUDA reference: the CPU reference's validation, copies to and from the
// GPU, and, in a build without the CUDA toolkit, the launcher stubs (kernels in corr_lookup_cuda.cu).
#include "ops/correlation/corr_lookup_cuda.hpp"

#include "ops/common/cuda_device.hpp"
#include "ops/correlation/correlation_launch_cuda.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kOp = "corr_lookup";

CorrLookupCudaDims dims_of(const NchwShape& f, int num_levels, int radius) {
    return {f.n, f.c, f.h, f.w, num_levels, radius};
}

CorrelationArray output_array(const NchwShape& f, int num_levels, int radius) {
    const auto shape = corr_lookup_output_shape(f, num_levels, radius);
    return {{shape.begin(), shape.end()},
            std::vector<float>(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3]))};
}

// The pyramid's levels concatenated (the launchers' layout), after checking they have the sizes
// corr_pyramid_cpu / corr_pyramid_cuda give them.
std::vector<float> concatenated_levels(const CorrPyramid& pyramid) {
    const NchwShape f{pyramid.batch, pyramid.channels, pyramid.height, pyramid.width};
    const auto sizes = corr_pyramid_level_sizes(f.h, f.w, pyramid.num_levels());
    std::vector<float> all;
    for (int l = 0; l < pyramid.num_levels(); ++l) {
        const auto [h, w] = sizes[static_cast<size_t>(l)];
        const auto expected = static_cast<size_t>(f.n * f.h * f.w * h * w);
        if (pyramid.level_h[l] != h || pyramid.level_w[l] != w || pyramid.levels[l].size() != expected) {
            fail(
                "{}: pyramid level {} is {}x{} with {} values, expected {}x{} with {} (build it with "
                "corr_pyramid_cpu)",
                kOp, l, pyramid.level_h[l], pyramid.level_w[l], pyramid.levels[l].size(), h, w, expected);
        }
        all.insert(all.end(), pyramid.levels[l].begin(), pyramid.levels[l].end());
    }
    return all;
}

}  // namespace

CorrPyramid corr_pyramid_cuda(const NchwView& fmap1, const NchwView& fmap2, int num_levels) {
    detail::check_view(kOp, "fmap1", fmap1);
    detail::check_view(kOp, "fmap2", fmap2);
    detail::check_same_shape(kOp, "fmap1", fmap1.shape, "fmap2", fmap2.shape);
    const NchwShape& f = fmap1.shape;
    const auto sizes = corr_pyramid_level_sizes(f.h, f.w, num_levels);
    require_cuda_device(kOp);
    const CorrLookupCudaDims d = dims_of(f, num_levels, 0);
    const CudaBuffer a = to_cuda(fmap1.data), b = to_cuda(fmap2.data);
    const CudaBuffer levels(static_cast<size_t>(corr_pyramid_floats(d)) * sizeof(float));
    launch_corr_pyramid_cuda(a.floats(), b.floats(), levels.floats(), d);
    std::vector<float> all(static_cast<size_t>(corr_pyramid_floats(d)));
    copy_to_host(levels, all);
    CorrPyramid pyramid{f.n, f.c, f.h, f.w, {}, {}, {}};
    auto next = all.begin();
    for (const auto& [h, w] : sizes) {
        const auto count = static_cast<std::ptrdiff_t>(f.n * f.h * f.w * h * w);
        pyramid.levels.emplace_back(next, next + count);
        pyramid.level_h.push_back(h);
        pyramid.level_w.push_back(w);
        next += count;
    }
    return pyramid;
}

CorrelationArray corr_lookup_cuda(const CorrPyramid& pyramid, const NchwView& coords, int radius) {
    const NchwShape f{pyramid.batch, pyramid.channels, pyramid.height, pyramid.width};
    const int L = pyramid.num_levels();
    if (L < 1 || pyramid.level_h.size() != static_cast<size_t>(L) ||
        pyramid.level_w.size() != static_cast<size_t>(L)) {
        fail("{}: pyramid has no levels (build it with corr_pyramid_cpu)", kOp);
    }
    detail::check_view(kOp, "coords", coords);
    if (!(coords.shape == NchwShape{f.n, 2, f.h, f.w})) {
        fail("{}: coords must be [B, 2, H, W] = [{}, 2, {}, {}] (pyramid of {}), got {}", kOp, f.n, f.h, f.w,
             f, coords.shape);
    }
    if (radius < 0) fail("{}: radius must be >= 0, got {}", kOp, radius);
    const std::vector<float> levels = concatenated_levels(pyramid);
    require_cuda_device(kOp);
    CorrelationArray out = output_array(f, L, radius);
    const CudaBuffer p = to_cuda(levels), c = to_cuda(coords.data), o(out.data.size() * sizeof(float));
    launch_corr_lookup_cuda(p.floats(), c.floats(), o.floats(), dims_of(f, L, radius));
    copy_to_host(o, out.data);
    return out;
}

CorrelationArray corr_lookup_alternate_cuda(const NchwView& fmap1, const NchwView& fmap2,
                                            const NchwView& coords, int num_levels, int radius) {
    validate_corr_lookup(fmap1, fmap2, coords, num_levels, radius);
    require_cuda_device(kOp);
    const CorrLookupCudaDims d = dims_of(fmap1.shape, num_levels, radius);
    CorrelationArray out = output_array(fmap1.shape, num_levels, radius);
    const CudaBuffer a = to_cuda(fmap1.data), b = to_cuda(fmap2.data), c = to_cuda(coords.data);
    const CudaBuffer o(out.data.size() * sizeof(float));
    const CudaBuffer workspace(static_cast<size_t>(corr_lookup_workspace_floats(d, false)) * sizeof(float));
    launch_corr_lookup_alternate_cuda(a.floats(), b.floats(), c.floats(), o.floats(), workspace.floats(), d);
    copy_to_host(o, out.data);
    return out;
}

CorrelationGrads corr_lookup_backward_cuda(std::span<const float> grad_output, const NchwView& fmap1,
                                           const NchwView& fmap2, const NchwView& coords, int num_levels,
                                           int radius) {
    validate_corr_lookup(fmap1, fmap2, coords, num_levels, radius);
    const auto shape = corr_lookup_output_shape(fmap1.shape, num_levels, radius);
    const int64_t expected = shape[0] * shape[1] * shape[2] * shape[3];
    if (static_cast<int64_t>(grad_output.size()) != expected) {
        fail("{}: grad_output must have {} values (output shape {}), got {}", kOp, expected,
             detail::shape_str(shape), grad_output.size());
    }
    require_cuda_device(kOp);
    const CorrLookupCudaDims d = dims_of(fmap1.shape, num_levels, radius);
    CorrelationGrads grads{std::vector<float>(fmap1.data.size()), std::vector<float>(fmap2.data.size())};
    const CudaBuffer go = to_cuda(grad_output), a = to_cuda(fmap1.data), b = to_cuda(fmap2.data),
                     c = to_cuda(coords.data);
    const CudaBuffer ga(a.bytes()), gb(b.bytes());
    const CudaBuffer workspace(static_cast<size_t>(corr_lookup_workspace_floats(d, true)) * sizeof(float));
    launch_corr_lookup_backward_cuda(go.floats(), a.floats(), b.floats(), c.floats(), ga.floats(),
                                     gb.floats(), workspace.floats(), d);
    copy_to_host(ga, grads.grad_input1);
    copy_to_host(gb, grads.grad_input2);
    return grads;
}

// Sizes are plain arithmetic (no device needed); the layouts are those corr_lookup_cuda.cu indexes.
int64_t corr_pyramid_floats(const CorrLookupCudaDims& d) {
    int64_t n = 0;
    for (int l = 0; l < d.num_levels; ++l)
        n += d.batch * d.height * d.width * (d.height >> l) * (d.width >> l);
    return n;
}
int64_t corr_lookup_workspace_floats(const CorrLookupCudaDims& d, bool backward) {
    int64_t pooled = 0;
    for (int l = 1; l < d.num_levels; ++l) pooled += d.batch * d.channels * (d.height >> l) * (d.width >> l);
    const int64_t g = 2 * int64_t{d.radius} + 2;
    return backward ? 2 * pooled + d.num_levels * g * g * d.batch * d.height * d.width : pooled;
}

#ifndef TILESIM_HAVE_CUDA
void launch_corr_pyramid_cuda(const float*, const float*, float*, const CorrLookupCudaDims&) {
    throw_cuda_backend_unavailable(kOp);
}
void launch_corr_lookup_cuda(const float*, const float*, float*, const CorrLookupCudaDims&) {
    throw_cuda_backend_unavailable(kOp);
}
void launch_corr_lookup_alternate_cuda(const float*, const float*, const float*, float*, float*,
                                       const CorrLookupCudaDims&) {
    throw_cuda_backend_unavailable(kOp);
}
void launch_corr_lookup_backward_cuda(const float*, const float*, const float*, const float*, float*, float*,
                                      float*, const CorrLookupCudaDims&) {
    throw_cuda_backend_unavailable(kOp);
}
#endif

}  // namespace tilesim::ops
