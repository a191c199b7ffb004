#pragma once
// Layout changes used by the correlation references: NCHW inputs are transposed once per call to a
// channels-last (NHWC) scratch so that every dot product over C reads contiguous memory, and
// channels-last gradients are transposed back. Both are multi-threaded (oneTBB) over rows.
#include <cstdint>
#include <vector>

#include "ops/correlation/correlation_common.hpp"

namespace tilesim::ops::detail {

// NCHW -> NHWC with `pad` zero pixels on every side: result [N, H + 2 pad, W + 2 pad, C].
std::vector<float> to_nhwc_padded(const NchwView& input, int64_t pad = 0);

// NHWC [N, H, W, C] -> NCHW [N, C, H, W].
std::vector<float> nhwc_to_nchw(const std::vector<float>& nhwc, const NchwShape& shape);

}  // namespace tilesim::ops::detail
