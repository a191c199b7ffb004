// sample_sum's CUDA reference kernels: grid_sample (bilinear, zeros, align_corners=False) of NCHW images
// fused with a weighted sum over the depth samples. One thread per output or gradient element, summing in
// the CPU reference's order; only grad_images is scattered (atomicAdd).
#include "ops/common/cuda_bilinear.cuh"
#include "ops/common/cuda_check.cuh"
#include "ops/fused_grid_ops/fused_grid_ops_launch_cuda.hpp"

namespace tilesim::ops {
namespace {

using Dims = FusedGridCudaDims;

__device__ __forceinline__ int64_t plane_size(const Dims& d) {
    return d.height * d.width;
}
// Offset of samples[b, q, dd, 0] (halved: of depths[b, q, dd]).
__device__ __forceinline__ int64_t sample_offset(const Dims& d, int64_t b, int64_t q, int64_t dd) {
    return ((b * d.queries + q) * d.depth + dd) * 2;
}
// Offset of [b, hd, q, 0] in a [b, hd, q, n] array.
__device__ __forceinline__ int64_t head_row(const Dims& d, int64_t b, int64_t hd, int64_t q, int64_t n) {
    return ((b * d.heads + hd) * d.queries + q) * n;
}

// out[b, hd, q, c] = Σ_dd weights[b, hd, q, dd] * sample(b, c, q, dd), one thread per element.
__global__ void forward_kernel(const float* __restrict__ images, const float* __restrict__ samples,
                               const float* __restrict__ weights, float* __restrict__ output, Dims d) {
    TILESIM_CUDA_FOR(i, d.batch * d.heads * d.queries * d.channels) {
        const int64_t c = i % d.channels, q = (i / d.channels) % d.queries,
                      hd = (i / (d.channels * d.queries)) % d.heads,
                      b = i / (d.channels * d.queries * d.heads);
        const float* plane = images + (b * d.channels + c) * plane_size(d);
        const float* w = weights + head_row(d, b, hd, q, d.depth);
        float acc = 0.f;
        for (int64_t dd = 0; dd < d.depth; ++dd) {
            const cuda::PixelTaps t =
                cuda::grid_taps(samples + sample_offset(d, b, q, dd), d.height, d.width);
            acc += w[dd] * cuda::tap_sum(t, plane, 1);
        }
        output[i] = acc;
    }
}

// gv = d loss / d sampled value (b, c, q, dd) = Σ_hd weights[b, hd, q, dd] * grad_output[b, hd, q, c].
__device__ __forceinline__ float value_gradient(const float* weights, const float* grad_output, const Dims& d,
                                                int64_t b, int64_t q, int64_t dd, int64_t c) {
    float gv = 0.f;
    for (int64_t hd = 0; hd < d.heads; ++hd) {
        gv +=
            weights[head_row(d, b, hd, q, d.depth) + dd] * grad_output[head_row(d, b, hd, q, d.channels) + c];
    }
    return gv;
}

// grad_weights[b, hd, q, dd] = Σ_c grad_output[b, hd, q, c] * sample(b, c, q, dd).
__global__ void weight_grads_kernel(const float* __restrict__ images, const float* __restrict__ samples,
                                    const float* __restrict__ grad_output, float* __restrict__ grad_weights,
                                    Dims d) {
    TILESIM_CUDA_FOR(i, d.batch * d.heads * d.queries * d.depth) {
        const int64_t dd = i % d.depth, q = (i / d.depth) % d.queries,
                      hd = (i / (d.depth * d.queries)) % d.heads, b = i / (d.depth * d.queries * d.heads);
        const cuda::PixelTaps t = cuda::grid_taps(samples + sample_offset(d, b, q, dd), d.height, d.width);
        const float* go = grad_output + head_row(d, b, hd, q, d.channels);
        float acc = 0.f;
        for (int64_t c = 0; c < d.channels; ++c) {
            acc += go[c] * cuda::tap_sum(t, images + (b * d.channels + c) * plane_size(d), 1);
        }
        grad_weights[i] = acc;
    }
}

// grad_samples[b, q, dd] from tap_grad[i] = Σ_c gv[c] * tap_i[c], one thread per sample.
__global__ void sample_grads_kernel(const float* __restrict__ images, const float* __restrict__ samples,
                                    const float* __restrict__ weights, const float* __restrict__ grad_output,
                                    float* __restrict__ grad_samples, Dims d) {
    TILESIM_CUDA_FOR(s, d.batch * d.queries * d.depth) {
        const int64_t dd = s % d.depth, q = (s / d.depth) % d.queries, b = s / (d.depth * d.queries);
        const cuda::PixelTaps t = cuda::grid_taps(samples + 2 * s, d.height, d.width);
        float tap_grad[4] = {0.f, 0.f, 0.f, 0.f};
        for (int64_t c = 0; c < d.channels; ++c) {
            const float gv = value_gradient(weights, grad_output, d, b, q, dd, c);
            const float* plane = images + (b * d.channels + c) * plane_size(d);
            for (int k = 0; k < 4; ++k) {
                if (t.pixel[k] >= 0) tap_grad[k] += gv * plane[t.pixel[k]];
            }
        }
        cuda::grid_point_gradient(t, tap_grad, d.height, d.width, grad_samples + 2 * s);
    }
}

// grad_images += tap weight * gv, one thread per (b, q, dd, c).
__global__ void image_grads_kernel(const float* __restrict__ samples, const float* __restrict__ weights,
                                   const float* __restrict__ grad_output, float* grad_images, Dims d) {
    TILESIM_CUDA_FOR(i, d.batch * d.queries * d.depth * d.channels) {
        const int64_t c = i % d.channels, s = i / d.channels;
        const int64_t dd = s % d.depth, q = (s / d.depth) % d.queries, b = s / (d.depth * d.queries);
        const cuda::PixelTaps t = cuda::grid_taps(samples + 2 * s, d.height, d.width);
        cuda::scatter_taps(t, value_gradient(weights, grad_output, d, b, q, dd, c),
                           grad_images + (b * d.channels + c) * plane_size(d));
    }
}

}  // namespace

void launch_sample_sum_forward_cuda(const float* images, const float* samples, const float* weights,
                                    float* output, const Dims& d) {
    const int64_t n = d.batch * d.heads * d.queries * d.channels;
    if (n == 0) return;
    forward_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(images, samples, weights, output, d);
    TILESIM_CUDA_CHECK_LAUNCH();
}

void launch_sample_sum_backward_cuda(const float* images, const float* samples, const float* weights,
                                     const float* grad_output, float* grad_images, float* grad_samples,
                                     float* grad_weights, const Dims& d) {
    const int64_t image_count = d.batch * d.channels * d.height * d.width;
    const int64_t weight_count = d.batch * d.heads * d.queries * d.depth,
                  sample_count = d.batch * d.queries * d.depth;
    if (image_count > 0) TILESIM_CUDA_CHECK(cudaMemsetAsync(grad_images, 0, sizeof(float) * image_count));
    if (weight_count > 0) {
        weight_grads_kernel<<<cuda::blocks_for(weight_count), cuda::kBlockSize>>>(
            images, samples, grad_output, grad_weights, d);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
    if (sample_count > 0) {
        sample_grads_kernel<<<cuda::blocks_for(sample_count), cuda::kBlockSize>>>(
            images, samples, weights, grad_output, grad_samples, d);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
    if (sample_count * d.channels > 0) {
        image_grads_kernel<<<cuda::blocks_for(sample_count * d.channels), cuda::kBlockSize>>>(
            samples, weights, grad_output, grad_images, d);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
}

}  // namespace tilesim::ops
