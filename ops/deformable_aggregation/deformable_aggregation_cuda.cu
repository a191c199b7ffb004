// Deformable aggregation's CUDA reference kernels. The forward and the feature-gradient scatter run one
// thread per (b, anchor, channel), so a warp reads contiguous channels of each tap (mc_ms_feat is
// channels-last); the location and weight gradients run one thread per sample. The sampling rule
// (skip unless loc is in (0, 1), taps at loc * size - 0.5) is SparseDrive's, as in the CPU reference.
#include "kernels/deformable_aggregation/deformable_taps.hpp"
#include "ops/common/cuda_bilinear.cuh"
#include "ops/common/cuda_check.cuh"
#include "ops/deformable_aggregation/deformable_aggregation_launch_cuda.hpp"

namespace tilesim::ops {
namespace {

using Dims = DeformableAggregationCudaDims;

using Map = detail::FeatureMapGeometry;

__device__ __forceinline__ Map map_of(const int32_t* spatial_shape, const int32_t* scale_start_index,
                                      const Dims& d, int64_t cam, int64_t scale) {
    const int64_t i = cam * d.num_scale + scale;
    return {spatial_shape[2 * i], spatial_shape[2 * i + 1], scale_start_index[i]};
}

// SparseDrive's sampling rule, the CPU reference's own (kernels/deformable_aggregation/deformable_taps.hpp).
__device__ __forceinline__ bool location_is_sampled(const float* xy) {
    return detail::location_is_sampled(xy[0], xy[1]);
}
__device__ __forceinline__ PixelTaps deformable_taps(const float* xy, const Map& m) {
    return detail::deformable_taps(xy[0], xy[1], m);
}

// Sample s = (row * num_pts + pt) * num_cams + cam with row = b * num_anchor + a: its location is
// sampling_location[2 s], its weights start at weights[s * num_scale * num_groups].

__global__ void forward_kernel(const float* __restrict__ feat, const int32_t* __restrict__ spatial_shape,
                               const int32_t* __restrict__ scale_start_index, const float* __restrict__ loc,
                               const float* __restrict__ weights, float* __restrict__ output, Dims d) {
    const int64_t group_size = d.channels / d.num_groups;
    TILESIM_CUDA_FOR(i, d.bs * d.num_anchor * d.channels) {
        const int64_t row = i / d.channels, c = i % d.channels, g = c / group_size;
        const float* feat_c = feat + (row / d.num_anchor) * d.num_feat * d.channels + c;
        float acc = 0.f;
        for (int64_t s = row * d.num_pts * d.num_cams; s < (row + 1) * d.num_pts * d.num_cams; ++s) {
            const float* xy = loc + 2 * s;
            if (!location_is_sampled(xy)) continue;
            const int64_t cam = s % d.num_cams;
            for (int64_t sc = 0; sc < d.num_scale; ++sc) {
                const Map m = map_of(spatial_shape, scale_start_index, d, cam, sc);
                const cuda::PixelTaps t = deformable_taps(xy, m);
                const float value = cuda::tap_sum(t, feat_c + m.start * d.channels, d.channels);
                acc += weights[(s * d.num_scale + sc) * d.num_groups + g] * value;
            }
        }
        output[i] = acc;
    }
}

// One thread per sample: with e[i][g] = Σ_{c in g} grad[c] * tap_i[c], grad_weight[g] = Σ_i w_i e[i][g],
// and d loc_x = W * Σ_i dw_i/dx Σ_g weight[g] e[i][g] per scale (same for y with H), summed over the
// scales in order: the CPU reference's sample_grads.
__global__ void location_and_weight_grads_kernel(
    const float* __restrict__ feat, const int32_t* __restrict__ spatial_shape,
    const int32_t* __restrict__ scale_start_index, const float* __restrict__ loc,
    const float* __restrict__ weights, const float* __restrict__ grad_output, float* __restrict__ grad_loc,
    float* __restrict__ grad_weights, Dims d) {
    const int64_t group_size = d.channels / d.num_groups;
    TILESIM_CUDA_FOR(s, d.bs * d.num_anchor * d.num_pts * d.num_cams) {
        const float* xy = loc + 2 * s;
        float* gw_out = grad_weights + s * d.num_scale * d.num_groups;
        if (!location_is_sampled(xy)) {  // skipped samples keep zero gradients, as in SparseDrive
            grad_loc[2 * s] = grad_loc[2 * s + 1] = 0.f;
            for (int64_t k = 0; k < d.num_scale * d.num_groups; ++k) gw_out[k] = 0.f;
            continue;
        }
        const int64_t row = s / (d.num_pts * d.num_cams), cam = s % d.num_cams;
        const float* feat_b = feat + (row / d.num_anchor) * d.num_feat * d.channels;
        const float* grad_row = grad_output + row * d.channels;
        float gx = 0.f, gy = 0.f;
        for (int64_t sc = 0; sc < d.num_scale; ++sc) {
            const Map m = map_of(spatial_shape, scale_start_index, d, cam, sc);
            const cuda::PixelTaps t = deformable_taps(xy, m);
            const float* w_in = weights + (s * d.num_scale + sc) * d.num_groups;
            float di[4] = {0.f, 0.f, 0.f, 0.f};
            for (int64_t g = 0; g < d.num_groups; ++g) {
                float e[4] = {0.f, 0.f, 0.f, 0.f};
                for (int64_t c = g * group_size; c < (g + 1) * group_size; ++c) {
                    for (int i = 0; i < 4; ++i) {
                        if (t.pixel[i] >= 0)
                            e[i] += grad_row[c] * feat_b[(m.start + t.pixel[i]) * d.channels + c];
                    }
                }
                float v = 0.f;
                for (int i = 0; i < 4; ++i) {
                    v += t.weight[i] * e[i];
                    di[i] += w_in[g] * e[i];
                }
                gw_out[sc * d.num_groups + g] = v;
            }
            float dvx = 0.f, dvy = 0.f;
            for (int i = 0; i < 4; ++i) {
                dvx += t.dweight_dx[i] * di[i];
                dvy += t.dweight_dy[i] * di[i];
            }
            gx += static_cast<float>(m.width) * dvx;
            gy += static_cast<float>(m.height) * dvy;
        }
        grad_loc[2 * s] = gx;
        grad_loc[2 * s + 1] = gy;
    }
}

// One thread per (b, anchor, channel): scatters grad * weight * tap weight into each inside tap with
// atomicAdd (SparseDrive does the same), so the rounding of grad_mc_ms_feat depends on the order.
__global__ void feature_grads_kernel(const int32_t* __restrict__ spatial_shape,
                                     const int32_t* __restrict__ scale_start_index,
                                     const float* __restrict__ loc, const float* __restrict__ weights,
                                     const float* __restrict__ grad_output, float* grad_feat, Dims d) {
    const int64_t group_size = d.channels / d.num_groups;
    TILESIM_CUDA_FOR(i, d.bs * d.num_anchor * d.channels) {
        const int64_t row = i / d.channels, c = i % d.channels, g = c / group_size;
        float* grad_c = grad_feat + (row / d.num_anchor) * d.num_feat * d.channels + c;
        const float grad = grad_output[i];
        for (int64_t s = row * d.num_pts * d.num_cams; s < (row + 1) * d.num_pts * d.num_cams; ++s) {
            const float* xy = loc + 2 * s;
            if (!location_is_sampled(xy)) continue;
            const int64_t cam = s % d.num_cams;
            for (int64_t sc = 0; sc < d.num_scale; ++sc) {
                const Map m = map_of(spatial_shape, scale_start_index, d, cam, sc);
                const cuda::PixelTaps t = deformable_taps(xy, m);
                const float v = grad * weights[(s * d.num_scale + sc) * d.num_groups + g];
                for (int k = 0; k < 4; ++k) {
                    if (t.pixel[k] >= 0)
                        atomicAdd(grad_c + (m.start + t.pixel[k]) * d.channels, t.weight[k] * v);
                }
            }
        }
    }
}

}  // namespace

void launch_deformable_aggregation_forward_cuda(const float* mc_ms_feat, const int32_t* spatial_shape,
                                                const int32_t* scale_start_index,
                                                const float* sampling_location, const float* weights,
                                                float* output, const Dims& dims) {
    const int64_t n = dims.bs * dims.num_anchor * dims.channels;
    if (n == 0) return;
    forward_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(mc_ms_feat, spatial_shape, scale_start_index,
                                                              sampling_location, weights, output, dims);
    TILESIM_CUDA_CHECK_LAUNCH();
}

void launch_deformable_aggregation_backward_cuda(const float* mc_ms_feat, const int32_t* spatial_shape,
                                                 const int32_t* scale_start_index,
                                                 const float* sampling_location, const float* weights,
                                                 const float* grad_output, float* grad_mc_ms_feat,
                                                 float* grad_sampling_location, float* grad_weights,
                                                 const Dims& dims) {
    const int64_t feat_count = dims.bs * dims.num_feat * dims.channels;
    if (feat_count > 0) TILESIM_CUDA_CHECK(cudaMemsetAsync(grad_mc_ms_feat, 0, sizeof(float) * feat_count));
    const int64_t samples = dims.bs * dims.num_anchor * dims.num_pts * dims.num_cams;
    if (samples > 0) {
        location_and_weight_grads_kernel<<<cuda::blocks_for(samples), cuda::kBlockSize>>>(
            mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights, grad_output,
            grad_sampling_location, grad_weights, dims);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
    const int64_t outputs = dims.bs * dims.num_anchor * dims.channels;
    if (outputs > 0) {
        feature_grads_kernel<<<cuda::blocks_for(outputs), cuda::kBlockSize>>>(
            spatial_shape, scale_start_index, sampling_location, weights, grad_output, grad_mc_ms_feat, dims);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
}

}  // namespace tilesim::ops
