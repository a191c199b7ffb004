#pragma once
// Bilinear taps shared by every op that samples a feature map (grid_sample, RAFT lookup, deformable
// aggregation, sample_sum/sample_dot): the CPU references, the CUDA references and the simulated kernels
// all call these, so the paths cannot drift apart. Dependency-free so kernels may include it.
#include <cmath>
#include <cstdint>

#include "kernels/common/host_device.hpp"

namespace tilesim::ops {

// The four corners around a source coordinate (y, x) in pixels and their weights.
// Corner order: nw (y0, x0), ne (y0, x1), sw (y1, x0), se (y1, x1).
struct BilinearTaps {
    int64_t y0, x0;  // top-left corner; the others are y0+1 / x0+1
    float w_nw, w_ne, w_sw, w_se;
};

TILESIM_HD BilinearTaps bilinear_taps(float y, float x) {
    // PyTorch (GridSampler): nw = (x1 - x) * (y1 - y), ne = (x - x0) * (y1 - y), ... with x1 = x0 + 1.
    const float fy0 = ::floorf(y), fx0 = ::floorf(x);
    const float hy = y - fy0, ly = (fy0 + 1.f) - y;  // distance to the top / bottom row
    const float hx = x - fx0, lx = (fx0 + 1.f) - x;  // distance to the left / right column
    BilinearTaps t;
    t.y0 = static_cast<int64_t>(fy0);
    t.x0 = static_cast<int64_t>(fx0);
    t.w_nw = lx * ly;
    t.w_ne = hx * ly;
    t.w_sw = lx * hy;
    t.w_se = hx * hy;
    return t;
}

TILESIM_HD bool in_bounds(int64_t y, int64_t x, int64_t height, int64_t width) {
    return y >= 0 && y < height && x >= 0 && x < width;
}

// A coordinate that cannot index anything (NaN, inf, or far outside any map): callers treat it as out of
// range before converting to integers, so no undefined float->int conversion happens.
TILESIM_HD bool coordinate_is_usable(float v) {
    return v > -1e9f && v < 1e9f;
}

}  // namespace tilesim::ops
