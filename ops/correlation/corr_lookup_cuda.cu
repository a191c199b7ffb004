// RAFT's correlation pyramid and lookup on a CUDA GPU: CorrBlock (all-pairs volume, pooled levels, bilinear
// lookup), AlternateCorrBlock (dot products with average-pooled fmap2, no volume) and the lookup's backward,
// following the CPU references (corr_lookup_reference.cpp, corr_lookup_alternate.cpp) operation for
// operation. Sampling uses the shared bilinear taps (kernels/common/bilinear.hpp). Level l is (H >> l) x (W
// >> l).
#include "ops/common/cuda_bilinear.cuh"
#include "ops/common/cuda_check.cuh"
#include "ops/correlation/correlation_launch_cuda.hpp"

namespace tilesim::ops {
namespace {

using Dims = CorrLookupCudaDims;

__host__ __device__ int64_t pixels(const Dims& d) {
    return d.height * d.width;
}
__host__ __device__ int64_t level_h(const Dims& d, int l) {
    return d.height >> l;
}
__host__ __device__ int64_t level_w(const Dims& d, int l) {
    return d.width >> l;
}
__host__ __device__ int64_t window_cells(const Dims& d) {
    return (2 * int64_t{d.radius} + 2) * (2 * int64_t{d.radius} + 2);
}

// Σ_{k < l} count * level k's pixels: the offset of level l when levels [count, h_k, w_k] follow each other.
__host__ __device__ int64_t levels_before(const Dims& d, int first, int l, int64_t count) {
    int64_t offset = 0;
    for (int k = first; k < l; ++k) offset += count * level_h(d, k) * level_w(d, k);
    return offset;
}

// fmap2 average-pooled to level l (l = 0: fmap2 itself); levels >= 1 live in `pooled`, [B, C, h_l, w_l] each.
__device__ __forceinline__ const float* fmap2_level(const float* fmap2, const float* pooled, const Dims& d,
                                                    int l) {
    return l == 0 ? fmap2 : pooled + levels_before(d, 1, l, d.batch * d.channels);
}

// RAFT: corr / sqrt(tensor(dim).float()).
__host__ __device__ float corr_divisor(const Dims& d) {
    return sqrtf(static_cast<float>(d.channels));
}

// The lookup centre at level l (RAFT: coords / 2**i) and its bilinear taps; usable = false for a NaN,
// infinite or far-outside centre (the whole window then reads 0).
struct Window {
    bool usable;
    BilinearTaps taps;
};

__device__ Window window_at(const float* coords, const Dims& d, int64_t b, int64_t p1, int l) {
    const float scale = static_cast<float>(int64_t{1} << l);
    const float xc = coords[(b * 2 + 0) * pixels(d) + p1] / scale,
                yc = coords[(b * 2 + 1) * pixels(d) + p1] / scale;
    Window w{coordinate_is_usable(xc) && coordinate_is_usable(yc), {}};
    if (w.usable) w.taps = bilinear_taps(yc, xc);
    return w;
}

// Level 0 of the pyramid: corr[b, p1, p2] = Σ_c f1[b, c, p1] * f2[b, c, p2] / sqrt(C).
__global__ void volume_kernel(const float* __restrict__ f1, const float* __restrict__ f2,
                              float* __restrict__ level0, Dims d) {
    const int64_t HW = pixels(d);
    TILESIM_CUDA_FOR(i, d.batch * HW * HW) {
        const int64_t p2 = i % HW, p1 = (i / HW) % HW, b = i / (HW * HW);
        const float* a = f1 + b * d.channels * HW + p1;
        const float* c2 = f2 + b * d.channels * HW + p2;
        float acc = 0.f;
        for (int64_t c = 0; c < d.channels; ++c) acc += a[c * HW] * c2[c * HW];
        level0[i] = acc / corr_divisor(d);
    }
}

// avg_pool2d(2, stride 2) of `count` images [h, w] -> [h / 2, w / 2]; PyTorch sums the window row by row,
// then divides by 4.
__global__ void pool_kernel(const float* __restrict__ in, float* __restrict__ out, int64_t count, int64_t h,
                            int64_t w) {
    const int64_t ph = h / 2, pw = w / 2;
    TILESIM_CUDA_FOR(i, count * ph * pw) {
        const int64_t j = i % pw, y = (i / pw) % ph, n = i / (pw * ph);
        const float* r0 = in + (n * h + 2 * y) * w + 2 * j;
        const float* r1 = r0 + w;
        out[i] = (((r0[0] + r0[1]) + r1[0]) + r1[1]) / 4.f;
    }
}

void pool_levels(const float* level0, float* rest, int64_t count, const Dims& d) {
    const float* src = level0;
    for (int l = 1; l < d.num_levels; ++l) {
        float* dst = rest + levels_before(d, 1, l, count);
        const int64_t n = count * level_h(d, l) * level_w(d, l);
        pool_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(src, dst, count, level_h(d, l - 1),
                                                               level_w(d, l - 1));
        TILESIM_CUDA_CHECK_LAUNCH();
        src = dst;
    }
}

// Output element (b, l (2r+1)^2 + a (2r+1) + bb, h1, w1) -> its parts; sample offset (a - r, bb - r) in (x,
// y).
struct OutputIndex {
    int64_t b, p1, a, bb;
    int l;
};

__device__ __forceinline__ OutputIndex split_output(int64_t i, const Dims& d) {
    const int64_t K = 2 * int64_t{d.radius} + 1, ch = (i / pixels(d)) % (d.num_levels * K * K);
    return {i / (pixels(d) * d.num_levels * K * K), i % pixels(d), ch % (K * K) / K, ch % K,
            static_cast<int>(ch / (K * K))};
}

// CorrBlock.__call__: bilinear sample (zeros outside) of pixel p1's level-l image at the window sample.
__global__ void lookup_kernel(const float* __restrict__ pyramid, const float* __restrict__ coords,
                              float* __restrict__ output, Dims d) {
    const int64_t K = 2 * int64_t{d.radius} + 1;
    TILESIM_CUDA_FOR(i, d.batch * d.num_levels * K * K * pixels(d)) {
        const OutputIndex o = split_output(i, d);
        const int64_t lh = level_h(d, o.l), lw = level_w(d, o.l);
        const float scale = static_cast<float>(int64_t{1} << o.l);
        const float xc = coords[(o.b * 2) * pixels(d) + o.p1] / scale,
                    yc = coords[(o.b * 2 + 1) * pixels(d) + o.p1] / scale;
        const cuda::PixelTaps t = cuda::pixel_taps(yc + static_cast<float>(o.bb - d.radius),
                                                   xc + static_cast<float>(o.a - d.radius), lh, lw);
        const float* img =
            pyramid + levels_before(d, 0, o.l, d.batch * pixels(d)) + (o.b * pixels(d) + o.p1) * lh * lw;
        output[i] = cuda::tap_sum(t, img, 1);
    }
}

// Σ_c f1[b, c, p1] * f2_l[b, c, y, x], or 0 outside the level.
__device__ __forceinline__ float cell_dot(const float* f1, const float* f2l, const Dims& d, int64_t b,
                                          int64_t p1, int64_t y, int64_t x, int64_t lh, int64_t lw) {
    if (y < 0 || y >= lh || x < 0 || x >= lw) return 0.f;
    const float* a = f1 + b * d.channels * pixels(d) + p1;
    const float* c2 = f2l + b * d.channels * lh * lw + y * lw + x;
    float acc = 0.f;
    for (int64_t c = 0; c < d.channels; ++c) acc += a[c * pixels(d)] * c2[c * lh * lw];
    return acc;
}

// AlternateCorrBlock: the window's samples share the centre's bilinear weights; sample (a, bb) blends the
// dot products of f1 with the four level pixels at (floor(yc) - r + bb + {0, 1}, floor(xc) - r + a + {0, 1}).
__global__ void lookup_alternate_kernel(const float* __restrict__ f1, const float* __restrict__ f2,
                                        const float* __restrict__ pooled, const float* __restrict__ coords,
                                        float* __restrict__ output, Dims d) {
    const int64_t K = 2 * int64_t{d.radius} + 1;
    TILESIM_CUDA_FOR(i, d.batch * d.num_levels * K * K * pixels(d)) {
        const OutputIndex o = split_output(i, d);
        const Window win = window_at(coords, d, o.b, o.p1, o.l);
        if (!win.usable) {
            output[i] = 0.f;
            continue;
        }
        const int64_t lh = level_h(d, o.l), lw = level_w(d, o.l);
        const float* f2l = fmap2_level(f2, pooled, d, o.l);
        const int64_t y = win.taps.y0 - d.radius + o.bb, x = win.taps.x0 - d.radius + o.a;
        const BilinearTaps& t = win.taps;
        const float v = t.w_nw * cell_dot(f1, f2l, d, o.b, o.p1, y, x, lh, lw) +
                        t.w_ne * cell_dot(f1, f2l, d, o.b, o.p1, y, x + 1, lh, lw) +
                        t.w_sw * cell_dot(f1, f2l, d, o.b, o.p1, y + 1, x, lh, lw) +
                        t.w_se * cell_dot(f1, f2l, d, o.b, o.p1, y + 1, x + 1, lh, lw);
        output[i] = v / corr_divisor(d);
    }
}

}  // namespace

void launch_corr_pyramid_cuda(const float* fmap1, const float* fmap2, float* pyramid, const Dims& d) {
    const int64_t n = d.batch * pixels(d) * pixels(d);  // level 0; the pooled levels follow it
    volume_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(fmap1, fmap2, pyramid, d);
    TILESIM_CUDA_CHECK_LAUNCH();
    pool_levels(pyramid, pyramid + n, d.batch * pixels(d), d);
}

void launch_corr_lookup_cuda(const float* pyramid, const float* coords, float* output, const Dims& d) {
    const int64_t K = 2 * int64_t{d.radius} + 1, n = d.batch * d.num_levels * K * K * pixels(d);
    lookup_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(pyramid, coords, output, d);
    TILESIM_CUDA_CHECK_LAUNCH();
}

void launch_corr_lookup_alternate_cuda(const float* fmap1, const float* fmap2, const float* coords,
                                       float* output, float* workspace, const Dims& d) {
    pool_levels(fmap2, workspace, d.batch * d.channels, d);
    const int64_t K = 2 * int64_t{d.radius} + 1, n = d.batch * d.num_levels * K * K * pixels(d);
    lookup_alternate_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(fmap1, fmap2, workspace, coords,
                                                                       output, d);
    TILESIM_CUDA_CHECK_LAUNCH();
}

// ---- Backward (corr_lookup_backward_cuda.cu would be its own file if it grew; it shares the helpers above).

namespace {

// cell_grad[l][cell][q] (q = b * HW + p1): the gradient reaching window cell (u, v) = sum over the (up to 4)
// samples that blend it of grad / sqrt(C) * tap weight, added in the CPU reference's order (samples (a, bb)
// lexicographic).
__global__ void cell_grads_kernel(const float* __restrict__ grad_output, const float* __restrict__ coords,
                                  float* __restrict__ cell_grad, Dims d) {
    const int64_t K = 2 * int64_t{d.radius} + 1, G = K + 1, BHW = d.batch * pixels(d);
    TILESIM_CUDA_FOR(i, d.num_levels * G * G * BHW) {
        const int64_t q = i % BHW, cell = (i / BHW) % (G * G), u = cell / G, v = cell % G;
        const int l = static_cast<int>(i / (BHW * G * G));
        const int64_t b = q / pixels(d), p1 = q % pixels(d);
        const Window win = window_at(coords, d, b, p1, l);
        float acc = 0.f;
        if (win.usable) {
            // (sample a, sample bb, weight of this cell in that sample): se, ne, sw, nw.
            const int64_t as[4] = {v - 1, v - 1, v, v}, bs[4] = {u - 1, u, u - 1, u};
            const float ws[4] = {win.taps.w_se, win.taps.w_ne, win.taps.w_sw, win.taps.w_nw};
            for (int k = 0; k < 4; ++k) {
                if (as[k] < 0 || as[k] >= K || bs[k] < 0 || bs[k] >= K) continue;
                const int64_t ch = (l * K + as[k]) * K + bs[k];
                const float gv =
                    grad_output[(b * d.num_levels * K * K + ch) * pixels(d) + p1] / corr_divisor(d);
                acc += gv * ws[k];
            }
        }
        cell_grad[i] = acc;
    }
}

// One thread per (b, c, p1): d/d fmap1 gathers cell_grad * f2_l over the windows' in-level cells (levels,
// rows, columns in order); d/d pooled f2_l gets cell_grad * f1 by atomicAdd.
__global__ void feature_grads_kernel(const float* __restrict__ f1, const float* __restrict__ f2,
                                     const float* __restrict__ pooled, const float* __restrict__ coords,
                                     const float* __restrict__ cell_grad, float* __restrict__ grad_f1,
                                     float* grad_f2, float* grad_pooled, Dims d) {
    const int64_t G = 2 * int64_t{d.radius} + 2, BHW = d.batch * pixels(d);
    TILESIM_CUDA_FOR(i, d.batch * d.channels * pixels(d)) {
        const int64_t p1 = i % pixels(d), c = (i / pixels(d)) % d.channels, b = i / (pixels(d) * d.channels);
        const int64_t q = b * pixels(d) + p1;
        const float f1v = f1[i];
        float acc = 0.f;
        for (int l = 0; l < d.num_levels; ++l) {
            const Window win = window_at(coords, d, b, p1, l);
            if (!win.usable) continue;
            const int64_t lh = level_h(d, l), lw = level_w(d, l);
            const int64_t plane = (b * d.channels + c) * lh * lw;
            const float* f2l = fmap2_level(f2, pooled, d, l) + plane;
            float* g2l =
                (l == 0 ? grad_f2 : grad_pooled + levels_before(d, 1, l, d.batch * d.channels)) + plane;
            for (int64_t u = 0; u < G; ++u) {
                const int64_t y = win.taps.y0 - d.radius + u;
                if (y < 0 || y >= lh) continue;
                for (int64_t v = 0; v < G; ++v) {
                    const int64_t x = win.taps.x0 - d.radius + v;
                    if (x < 0 || x >= lw) continue;
                    const float cg = cell_grad[(l * G * G + u * G + v) * BHW + q];
                    acc += cg * f2l[y * lw + x];
                    atomicAdd(g2l + y * lw + x, cg * f1v);
                }
            }
        }
        grad_f1[i] = acc;
    }
}

// avg_pool2d's backward: each pooled pixel gives a quarter of its gradient to each of its 2x2 sources (rows
// and columns dropped by the floor get nothing). One thread per fine element.
__global__ void unpool_kernel(const float* __restrict__ pooled, float* __restrict__ fine, int64_t count,
                              int64_t h, int64_t w) {
    const int64_t ph = h / 2, pw = w / 2;
    TILESIM_CUDA_FOR(i, count * 2 * ph * 2 * pw) {
        const int64_t x = i % (2 * pw), y = (i / (2 * pw)) % (2 * ph), n = i / (4 * pw * ph);
        fine[(n * h + y) * w + x] += pooled[(n * ph + y / 2) * pw + x / 2] / 4.f;
    }
}

}  // namespace

void launch_corr_lookup_backward_cuda(const float* grad_output, const float* fmap1, const float* fmap2,
                                      const float* coords, float* grad_fmap1, float* grad_fmap2,
                                      float* workspace, const Dims& d) {
    const int64_t count = d.batch * d.channels, pooled_floats = levels_before(d, 1, d.num_levels, count);
    // Workspace (corr_lookup_workspace_floats): pooled fmap2 levels, their gradients, the cell gradients.
    float* pooled = workspace;
    float* grad_pooled = workspace + pooled_floats;
    float* cell_grad = grad_pooled + pooled_floats;
    pool_levels(fmap2, pooled, count, d);
    TILESIM_CUDA_CHECK(cudaMemsetAsync(grad_fmap2, 0, sizeof(float) * count * pixels(d)));
    if (pooled_floats > 0) TILESIM_CUDA_CHECK(cudaMemsetAsync(grad_pooled, 0, sizeof(float) * pooled_floats));
    const int64_t cells = d.num_levels * window_cells(d) * d.batch * pixels(d);
    cell_grads_kernel<<<cuda::blocks_for(cells), cuda::kBlockSize>>>(grad_output, coords, cell_grad, d);
    TILESIM_CUDA_CHECK_LAUNCH();
    feature_grads_kernel<<<cuda::blocks_for(count * pixels(d)), cuda::kBlockSize>>>(
        fmap1, fmap2, pooled, coords, cell_grad, grad_fmap1, grad_fmap2, grad_pooled, d);
    TILESIM_CUDA_CHECK_LAUNCH();
    // Coarsest level first: level l's gradient flows into level l - 1 (level 0 is grad_fmap2).
    for (int l = d.num_levels - 1; l >= 1; --l) {
        float* fine = l == 1 ? grad_fmap2 : grad_pooled + levels_before(d, 1, l - 1, count);
        const int64_t n = count * 4 * level_h(d, l) * level_w(d, l);
        unpool_kernel<<<cuda::blocks_for(n), cuda::kBlockSize>>>(
            grad_pooled + levels_before(d, 1, l, count), fine, count, level_h(d, l - 1), level_w(d, l - 1));
        TILESIM_CUDA_CHECK_LAUNCH();
    }
}

}  // namespace tilesim::ops
