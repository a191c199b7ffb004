// Host-side grid preparation (tt-metal: grid_sample_prepare_grid.cpp): the reader then skips the
// coordinate math and reads corner indices and weights straight from the grid stick.
#include <cmath>
#include <cstring>

#include "kernels/common/bilinear.hpp"
#include "ops/grid_sample/grid_sample_device.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
uint16_t int16_word(int64_t v) {
    return static_cast<uint16_t>(static_cast<int16_t>(v));
}
}  // namespace

Tensor prepare_grid_sample_grid(const Tensor& grid, const Shape& input_shape, GridSampleMode mode,
                                PaddingMode padding_mode, bool align_corners) {
    if (grid.shape().rank() != 4 || grid.shape()[3] % 2 != 0) {
        fail("prepare_grid_sample_grid: grid must be [N, H_out, W_out, 2K], got {}", grid.shape());
    }
    if (input_shape.rank() != 4)
        fail("prepare_grid_sample_grid: input shape must be [N, H, W, C], got {}", input_shape);
    if (padding_mode != PaddingMode::Zeros)
        fail("prepare_grid_sample_grid: only padding_mode 'zeros' is supported on the device path");
    if (mode != GridSampleMode::Bilinear && mode != GridSampleMode::Nearest) {
        fail("prepare_grid_sample_grid: mode must be bilinear or nearest, got bicubic");
    }
    const int64_t height = input_shape[1], width = input_shape[2];
    if (height > 32767 || width > 32767) {
        fail("prepare_grid_sample_grid: precomputed grids store int16 indices; input {}x{} exceeds 32767",
             height, width);
    }
    const uint32_t points = grid.shape()[3] / 2;
    const uint32_t words_per_point = mode == GridSampleMode::Bilinear ? 6 : 2;
    Shape out_shape = grid.shape();
    out_shape[3] = points * words_per_point;
    Tensor out(out_shape, DataType::UInt16);
    const std::vector<float> g = grid.to_floats();
    auto words = out.data<uint16_t>();
    const uint64_t num_points = g.size() / 2;
    for (uint64_t p = 0; p < num_points; ++p) {
        const float x = grid_sampler_unnormalize(g[2 * p], width, align_corners);
        const float y = grid_sampler_unnormalize(g[2 * p + 1], height, align_corners);
        uint16_t* w = words.data() + p * words_per_point;
        const bool usable = coordinate_is_usable(x) && coordinate_is_usable(y);
        if (mode == GridSampleMode::Nearest) {
            // tt-metal's rounding: floor(v + 0.5) (align_corners=false), round(v) (true).
            int64_t h = -1, c = -1;
            if (usable) {
                const auto ry = static_cast<int64_t>(align_corners ? std::round(y) : std::floor(y + 0.5f));
                const auto rx = static_cast<int64_t>(align_corners ? std::round(x) : std::floor(x + 0.5f));
                if (in_bounds(ry, rx, height, width)) h = ry, c = rx;
            }
            w[0] = int16_word(h);
            w[1] = int16_word(c);
            continue;
        }
        BilinearTaps t{-2, -2, 0, 0, 0, 0};  // no corner inside
        if (usable) {
            const BilinearTaps real = bilinear_taps(y, x);
            if (real.y0 >= -1 && real.y0 < height && real.x0 >= -1 && real.x0 < width) t = real;
        }
        w[0] = int16_word(t.y0);
        w[1] = int16_word(t.x0);
        w[2] = float_to_bf16(t.w_nw);
        w[3] = float_to_bf16(t.w_ne);
        w[4] = float_to_bf16(t.w_sw);
        w[5] = float_to_bf16(t.w_se);
    }
    return out;
}

}  // namespace tilesim::ops
