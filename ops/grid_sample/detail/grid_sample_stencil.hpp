#pragma once
// The 2-D taps of one grid_sample output point: which input pixels it reads and with which weights, for
// every mode. Built from the per-axis taps of grid_sample_math.hpp; shared by the CPU reference (both
// layouts, forward and backward) and usable by kernels (dependency-free, TILESIM_HD).
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/grid_sample_math.hpp"

namespace tilesim::ops {

// Taps per axis: nearest 1, bilinear 2, bicubic 4 (the point reads K x K pixels).
template <GridSampleMode M>
inline constexpr int kTapsPerAxis = M == GridSampleMode::Nearest    ? 1
                                    : M == GridSampleMode::Bilinear ? 2
                                                                    : 4;

template <int K>
struct GridStencil {
    static constexpr int kTaps = K * K;
    // Tap t = j * K + i reads input row ay.index[j], column ax.index[i] (bilinear: nw, ne, sw, se).
    int64_t pixel[kTaps];     // row * W + column, or -1 when the tap is outside the map
    float weight[kTaps];      // wy[j] * wx[i] formed as wx[i] * wy[j] (bilinear_taps' order)
    float dweight_dx[kTaps];  // d weight / d grid x (filled when built with gradients)
    float dweight_dy[kTaps];  // d weight / d grid y
    // Sum over the outside taps of 0 * weight: 0, or NaN when a weight is NaN. PyTorch multiplies the zero it
    // reads for an outside tap by the weight, so a non-finite coordinate yields NaN with zeros padding.
    float outside_bias;
    bool all_inside;  // every tap reads the input (the common case, a branch-free loop)
};

template <GridSampleMode M>
TILESIM_HD AxisTaps<kTapsPerAxis<M>> axis_taps(float grid, int64_t size, PaddingMode padding,
                                               bool align_corners) {
    if constexpr (M == GridSampleMode::Nearest) {
        return nearest_axis_taps(grid, size, padding, align_corners);
    } else if constexpr (M == GridSampleMode::Bilinear) {
        return bilinear_axis_taps(grid, size, padding, align_corners);
    } else {
        return bicubic_axis_taps(grid, size, padding, align_corners);
    }
}

// Taps of the output point whose grid entry is (gx, gy) on an input of height h and width w.
template <GridSampleMode M, bool WithGrad>
TILESIM_HD void make_stencil(float gx, float gy, int64_t h, int64_t w, PaddingMode padding,
                             bool align_corners, GridStencil<kTapsPerAxis<M>>& s) {
    constexpr int K = kTapsPerAxis<M>;
    const AxisTaps<K> ax = axis_taps<M>(gx, w, padding, align_corners);
    const AxisTaps<K> ay = axis_taps<M>(gy, h, padding, align_corners);
    s.outside_bias = 0.f;
    s.all_inside = true;
    for (int j = 0; j < K; ++j) {
        const bool row_inside = index_in_range(ay.index[j], h);
        for (int i = 0; i < K; ++i) {
            const int t = j * K + i;
            const bool inside = row_inside && index_in_range(ax.index[i], w);
            s.pixel[t] = inside ? ay.index[j] * w + ax.index[i] : -1;
            s.weight[t] = ax.weight[i] * ay.weight[j];
            if (!inside) {
                s.all_inside = false;
                s.outside_bias += 0.f * s.weight[t];
            }
            if constexpr (WithGrad) {
                s.dweight_dx[t] = ax.dweight[i] * ay.weight[j];
                s.dweight_dy[t] = ax.weight[i] * ay.dweight[j];
            }
        }
    }
}

}  // namespace tilesim::ops
