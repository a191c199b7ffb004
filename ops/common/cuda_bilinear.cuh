#pragma once
// For .cu files only: bilinear taps of one sample with the derivatives of their weights, for the CUDA
// references of deformable aggregation and sample_sum / sample_dot. The device twin of pixel_taps in
// ops/deformable_aggregation/channels_last_taps.hpp (host-only there because it uses <algorithm>), built
// on the same shared bilinear_taps / in_bounds / coordinate_is_usable (kernels/common/bilinear.hpp), and with
// the same outputs, so that the CPU and CUDA references agree tap for tap.
#include <cstdint>

#include "kernels/common/bilinear.hpp"

namespace tilesim::ops::cuda {

// The four corners around (y, x) in bilinear_taps' order (nw, ne, sw, se).
struct PixelTaps {
    int64_t pixel[4];     // y * W + x of each corner; -1 where the corner is outside the map
    float weight[4];      // bilinear weights
    float dweight_dx[4];  // d weight / d x (pixels)
    float dweight_dy[4];  // d weight / d y (pixels)
};

// Taps of the sample at (y, x) pixels in an H x W map; NaN, inf or far-outside coordinates give four
// outside corners with zero weights (read 0, receive no gradient), as PyTorch's zeros padding does.
__device__ __forceinline__ PixelTaps pixel_taps(float y, float x, int64_t height, int64_t width) {
    PixelTaps t;
    if (!coordinate_is_usable(y) || !coordinate_is_usable(x)) {
        for (int i = 0; i < 4; ++i) {
            t.pixel[i] = -1;
            t.weight[i] = t.dweight_dx[i] = t.dweight_dy[i] = 0.f;
        }
        return t;
    }
    const BilinearTaps b = bilinear_taps(y, x);
    for (int i = 0; i < 4; ++i) {
        const int64_t yi = b.y0 + (i >> 1), xi = b.x0 + (i & 1);
        t.pixel[i] = in_bounds(yi, xi, height, width) ? yi * width + xi : -1;
    }
    t.weight[0] = b.w_nw;
    t.weight[1] = b.w_ne;
    t.weight[2] = b.w_sw;
    t.weight[3] = b.w_se;
    // Distances to the corners as bilinear_taps forms them: w_nw = lx * ly, w_ne = hx * ly, ...
    const float hy = y - static_cast<float>(b.y0), ly = static_cast<float>(b.y0 + 1) - y;
    const float hx = x - static_cast<float>(b.x0), lx = static_cast<float>(b.x0 + 1) - x;
    t.dweight_dx[0] = -ly;
    t.dweight_dx[1] = ly;
    t.dweight_dx[2] = -hy;
    t.dweight_dx[3] = hy;
    t.dweight_dy[0] = -lx;
    t.dweight_dy[1] = -hx;
    t.dweight_dy[2] = lx;
    t.dweight_dy[3] = hx;
    return t;
}

// Σ_i weight[i] * base[pixel[i] * pixel_stride] over the inside taps (outside taps read 0).
__device__ __forceinline__ float tap_sum(const PixelTaps& t, const float* __restrict__ base,
                                         int64_t pixel_stride) {
    float acc = 0.f;
    for (int i = 0; i < 4; ++i) {
        if (t.pixel[i] >= 0) acc += t.weight[i] * base[t.pixel[i] * pixel_stride];
    }
    return acc;
}

// PyTorch grid_sample, align_corners=False: pixel coordinate of a normalised grid coordinate in [-1, 1]
// (the CPU references' unnormalize_align_corners_false).
__device__ __forceinline__ float unnormalize_align_corners_false(float g, int64_t size) {
    return ((g + 1.f) * static_cast<float>(size) - 1.f) / 2.f;
}

// grid_sample's taps (bilinear, zeros padding, align_corners=False) of the grid point xy = (x, y) in
// [-1, 1] on an H x W image (the CPU references' detail::grid_taps).
__device__ __forceinline__ PixelTaps grid_taps(const float* xy, int64_t height, int64_t width) {
    return pixel_taps(unnormalize_align_corners_false(xy[1], height),
                      unnormalize_align_corners_false(xy[0], width), height, width);
}

// d loss / d grid point from d loss / d value of each tap, with d x / d gx = W / 2 (align_corners=False);
// the CPU references' detail::grid_point_gradient.
__device__ __forceinline__ void grid_point_gradient(const PixelTaps& t, const float tap_grad[4],
                                                    int64_t height, int64_t width, float* grad_xy) {
    float gx = 0.f, gy = 0.f;
    for (int i = 0; i < 4; ++i) {
        gx += t.dweight_dx[i] * tap_grad[i];
        gy += t.dweight_dy[i] * tap_grad[i];
    }
    grad_xy[0] = gx * static_cast<float>(width) * 0.5f;
    grad_xy[1] = gy * static_cast<float>(height) * 0.5f;
}

// Adds weight[i] * v to each inside tap of an image plane (atomicAdd: the order of concurrent additions,
// and so the rounding, may vary from run to run).
__device__ __forceinline__ void scatter_taps(const PixelTaps& t, float v, float* plane) {
    for (int i = 0; i < 4; ++i) {
        if (t.pixel[i] >= 0) atomicAdd(plane + t.pixel[i], t.weight[i] * v);
    }
}

}  // namespace tilesim::ops::cuda
