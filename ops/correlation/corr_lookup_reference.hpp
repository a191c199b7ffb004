#pragma once
// CPU reference of RAFT's correlation pyramid and lookup (princeton-vl/RAFT `core/corr.py`: CorrBlock and
// AlternateCorrBlock; tilesim spec ops.md §4).
//   level 0: corr[b, h1, w1, h2, w2] = sum_c f1[b, c, h1, w1] * f2[b, c, h2, w2] / sqrt(C), viewed as
//            [B*H*W, 1, H, W]; level l+1 = avg_pool2d(level l, 2, stride=2) (odd sizes floor).
//   lookup(coords[B, 2, H, W], coords in level-0 pixels, channel 0 = x, 1 = y): for level l the centre is
//            coords / 2^l; output channel l*(2r+1)^2 + a*(2r+1) + b samples the level at
//            (x + (a - r), y + (b - r)) (RAFT's `stack(meshgrid(dy, dx), -1)` added to (x, y): the first
//            index moves x), bilinear, zero padding, align_corners=True in level pixels.
//            Output [B, L*(2r+1)^2, H, W], float32.
// The alternate path (AlternateCorrBlock) never builds the volume: it average-pools fmap2 per level and
// samples dot(f1[:, h1, w1], bilinear(f2_level)) / sqrt(C). Both are linear in f2, so pooling fmap2 and
// then taking dot products equals pooling the volume: the two paths agree (to fp32 rounding).
//
// Notes on the original:
// - CorrBlock samples through `bilinear_sampler`, which normalises with 2x/(W-1) - 1 and calls
//   grid_sample(align_corners=True): for a level of width or height 1 that divides by zero, and
//   PyTorch's CPU grid_sample returns NaN there. tilesim samples directly in level pixels (as the
//   AlternateCorrBlock CUDA kernel does), so such a level reads its single pixel row/column.
// - Non-finite coordinates (NaN, inf) sample 0 (kernels/common/bilinear.hpp `coordinate_is_usable`).
// - Gradients: RAFT calls the lookup with `coords1.detach()`, so coords get no gradient; the backward
//   here returns d/d fmap1 and d/d fmap2 only. It serves both paths (they compute the same function).
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "ops/correlation/correlation_common.hpp"

namespace tilesim::ops {

struct CorrPyramid {
    int64_t batch = 0, channels = 0, height = 0, width = 0;  // of fmap1 (== fmap2)
    std::vector<int64_t> level_h, level_w;                   // level l is [B*H*W, level_h[l], level_w[l]]
    std::vector<std::vector<float>> levels;
    int num_levels() const { return static_cast<int>(levels.size()); }
};

// Sizes (h, w) of each pyramid level (H >> l floor-halved l times). Throws when a level would be empty.
std::vector<std::pair<int64_t, int64_t>> corr_pyramid_level_sizes(int64_t height, int64_t width,
                                                                  int num_levels);

// [B, num_levels * (2 radius + 1)^2, H, W].
std::array<int64_t, 4> corr_lookup_output_shape(const NchwShape& fmap, int num_levels, int radius);

// Checks fmaps (same non-empty shape), coords ([B, 2, H, W] matching fmap1), num_levels >= 1 (each level at
// least 1x1), radius >= 0. Throws InvalidArgument naming the argument, the value and what is expected.
void validate_corr_lookup(const NchwView& fmap1, const NchwView& fmap2, const NchwView& coords,
                          int num_levels, int radius);

// CorrBlock.__init__: the all-pairs volume and its pooled levels.
CorrPyramid corr_pyramid_cpu(const NchwView& fmap1, const NchwView& fmap2, int num_levels = 4);

// CorrBlock.__call__(coords).
CorrelationArray corr_lookup_cpu(const CorrPyramid& pyramid, const NchwView& coords, int radius = 4);

// AlternateCorrBlock(fmap1, fmap2, num_levels, radius)(coords): same values, memory O(B*C*H*W).
CorrelationArray corr_lookup_alternate_cpu(const NchwView& fmap1, const NchwView& fmap2,
                                           const NchwView& coords, int num_levels = 4, int radius = 4);

// Backward of either lookup w.r.t. fmap1 and fmap2 (coords constant, as RAFT detaches them).
// grad_output: [B, num_levels * (2 radius + 1)^2, H, W].
CorrelationGrads corr_lookup_backward_cpu(std::span<const float> grad_output, const NchwView& fmap1,
                                          const NchwView& fmap2, const NchwView& coords, int num_levels = 4,
                                          int radius = 4);

}  // namespace tilesim::ops
