#pragma once
// The sizes of a sample_sum / sample_dot problem and grid_sample's taps of one sample (bilinear, zeros
// padding, align_corners=False), shared by the CPU references (ops/fused_grid_ops/detail/grid_sampling.hpp)
// and the simulated readers, so the paths cannot drift apart. Dependency-free so that kernels may include it.
#include <cstdint>

#include "kernels/common/pixel_taps.hpp"

namespace tilesim::ops::detail {

struct GridDims {
    int64_t batch, channels, height, width;  // images [b, c, h, w]
    int64_t queries, depth;                  // samples [b, q, d, 2]
    int64_t heads;                           // weights / queries [b, hd, q, ...]

    constexpr int64_t pixels() const { return height * width; }
    // Index of sample (b, q, d): samples[b, q, d, :] starts at 2 * index, depths[b, q, d] is at index.
    constexpr int64_t sample_index(int64_t b, int64_t q, int64_t d) const {
        return (b * queries + q) * depth + d;
    }
    // Offset of [b, hd, q, 0] in a [b, hd, q, n] array.
    constexpr int64_t head_row(int64_t b, int64_t hd, int64_t q, int64_t n) const {
        return ((b * heads + hd) * queries + q) * n;
    }
};

// grid_sample's taps (bilinear, zeros padding, align_corners=False) of the grid point xy = (x, y) in
// [-1, 1]; NaN or far-outside points read nothing.
inline PixelTaps grid_taps(const float* xy, const GridDims& d) {
    return pixel_taps(unnormalize_align_corners_false(xy[1], d.height),
                      unnormalize_align_corners_false(xy[0], d.width), d.height, d.width);
}

}  // namespace tilesim::ops::detail
