#include "ops/correlation/detail/correlation_layout.hpp"

#include <algorithm>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

namespace tilesim::ops::detail {
namespace {

// Pixels per tile of a row transpose: a tile's channels-last block (kTile * C floats) stays in L1 while
// each channel contributes kTile contiguous values.
constexpr int64_t kTile = 16;

}  // namespace

std::vector<float> to_nhwc_padded(const NchwView& input, int64_t pad) {
    const auto& dims_n = input.shape;  // no structured binding: captured by lambdas (clang < 16)
    const auto n = dims_n.n, c = dims_n.c, h = dims_n.h, w = dims_n.w;
    const int64_t hp = h + 2 * pad, wp = w + 2 * pad;
    std::vector<float> out(static_cast<size_t>(n * hp * wp * c), 0.f);
    const float* src = input.data.data();
    float* dst = out.data();
    // One task per (image, input row): rows own disjoint output rows.
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, n * h), [&](const auto& range) {
        for (int64_t row = range.begin(); row < range.end(); ++row) {
            const int64_t b = row / h, y = row % h;
            float* __restrict out_row = dst + ((b * hp + y + pad) * wp + pad) * c;
            for (int64_t x0 = 0; x0 < w; x0 += kTile) {
                const int64_t x1 = std::min(w, x0 + kTile);
                for (int64_t ch = 0; ch < c; ++ch) {
                    const float* __restrict in_row = src + ((b * c + ch) * h + y) * w;
                    for (int64_t x = x0; x < x1; ++x) out_row[x * c + ch] = in_row[x];
                }
            }
        }
    });
    return out;
}

std::vector<float> nhwc_to_nchw(const std::vector<float>& nhwc, const NchwShape& shape) {
    const auto& dims_n = shape;  // no structured binding: captured by lambdas (clang < 16)
    const auto n = dims_n.n, c = dims_n.c, h = dims_n.h, w = dims_n.w;
    std::vector<float> out(static_cast<size_t>(shape.volume()));
    const float* src = nhwc.data();
    float* dst = out.data();
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, n * h), [&](const auto& range) {
        for (int64_t row = range.begin(); row < range.end(); ++row) {
            const int64_t b = row / h, y = row % h;
            const float* __restrict in_row = src + (b * h + y) * w * c;
            for (int64_t x0 = 0; x0 < w; x0 += kTile) {
                const int64_t x1 = std::min(w, x0 + kTile);
                for (int64_t ch = 0; ch < c; ++ch) {
                    float* __restrict out_row = dst + ((b * c + ch) * h + y) * w;
                    for (int64_t x = x0; x < x1; ++x) out_row[x] = in_row[x * c + ch];
                }
            }
        }
    });
    return out;
}

}  // namespace tilesim::ops::detail
