#pragma once
// Helpers for the grid_sample tests: layout conversion, running the reference in either layout, tolerances.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "ops/grid_sample/grid_sample_reference.hpp"

namespace tilesim::ops {
// gtest prints parameters with this (found by ADL).
inline void PrintTo(ChannelLayout layout, std::ostream* os) {
    *os << to_string(layout);
}
}  // namespace tilesim::ops

namespace tilesim::testing {

using ops::ChannelLayout;
using ops::GridSampleOptions;
using ops::GridSampleShape;

// [n, c, h, w] -> [n, h, w, c]
inline std::vector<float> nchw_to_nhwc(std::span<const float> x, int64_t n, int64_t c, int64_t h, int64_t w) {
    std::vector<float> y(x.size());
    for (int64_t b = 0; b < n; ++b)
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t p = 0; p < h * w; ++p) y[(b * h * w + p) * c + ch] = x[(b * c + ch) * h * w + p];
    return y;
}

// [n, h, w, c] -> [n, c, h, w]
inline std::vector<float> nhwc_to_nchw(std::span<const float> x, int64_t n, int64_t c, int64_t h, int64_t w) {
    std::vector<float> y(x.size());
    for (int64_t b = 0; b < n; ++b)
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t p = 0; p < h * w; ++p) y[(b * c + ch) * h * w + p] = x[(b * h * w + p) * c + ch];
    return y;
}

struct GridSampleResult {
    std::vector<float> output, grad_input, grad_grid;  // always NCHW, whatever layout ran
};

// A grid_sample implementation: the CPU reference's pair of functions, or the CUDA path's.
struct GridSampleImpl {
    decltype(&ops::grid_sample_forward_cpu) forward;
    decltype(&ops::grid_sample_backward_cpu) backward;
};
inline constexpr GridSampleImpl kCpuGridSample{&ops::grid_sample_forward_cpu, &ops::grid_sample_backward_cpu};

// Runs `impl`'s forward (and backward when grad_output is non-empty) in `layout` on NCHW tensors,
// converting the layout on the way in and out so that results compare directly with PyTorch's.
inline GridSampleResult run_grid_sample_with(const GridSampleImpl& impl, const GridSampleShape& s,
                                             ChannelLayout layout, const GridSampleOptions& options,
                                             std::span<const float> input_nchw, std::span<const float> grid,
                                             std::span<const float> grad_output_nchw = {}) {
    const bool nhwc = layout == ChannelLayout::NHWC;
    const std::vector<float> input = nhwc ? nchw_to_nhwc(input_nchw, s.n, s.c, s.h, s.w)
                                          : std::vector<float>(input_nchw.begin(), input_nchw.end());
    GridSampleResult r;
    std::vector<float> output(s.n * s.c * s.out_h * s.out_w);
    impl.forward(input.data(), grid.data(), output.data(), s, layout, options);
    r.output = nhwc ? nhwc_to_nchw(output, s.n, s.c, s.out_h, s.out_w) : output;
    if (grad_output_nchw.empty()) return r;
    const std::vector<float> gout =
        nhwc ? nchw_to_nhwc(grad_output_nchw, s.n, s.c, s.out_h, s.out_w)
             : std::vector<float>(grad_output_nchw.begin(), grad_output_nchw.end());
    std::vector<float> grad_input(input.size(), -7.f), grad_grid(grid.size(), -7.f);  // overwritten
    impl.backward(gout.data(), input.data(), grid.data(), grad_input.data(), grad_grid.data(), s, layout,
                  options);
    r.grad_input = nhwc ? nhwc_to_nchw(grad_input, s.n, s.c, s.h, s.w) : grad_input;
    r.grad_grid = grad_grid;
    return r;
}

// The CPU reference through run_grid_sample_with.
inline GridSampleResult run_grid_sample(const GridSampleShape& s, ChannelLayout layout,
                                        const GridSampleOptions& options, std::span<const float> input_nchw,
                                        std::span<const float> grid,
                                        std::span<const float> grad_output_nchw = {}) {
    return run_grid_sample_with(kCpuGridSample, s, layout, options, input_nchw, grid, grad_output_nchw);
}

// 1e-5 of the reference's scale (its largest finite magnitude, at least 1).
inline double scaled_tolerance(std::span<const float> expected, double relative = 1e-5) {
    double scale = 1.0;
    for (float v : expected) {
        if (std::isfinite(v)) scale = std::max(scale, static_cast<double>(std::abs(v)));
    }
    return relative * scale;
}

inline std::vector<float> random_vector(size_t count, float lo, float hi, uint32_t seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(count);
    for (float& x : v) x = dist(gen);
    return v;
}

inline const std::vector<GridSampleOptions>& all_grid_sample_options() {
    static const std::vector<GridSampleOptions> all = [] {
        std::vector<GridSampleOptions> v;
        for (auto mode :
             {ops::GridSampleMode::Bilinear, ops::GridSampleMode::Nearest, ops::GridSampleMode::Bicubic})
            for (auto pad : {ops::PaddingMode::Zeros, ops::PaddingMode::Border, ops::PaddingMode::Reflection})
                for (bool ac : {false, true}) v.push_back({mode, pad, ac});
        return v;
    }();
    return all;
}

inline std::string options_name(const GridSampleOptions& o) {
    return std::string(ops::to_string(o.mode)) + "_" + std::string(ops::to_string(o.padding_mode)) + "_ac" +
           (o.align_corners ? "1" : "0");
}

}  // namespace tilesim::testing
