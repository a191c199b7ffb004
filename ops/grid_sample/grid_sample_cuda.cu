// grid_sample's CUDA reference kernels. Every output point's taps and weights come from make_stencil
// (grid_sample_stencil.hpp), the code the CPU reference runs, so the two paths cannot drift apart.
// One kernel per mode (the tap count is a template parameter); layout, padding and align_corners are
// run-time arguments. The host wrappers (validation, copies) are in grid_sample_cuda.cpp.
#include "ops/common/cuda_check.cuh"
#include "ops/grid_sample/grid_sample_cuda.hpp"
#include "ops/grid_sample/detail/grid_sample_stencil.hpp"

namespace tilesim::ops {
namespace {

// Sizes, element strides of both layouts, and the sampling options, passed to the kernels by value.
struct Geometry {
    int64_t n, c, h, w, out_h, out_w;
    int64_t in_pixel_stride, in_channel_stride;    // NCHW: 1, h*w;         NHWC: c, 1
    int64_t out_pixel_stride, out_channel_stride;  // NCHW: 1, out_h*out_w; NHWC: c, 1
    bool nhwc;
    PaddingMode padding;
    bool align_corners;

    __host__ __device__ int64_t in_plane() const { return h * w; }
    __host__ __device__ int64_t out_plane() const { return out_h * out_w; }
};

Geometry make_geometry(const GridSampleShape& s, ChannelLayout layout, const GridSampleOptions& o) {
    const bool nhwc = layout == ChannelLayout::NHWC;
    return Geometry{s.n,
                    s.c,
                    s.h,
                    s.w,
                    s.out_h,
                    s.out_w,
                    nhwc ? s.c : 1,
                    nhwc ? 1 : s.h * s.w,
                    nhwc ? s.c : 1,
                    nhwc ? 1 : s.out_h * s.out_w,
                    nhwc,
                    o.padding_mode,
                    o.align_corners};
}

// Σ_t weight[t] * value at tap t (`base` points at channel c of the image; taps step by pixel_stride).
// Outside taps read zero, weighted as PyTorch does (outside_bias): the CPU reference's sample_plane.
template <int K>
__device__ float stencil_sum(const GridStencil<K>& s, const float* __restrict__ base, int64_t pixel_stride) {
    constexpr int T = K * K;
    if (s.all_inside) {
        float acc = s.weight[0] * base[s.pixel[0] * pixel_stride];
        for (int t = 1; t < T; ++t) acc += s.weight[t] * base[s.pixel[t] * pixel_stride];
        return acc;
    }
    float acc = s.outside_bias;
    for (int t = 0; t < T; ++t) {
        if (s.pixel[t] >= 0) acc += s.weight[t] * base[s.pixel[t] * pixel_stride];
    }
    return acc;
}

// NCHW: one thread per output point, looping over the channels (as PyTorch's kernel: reads of
// neighbouring points are neighbours in each plane). NHWC: one thread per (point, channel), so that a
// warp reads contiguous channels of the same pixels.
template <GridSampleMode M>
__global__ void forward_kernel(const float* __restrict__ input, const float* __restrict__ grid,
                               float* __restrict__ output, Geometry g) {
    constexpr int K = kTapsPerAxis<M>;
    const int64_t threads_per_point = g.nhwc ? g.c : 1, channels_per_thread = g.nhwc ? 1 : g.c;
    TILESIM_CUDA_FOR(i, g.n * g.out_plane() * threads_per_point) {
        const int64_t p = i / threads_per_point, c0 = i % threads_per_point;
        const int64_t n = p / g.out_plane(), q = p % g.out_plane();
        GridStencil<K> s;
        make_stencil<M, false>(grid[2 * p], grid[2 * p + 1], g.h, g.w, g.padding, g.align_corners, s);
        const float* in_n = input + n * g.c * g.in_plane();
        float* out_n = output + n * g.c * g.out_plane() + q * g.out_pixel_stride;
        for (int64_t c = c0; c < c0 + channels_per_thread; ++c) {
            out_n[c * g.out_channel_stride] =
                stencil_sum(s, in_n + c * g.in_channel_stride, g.in_pixel_stride);
        }
    }
}

// One thread per output point: grad_grid from the dot of grad_output with each tap's input values
// (d weight / d grid times those dots, in the CPU reference's order), and grad_input by atomicAdd of
// weight * grad_output into each inside tap. The atomics make grad_input's rounding order-dependent
// (non-deterministic at the ulp level), as in PyTorch's CUDA kernel.
template <GridSampleMode M>
__global__ void backward_kernel(const float* __restrict__ grad_output, const float* __restrict__ input,
                                const float* __restrict__ grid, float* grad_input,
                                float* __restrict__ grad_grid, Geometry g) {
    constexpr int K = kTapsPerAxis<M>, T = K * K;
    constexpr bool kWithGrad = M != GridSampleMode::Nearest;  // PyTorch: nearest has zero grad_grid
    TILESIM_CUDA_FOR(p, g.n * g.out_plane()) {
        const int64_t n = p / g.out_plane(), q = p % g.out_plane();
        GridStencil<K> s;
        make_stencil<M, kWithGrad>(grid[2 * p], grid[2 * p + 1], g.h, g.w, g.padding, g.align_corners, s);
        const float* in_n = input + n * g.c * g.in_plane();
        float* gin_n = grad_input + n * g.c * g.in_plane();
        const float* gout_p = grad_output + n * g.c * g.out_plane() + q * g.out_pixel_stride;
        float dots[T];
        for (int t = 0; t < T; ++t) dots[t] = 0.f;
        for (int64_t c = 0; c < g.c; ++c) {
            const float go = gout_p[c * g.out_channel_stride];
            const int64_t channel = c * g.in_channel_stride;
            for (int t = 0; t < T; ++t) {
                if (s.pixel[t] < 0) continue;
                const int64_t at = s.pixel[t] * g.in_pixel_stride + channel;
                if constexpr (kWithGrad) dots[t] += go * in_n[at];
                atomicAdd(gin_n + at, s.weight[t] * go);
            }
        }
        float gx = 0.f, gy = 0.f;
        if constexpr (kWithGrad) {
            for (int t = 0; t < T; ++t) {
                gx += dots[t] * s.dweight_dx[t];
                gy += dots[t] * s.dweight_dy[t];
            }
        }
        grad_grid[2 * p] = gx;
        grad_grid[2 * p + 1] = gy;
    }
}

}  // namespace

void launch_grid_sample_forward_cuda(const float* input, const float* grid, float* output,
                                     const GridSampleShape& shape, ChannelLayout layout,
                                     const GridSampleOptions& options) {
    const Geometry g = make_geometry(shape, layout, options);
    const unsigned blocks = cuda::blocks_for(g.n * g.out_plane() * (g.nhwc ? g.c : 1));
    switch (options.mode) {
        case GridSampleMode::Bilinear:
            forward_kernel<GridSampleMode::Bilinear><<<blocks, cuda::kBlockSize>>>(input, grid, output, g);
            break;
        case GridSampleMode::Nearest:
            forward_kernel<GridSampleMode::Nearest><<<blocks, cuda::kBlockSize>>>(input, grid, output, g);
            break;
        case GridSampleMode::Bicubic:
            forward_kernel<GridSampleMode::Bicubic><<<blocks, cuda::kBlockSize>>>(input, grid, output, g);
            break;
    }
    TILESIM_CUDA_CHECK_LAUNCH();
}

void launch_grid_sample_backward_cuda(const float* grad_output, const float* input, const float* grid,
                                      float* grad_input, float* grad_grid, const GridSampleShape& shape,
                                      ChannelLayout layout, const GridSampleOptions& options) {
    const Geometry g = make_geometry(shape, layout, options);
    TILESIM_CUDA_CHECK(cudaMemsetAsync(grad_input, 0, sizeof(float) * g.n * g.c * g.in_plane()));
    const unsigned blocks = cuda::blocks_for(g.n * g.out_plane());
    switch (options.mode) {
        case GridSampleMode::Bilinear:
            backward_kernel<GridSampleMode::Bilinear>
                <<<blocks, cuda::kBlockSize>>>(grad_output, input, grid, grad_input, grad_grid, g);
            break;
        case GridSampleMode::Nearest:
            backward_kernel<GridSampleMode::Nearest>
                <<<blocks, cuda::kBlockSize>>>(grad_output, input, grid, grad_input, grad_grid, g);
            break;
        case GridSampleMode::Bicubic:
            backward_kernel<GridSampleMode::Bicubic>
                <<<blocks, cuda::kBlockSize>>>(grad_output, input, grid, grad_input, grad_grid, g);
            break;
    }
    TILESIM_CUDA_CHECK_LAUNCH();
}

}  // namespace tilesim::ops
