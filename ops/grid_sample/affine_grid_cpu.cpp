// F.affine_grid (2-D) on the CPU: grid[n, h, w] = theta[n] @ (x_w, y_h, 1), with x and y spaced over [-1, 1]
// as PyTorch spaces them (AffineGridGenerator.cpp: linspace_from_neg_one).
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

// PyTorch: linspace(-1, 1, steps), scaled by (steps - 1) / steps without align_corners (pixel centres);
// a single step sits at 0. linspace fills the first half forwards from -1 and the rest backwards from +1.
std::vector<float> linspace_from_neg_one(int64_t steps, bool align_corners) {
    std::vector<float> v(steps, 0.f);
    if (steps <= 1) return v;
    const float step = 2.f / static_cast<float>(steps - 1);
    const int64_t halfway = steps / 2;
    for (int64_t i = 0; i < steps; ++i) {
        v[i] = i < halfway ? -1.f + step * static_cast<float>(i)
                           : 1.f - step * static_cast<float>(steps - i - 1);
        if (!align_corners) v[i] = v[i] * static_cast<float>(steps - 1) / static_cast<float>(steps);
    }
    return v;
}

}  // namespace

void affine_grid_cpu(const float* theta, float* grid, int64_t n, int64_t h, int64_t w, bool align_corners) {
    int64_t rows = 0, volume = 0;
    if (n <= 0 || h <= 0 || w <= 0 || __builtin_mul_overflow(n, h, &rows) ||
        __builtin_mul_overflow(rows, w, &volume) || __builtin_mul_overflow(volume, int64_t{2}, &volume)) {
        fail("affine_grid: size [N={}, H={}, W={}] must be positive and small enough to count in int64", n, h,
             w);
    }
    const std::vector<float> xs = linspace_from_neg_one(w, align_corners);
    const std::vector<float> ys = linspace_from_neg_one(h, align_corners);
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, n * h),
                              [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                  for (int64_t row = r.begin(); row < r.end(); ++row) {
                                      const float* t = theta + (row / h) * 6;
                                      const float y = ys[row % h];
                                      float* out = grid + row * w * 2;
                                      for (int64_t i = 0; i < w; ++i) {
                                          out[2 * i] = xs[i] * t[0] + y * t[1] + t[2];
                                          out[2 * i + 1] = xs[i] * t[3] + y * t[4] + t[5];
                                      }
                                  }
                              });
}

}  // namespace tilesim::ops
