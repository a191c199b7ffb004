#pragma once
// For .cu files only: what the CUDA references of deformable aggregation and sample_sum / sample_dot do with
// a sample's taps (sum, gradient, scatter). The taps themselves are kernels/common/pixel_taps.hpp's
// pixel_taps, the same function the CPU references and the simulated kernels call, so the three paths
// agree tap for tap.
#include <cstdint>

#include "kernels/common/pixel_taps.hpp"

namespace tilesim::ops::cuda {

using ops::pixel_taps;
using ops::PixelTaps;

// Σ_i weight[i] * base[pixel[i] * pixel_stride] over the inside taps (outside taps read 0).
__device__ __forceinline__ float tap_sum(const PixelTaps& t, const float* __restrict__ base,
                                         int64_t pixel_stride) {
    float acc = 0.f;
    for (int i = 0; i < 4; ++i) {
        if (t.pixel[i] >= 0) acc += t.weight[i] * base[t.pixel[i] * pixel_stride];
    }
    return acc;
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
