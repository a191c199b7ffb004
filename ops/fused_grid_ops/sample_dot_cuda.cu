// sample_dot's CUDA reference kernels: grid_sample (bilinear, zeros, align_corners=False) of NCHW images
// fused with a dot product against the queries extended by a positional encoding of depth. One thread per
// output or gradient element, summing in the CPU reference's order; only grad_images is scattered
// (atomicAdd).
#include "ops/common/cuda_bilinear.cuh"
#include "ops/common/cuda_check.cuh"
#include "ops/fused_grid_ops/fused_grid_ops_launch_cuda.hpp"

namespace tilesim::ops {
namespace {

using Dims = FusedGridCudaDims;

__device__ __forceinline__ int64_t plane_size(const Dims& d) {
    return d.height * d.width;
}
__device__ __forceinline__ int64_t query_channels(const Dims& d) {
    return d.channels - 2 * d.num_octaves;
}
// Offset of [b, hd, q, 0] in a [b, hd, q, n] array.
__device__ __forceinline__ int64_t head_row(const Dims& d, int64_t b, int64_t hd, int64_t q, int64_t n) {
    return ((b * d.heads + hd) * d.queries + q) * n;
}

// pe[j] = sin(depth * 2π·2^f + φ) with j = 2 f + (φ == π/2), and *dpe = d pe[j] / d depth: the CPU
// reference's positional_encoding (freq * depth + phase in float, as PyTorch's float32 formulation).
__device__ __forceinline__ float positional_encoding(float depth, int64_t j, float* dpe) {
    const float two_pi = 6.28318530717958647692f, half_pi = 1.57079632679489661923f;
    const float freq = two_pi * ldexpf(1.f, static_cast<int>(j / 2));
    // Rounded multiply, then rounded add (no fused multiply-add): the argument the CPU and PyTorch compute.
    const float arg = __fadd_rn(__fmul_rn(depth, freq), j % 2 == 0 ? 0.f : half_pi);
    if (dpe != nullptr) *dpe = freq * cosf(arg);
    return sinf(arg);
}

// out[b, hd, q, dd] = Σ_{c < cq} s[c] * queries[b, hd, q, c] + Σ_j s[cq + j] * pe[j], one thread each.
__global__ void forward_kernel(const float* __restrict__ images, const float* __restrict__ samples,
                               const float* __restrict__ queries, const float* __restrict__ depths,
                               float* __restrict__ output, Dims d) {
    const int64_t cq = query_channels(d);
    TILESIM_CUDA_FOR(i, d.batch * d.heads * d.queries * d.depth) {
        const int64_t dd = i % d.depth, q = (i / d.depth) % d.queries,
                      hd = (i / (d.depth * d.queries)) % d.heads, b = i / (d.depth * d.queries * d.heads);
        const int64_t s = (b * d.queries + q) * d.depth + dd;
        const cuda::PixelTaps t = cuda::grid_taps(samples + 2 * s, d.height, d.width);
        const float* image = images + b * d.channels * plane_size(d);
        const float* qv = queries + head_row(d, b, hd, q, cq);
        float query_dot = 0.f, pe_dot = 0.f;
        for (int64_t c = 0; c < cq; ++c) query_dot += cuda::tap_sum(t, image + c * plane_size(d), 1) * qv[c];
        for (int64_t j = 0; j < 2 * d.num_octaves; ++j) {
            pe_dot += cuda::tap_sum(t, image + (cq + j) * plane_size(d), 1) *
                      positional_encoding(depths[s], j, nullptr);
        }
        output[i] = query_dot + pe_dot;
    }
}

// Σ_hd grad_output[b, hd, q, dd]: the weight of the positional-encoding channels' value gradient.
__device__ __forceinline__ float grad_sum(const float* grad_output, const Dims& d, int64_t b, int64_t q,
                                          int64_t dd) {
    float sum = 0.f;
    for (int64_t hd = 0; hd < d.heads; ++hd) sum += grad_output[head_row(d, b, hd, q, d.depth) + dd];
    return sum;
}

// gv = d loss / d sampled value (b, c, q, dd): Σ_hd grad_output * queries[..., c] for a query channel,
// grad_sum * pe[c - cq] for an encoding channel.
__device__ __forceinline__ float value_gradient(const float* queries, const float* grad_output, const Dims& d,
                                                int64_t b, int64_t q, int64_t dd, int64_t c, float depth,
                                                float sum) {
    const int64_t cq = query_channels(d);
    if (c >= cq) return sum * positional_encoding(depth, c - cq, nullptr);
    float gv = 0.f;
    for (int64_t hd = 0; hd < d.heads; ++hd) {
        gv += grad_output[head_row(d, b, hd, q, d.depth) + dd] * queries[head_row(d, b, hd, q, cq) + c];
    }
    return gv;
}

// grad_queries[b, hd, q, c] = Σ_dd grad_output[b, hd, q, dd] * s(b, c, q, dd), one thread each.
__global__ void query_grads_kernel(const float* __restrict__ images, const float* __restrict__ samples,
                                   const float* __restrict__ grad_output, float* __restrict__ grad_queries,
                                   Dims d) {
    const int64_t cq = query_channels(d);
    TILESIM_CUDA_FOR(i, d.batch * d.heads * d.queries * cq) {
        const int64_t c = i % cq, q = (i / cq) % d.queries, hd = (i / (cq * d.queries)) % d.heads,
                      b = i / (cq * d.queries * d.heads);
        const float* plane = images + (b * d.channels + c) * plane_size(d);
        const float* go = grad_output + head_row(d, b, hd, q, d.depth);
        float acc = 0.f;
        for (int64_t dd = 0; dd < d.depth; ++dd) {
            const int64_t s = (b * d.queries + q) * d.depth + dd;
            acc += go[dd] * cuda::tap_sum(cuda::grid_taps(samples + 2 * s, d.height, d.width), plane, 1);
        }
        grad_queries[i] = acc;
    }
}

// One thread per sample: grad_depths = grad_sum * Σ_j s[cq + j] * dpe[j], and grad_samples from
// tap_grad[i] = Σ_c gv[c] * tap_i[c].
__global__ void sample_and_depth_grads_kernel(
    const float* __restrict__ images, const float* __restrict__ samples, const float* __restrict__ queries,
    const float* __restrict__ depths, const float* __restrict__ grad_output, float* __restrict__ grad_samples,
    float* __restrict__ grad_depths, Dims d) {
    const int64_t cq = query_channels(d);
    TILESIM_CUDA_FOR(s, d.batch * d.queries * d.depth) {
        const int64_t dd = s % d.depth, q = (s / d.depth) % d.queries, b = s / (d.depth * d.queries);
        const cuda::PixelTaps t = cuda::grid_taps(samples + 2 * s, d.height, d.width);
        const float sum = grad_sum(grad_output, d, b, q, dd);
        const float* image = images + b * d.channels * plane_size(d);
        float tap_grad[4] = {0.f, 0.f, 0.f, 0.f}, pe_dot = 0.f;
        for (int64_t c = 0; c < d.channels; ++c) {
            const float* plane = image + c * plane_size(d);
            if (c >= cq) {
                float dpe;
                (void)positional_encoding(depths[s], c - cq, &dpe);
                pe_dot += cuda::tap_sum(t, plane, 1) * dpe;
            }
            const float gv = value_gradient(queries, grad_output, d, b, q, dd, c, depths[s], sum);
            for (int k = 0; k < 4; ++k) {
                if (t.pixel[k] >= 0) tap_grad[k] += gv * plane[t.pixel[k]];
            }
        }
        grad_depths[s] = sum * pe_dot;
        cuda::grid_point_gradient(t, tap_grad, d.height, d.width, grad_samples + 2 * s);
    }
}

// grad_images += tap weight * gv, one thread per (b, q, dd, c).
__global__ void image_grads_kernel(const float* __restrict__ samples, const float* __restrict__ queries,
                                   const float* __restrict__ depths, const float* __restrict__ grad_output,
                                   float* grad_images, Dims d) {
    TILESIM_CUDA_FOR(i, d.batch * d.queries * d.depth * d.channels) {
        const int64_t c = i % d.channels, s = i / d.channels;
        const int64_t dd = s % d.depth, q = (s / d.depth) % d.queries, b = s / (d.depth * d.queries);
        const cuda::PixelTaps t = cuda::grid_taps(samples + 2 * s, d.height, d.width);
        const float gv = value_gradient(queries, grad_output, d, b, q, dd, c, depths[s],
                                        grad_sum(grad_output, d, b, q, dd));
        cuda::scatter_taps(t, gv, grad_images + (b * d.channels + c) * plane_size(d));
    }
}

}  // namespace

void launch_sample_dot_forward_cuda(const float* images, const float* samples, const float* queries,
                                    const float* depths, float* output, const Dims& d) {
    const int64_t n = d.batch * d.heads * d.queries * d.depth;
    if (n == 0) return;
    forward_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(images, samples, queries, depths, output, d);
    TILESIM_CUDA_CHECK_LAUNCH();
}

void launch_sample_dot_backward_cuda(const float* images, const float* samples, const float* queries,
                                     const float* depths, const float* grad_output, float* grad_images,
                                     float* grad_samples, float* grad_queries, float* grad_depths,
                                     const Dims& d) {
    const int64_t image_count = d.batch * d.channels * d.height * d.width;
    const int64_t query_count = d.batch * d.heads * d.queries * (d.channels - 2 * d.num_octaves);
    const int64_t sample_count = d.batch * d.queries * d.depth;
    if (image_count > 0) TILESIM_CUDA_CHECK(cudaMemsetAsync(grad_images, 0, sizeof(float) * image_count));
    if (query_count > 0) {
        query_grads_kernel<<<cuda::blocks_for(query_count), cuda::kBlockSize>>>(images, samples, grad_output,
                                                                                grad_queries, d);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
    if (sample_count > 0) {
        sample_and_depth_grads_kernel<<<cuda::blocks_for(sample_count), cuda::kBlockSize>>>(
            images, samples, queries, depths, grad_output, grad_samples, grad_depths, d);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
    if (sample_count * d.channels > 0) {
        image_grads_kernel<<<cuda::blocks_for(sample_count * d.channels), cuda::kBlockSize>>>(
            samples, queries, depths, grad_output, grad_images, d);
        TILESIM_CUDA_CHECK_LAUNCH();
    }
}

}  // namespace tilesim::ops
