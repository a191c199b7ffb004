// CUDA kernels of the patch-correlation engine (correlation_engine.hpp) shared by the spatial correlation
// sampler and FlowNet's correlation, on NCHW inputs read through a virtual zero border. Forward: one thread
// per output element. Backward: one thread per input element, gathering every term that reads it in the
// CPU engine's order (no atomics: deterministic).
#include "ops/common/cuda_check.cuh"
#include "ops/correlation/correlation_launch_cuda.hpp"

namespace tilesim::ops {
namespace {

using detail::CorrelationGeometry;

// An NCHW image [batch, channels, h, w] read as if zero-padded by `pad` pixels on every side.
struct PaddedImage {
    const float* data;
    int64_t channels, h, w, pad;

    __device__ float at(int64_t b, int64_t c, int64_t y, int64_t x) const {
        y -= pad;
        x -= pad;
        return (y >= 0 && y < h && x >= 0 && x < w) ? data[((b * channels + c) * h + y) * w + x] : 0.f;
    }
};

PaddedImage padded(const float* data, const CorrelationGeometry& g) {
    return {data, g.channels, g.height - 2 * g.pad, g.width - 2 * g.pad, g.pad};
}

__device__ __forceinline__ bool inside(int64_t v, int64_t size) {
    return v >= 0 && v < size;
}

// Shift of patch index p: (p - (patch - 1) / 2) * dilation_patch (the original's CPU formula).
__device__ __forceinline__ int64_t shift(int p, int patch, int dilation_patch) {
    return static_cast<int64_t>(p - (patch - 1) / 2) * dilation_patch;
}

// The output index o whose window reads position `pos` with kernel tap k, if any.
__device__ __forceinline__ bool window_of(int64_t pos, int k, int stride, int origin, int dilation,
                                          int64_t out_size, int64_t* o) {
    const int64_t t = pos - origin - static_cast<int64_t>(k) * dilation;
    if (t < 0 || t % stride != 0 || t / stride >= out_size) return false;
    *o = t / stride;
    return true;
}

// d|a - b| / da, with sign(0) = 0 as autograd's abs.
__device__ __forceinline__ float sign_of(float v) {
    return static_cast<float>((v > 0.f) - (v < 0.f));
}

__global__ void forward_kernel(PaddedImage a, PaddedImage b, float* __restrict__ output,
                               CorrelationGeometry g) {
    const int64_t P = int64_t{g.patch_h} * g.patch_w;
    TILESIM_CUDA_FOR(i, g.batch * P * g.out_h * g.out_w) {
        const int64_t ow = i % g.out_w, oh = (i / g.out_w) % g.out_h, p = (i / (g.out_w * g.out_h)) % P,
                      n = i / (g.out_w * g.out_h * P);
        const int64_t dy = shift(static_cast<int>(p / g.patch_w), g.patch_h, g.dilation_patch_h);
        const int64_t dx = shift(static_cast<int>(p % g.patch_w), g.patch_w, g.dilation_patch_w);
        float acc = 0.f;
        for (int ki = 0; ki < g.kernel_h; ++ki) {
            const int64_t y1 = oh * g.stride_h + g.origin_h + int64_t{ki} * g.dilation_h;
            if (!inside(y1, g.height) || !inside(y1 + dy, g.height)) continue;
            for (int kj = 0; kj < g.kernel_w; ++kj) {
                const int64_t x1 = ow * g.stride_w + g.origin_w + int64_t{kj} * g.dilation_w;
                if (!inside(x1, g.width) || !inside(x1 + dx, g.width)) continue;
                float term = 0.f;  // one tap's reduction over channels, then added (the CPU's dot_rows)
                for (int64_t c = 0; c < g.channels; ++c) {
                    const float va = a.at(n, c, y1, x1), vb = b.at(n, c, y1 + dy, x1 + dx);
                    term += g.absolute_difference ? fabsf(va - vb) : va * vb;
                }
                acc += term;
            }
        }
        output[i] = acc / g.divisor;
    }
}

__device__ __forceinline__ float grad_weight(const float* grad_output, const CorrelationGeometry& g,
                                             int64_t n, int ph, int pw, int64_t oh, int64_t ow) {
    const int64_t p = int64_t{ph} * g.patch_w + pw;
    return grad_output[((n * g.patch_h * g.patch_w + p) * g.out_h + oh) * g.out_w + ow] / g.divisor;
}

// d/d input1 at (n, c, y1, x1): pairs with input2 at (y1 + dy, x1 + dx) in every window that reads it,
// visited as the CPU engine does: output row ascending (kernel tap descending), patch row, output column,
// patch column.
__global__ void grad_input1_kernel(const float* __restrict__ grad_output, PaddedImage a, PaddedImage b,
                                   float* __restrict__ grad_a, CorrelationGeometry g) {
    TILESIM_CUDA_FOR(i, g.batch * g.channels * a.h * a.w) {
        const int64_t x1 = i % a.w + g.pad, y1 = (i / a.w) % a.h + g.pad, c = (i / (a.w * a.h)) % g.channels,
                      n = i / (a.w * a.h * g.channels);
        const float self = a.at(n, c, y1, x1);
        float acc = 0.f;
        for (int ki = g.kernel_h - 1; ki >= 0; --ki) {
            int64_t oh;
            if (!window_of(y1, ki, g.stride_h, g.origin_h, g.dilation_h, g.out_h, &oh)) continue;
            for (int ph = 0; ph < g.patch_h; ++ph) {
                const int64_t y2 = y1 + shift(ph, g.patch_h, g.dilation_patch_h);
                if (!inside(y2, g.height)) continue;
                for (int kj = g.kernel_w - 1; kj >= 0; --kj) {
                    int64_t ow;
                    if (!window_of(x1, kj, g.stride_w, g.origin_w, g.dilation_w, g.out_w, &ow)) continue;
                    for (int pw = 0; pw < g.patch_w; ++pw) {
                        const int64_t x2 = x1 + shift(pw, g.patch_w, g.dilation_patch_w);
                        if (!inside(x2, g.width)) continue;
                        const float w = grad_weight(grad_output, g, n, ph, pw, oh, ow),
                                    other = b.at(n, c, y2, x2);
                        acc += g.absolute_difference ? w * sign_of(self - other) : w * other;
                    }
                }
            }
        }
        grad_a[i] = acc;
    }
}

// d/d input2 at (n, c, y2, x2): pairs with input1 at (y2 - dy, x2 - dx) for every window that reads
// that, in the CPU engine's order: patch row, output row, patch column, output column.
__global__ void grad_input2_kernel(const float* __restrict__ grad_output, PaddedImage a, PaddedImage b,
                                   float* __restrict__ grad_b, CorrelationGeometry g) {
    TILESIM_CUDA_FOR(i, g.batch * g.channels * b.h * b.w) {
        const int64_t x2 = i % b.w + g.pad, y2 = (i / b.w) % b.h + g.pad, c = (i / (b.w * b.h)) % g.channels,
                      n = i / (b.w * b.h * g.channels);
        const float self = b.at(n, c, y2, x2);
        float acc = 0.f;
        for (int ph = 0; ph < g.patch_h; ++ph) {
            const int64_t y1 = y2 - shift(ph, g.patch_h, g.dilation_patch_h);
            if (!inside(y1, g.height)) continue;
            for (int ki = g.kernel_h - 1; ki >= 0; --ki) {
                int64_t oh;
                if (!window_of(y1, ki, g.stride_h, g.origin_h, g.dilation_h, g.out_h, &oh)) continue;
                for (int pw = 0; pw < g.patch_w; ++pw) {
                    const int64_t x1 = x2 - shift(pw, g.patch_w, g.dilation_patch_w);
                    if (!inside(x1, g.width)) continue;
                    for (int kj = g.kernel_w - 1; kj >= 0; --kj) {
                        int64_t ow;
                        if (!window_of(x1, kj, g.stride_w, g.origin_w, g.dilation_w, g.out_w, &ow)) continue;
                        const float w = grad_weight(grad_output, g, n, ph, pw, oh, ow),
                                    other = a.at(n, c, y1, x1);
                        acc += g.absolute_difference ? w * sign_of(self - other) : w * other;
                    }
                }
            }
        }
        grad_b[i] = acc;
    }
}

}  // namespace

void launch_correlation_forward_cuda(const float* input1, const float* input2, float* output,
                                     const CorrelationGeometry& g) {
    const int64_t n = g.batch * g.patch_h * g.patch_w * g.out_h * g.out_w;
    if (n == 0) return;
    forward_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(padded(input1, g), padded(input2, g), output,
                                                              g);
    TILESIM_CUDA_CHECK_LAUNCH();
}

void launch_correlation_backward_cuda(const float* grad_output, const float* input1, const float* input2,
                                      float* grad_input1, float* grad_input2, const CorrelationGeometry& g) {
    const PaddedImage a = padded(input1, g), b = padded(input2, g);
    const int64_t n = g.batch * g.channels * a.h * a.w;
    if (n == 0) return;
    grad_input1_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(grad_output, a, b, grad_input1, g);
    TILESIM_CUDA_CHECK_LAUNCH();
    grad_input2_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(grad_output, a, b, grad_input2, g);
    TILESIM_CUDA_CHECK_LAUNCH();
}

}  // namespace tilesim::ops
