#pragma once
// grid_sample's scalar coordinate and weight math (torch.nn.functional.grid_sample, 2-D), shared by the CPU
// reference, the CUDA reference and the simulated kernels so that the three paths cannot drift apart.
// Dependency-free (only <cmath>/<cstdint>) so that kernels and device code may include it.
//
// The formulas are those of PyTorch 1.13's CPU kernel (aten/src/ATen/native/cpu/GridSamplerKernel.cpp),
// which is what torch runs for float32 on a CPU; they differ from the scalar helpers in
// aten/src/ATen/native/GridSampler.h only in rounding (e.g. unnormalize as (g + 1) * (size / 2) - 0.5) and
// in NaN handling (clipping sends NaN to 0, not to size - 1).
//
// Non-finite and huge coordinates never reach a float->int conversion (which would be undefined): every
// index goes through safe_index(), which maps them to kOutOfRangeIndex.
#include <cmath>
#include <cstdint>

#include "kernels/common/bilinear.hpp"
#include "kernels/common/host_device.hpp"

namespace tilesim::ops {

enum class GridSampleMode { Bilinear, Nearest, Bicubic };
enum class PaddingMode { Zeros, Border, Reflection };

// An index that addresses nothing: far enough below zero that it and its neighbours (+1, +2) stay out of
// range, and small enough that index * stride cannot overflow.
inline constexpr int64_t kOutOfRangeIndex = -(int64_t{1} << 40);

// float -> index, truncating like PyTorch's vector conversion; NaN, inf and |v| >= 1e9 (which cannot address
// any map) give kOutOfRangeIndex.
TILESIM_HD int64_t safe_index(float v) {
    return coordinate_is_usable(v) ? static_cast<int64_t>(v) : kOutOfRangeIndex;
}

// d(pixel coordinate) / d(grid coordinate).
// PyTorch: align_corners maps -1 and +1 to the centres of the corner pixels, else to the image edges.
TILESIM_HD float unnormalize_scale(int64_t size, bool align_corners) {
    return align_corners ? static_cast<float>(size - 1) / 2.f : static_cast<float>(size) / 2.f;
}

// Grid coordinate in [-1, 1] -> pixel coordinate: [0, size-1] (align_corners) or [-0.5, size-0.5].
TILESIM_HD float grid_sampler_unnormalize(float coord, int64_t size, bool align_corners) {
    const float scaled = (coord + 1.f) * unnormalize_scale(size, align_corners);
    return align_corners ? scaled : scaled - 0.5f;
}

TILESIM_HD float grid_sampler_unnormalize_set_grad(float coord, int64_t size, bool align_corners,
                                                   float* grad) {
    *grad = unnormalize_scale(size, align_corners);
    return grid_sampler_unnormalize(coord, size, align_corners);
}

// Clamps to [0, size-1]; NaN goes to 0 (PyTorch's vector clamp keeps the bound when an operand is NaN).
TILESIM_HD float clip_coordinates(float in, int64_t size) {
    const float max_val = static_cast<float>(size - 1);
    return in > 0.f ? (in < max_val ? in : max_val) : 0.f;
}

// As clip_coordinates, and *grad = d out / d in: 1 strictly inside, 0 on or beyond a border (PyTorch: "it is
// important for the gradient calculation that borders are considered out of bounds").
TILESIM_HD float clip_coordinates_set_grad(float in, int64_t size, float* grad) {
    const float max_val = static_cast<float>(size - 1);
    *grad = (in > 0.f && in < max_val) ? 1.f : 0.f;
    return clip_coordinates(in, size);
}

// Reflects about the borders until the value lies in [low, low + span]: [0, size-1] with align_corners,
// [-0.5, size-0.5] without. *grad is +1 or -1 (the sign flips with every reflection), 0 for an empty span.
// PyTorch's CPU form: fold |in - low| by twice the span with a truncated division, then one more flip.
TILESIM_HD float reflect_coordinates_set_grad(float in, int64_t size, bool align_corners, float* grad) {
    if (align_corners && size <= 1) {
        *grad = 0.f;
        return 0.f;
    }
    const float low = align_corners ? 0.f : -0.5f;
    const float twice_span =
        align_corners ? static_cast<float>(size - 1) * 2.f : static_cast<float>(size) * 2.f;
    const float shifted = in - low;
    const float abs_in = ::fabsf(shifted);
    const float double_flips = ::truncf(abs_in / twice_span);
    const float extra = abs_in - double_flips * twice_span;
    const float reflected = twice_span - extra;
    const bool one_more_flip = extra > reflected;
    *grad = (one_more_flip != (shifted < 0.f)) ? -1.f : 1.f;
    return (one_more_flip ? reflected : extra) + low;  // NaN stays NaN (then clipped to 0)
}

TILESIM_HD float reflect_coordinates(float in, int64_t size, bool align_corners) {
    float grad;
    return reflect_coordinates_set_grad(in, size, align_corners, &grad);
}

// The padding rule applied to a pixel coordinate (PyTorch's compute_coordinates): zeros leaves it alone,
// border clips it, reflection reflects then clips.
TILESIM_HD float compute_coordinates(float coord, int64_t size, PaddingMode padding, bool align_corners) {
    if (padding == PaddingMode::Border) return clip_coordinates(coord, size);
    if (padding == PaddingMode::Reflection) {
        return clip_coordinates(reflect_coordinates(coord, size, align_corners), size);
    }
    return coord;
}

// Grid coordinate -> padded pixel coordinate (PyTorch's grid_sampler_compute_source_index).
TILESIM_HD float grid_sampler_compute_source_index(float coord, int64_t size, PaddingMode padding,
                                                   bool align_corners) {
    return compute_coordinates(grid_sampler_unnormalize(coord, size, align_corners), size, padding,
                               align_corners);
}

// As above, and *grad = d(source index) / d(grid coordinate): the unnormalize scale, times 0 where clipped
// and times -1 where reflected an odd number of times.
TILESIM_HD float grid_sampler_compute_source_index_set_grad(float coord, int64_t size, PaddingMode padding,
                                                            bool align_corners, float* grad) {
    float scale;
    float x = grid_sampler_unnormalize_set_grad(coord, size, align_corners, &scale);
    float reflect_grad = 1.f, clip_grad = 1.f;
    if (padding == PaddingMode::Reflection) {
        x = reflect_coordinates_set_grad(x, size, align_corners, &reflect_grad);
    }
    if (padding != PaddingMode::Zeros) x = clip_coordinates_set_grad(x, size, &clip_grad);
    *grad = scale * reflect_grad * clip_grad;
    return x;
}

// Round half to even, i.e. std::nearbyint under the default rounding mode (PyTorch's nearest mode uses
// nearbyint / vector round-to-nearest-int). Adding and removing 2^23 makes the FPU round the fraction away
// in round-to-nearest-even; |v| >= 2^23 is already integral, and NaN/inf pass through.
TILESIM_HD float nearbyint_half_even(float v) {
    const float two_pow_23 = 8388608.f;
    const float a = ::fabsf(v);
    if (!(a < two_pow_23)) return v;
    return ::copysignf((a + two_pow_23) - two_pow_23, v);
}

// Keys cubic convolution, A = -0.75 (PyTorch: the same constant as UpSampleBicubic2d).
inline constexpr float kCubicA = -0.75f;

// Weights of the taps at floor(x) - 1 .. floor(x) + 2 for t = x - floor(x) in [0, 1).
TILESIM_HD void cubic_coefficients(float t, float coeffs[4]) {
    const float A = kCubicA;
    float x = t + 1.f;  // 1 <= x < 2
    coeffs[0] = ((A * x - 5.f * A) * x + 8.f * A) * x - 4.f * A;
    x = t;  // 0 <= x < 1
    coeffs[1] = ((A + 2.f) * x - (A + 3.f)) * x * x + 1.f;
    x = 1.f - t;  // 0 < x <= 1
    coeffs[2] = ((A + 2.f) * x - (A + 3.f)) * x * x + 1.f;
    x = 2.f - t;  // 1 < x <= 2
    coeffs[3] = ((A * x - 5.f * A) * x + 8.f * A) * x - 4.f * A;
}

// d coeffs[i] / d t. (PyTorch's get_cubic_coefficients_grad returns the negation, d / d(tap - x), and
// subtracts it; the values here are exactly its negation.)
TILESIM_HD void cubic_coefficients_derivative(float t, float deriv[4]) {
    const float A = kCubicA;
    float x = -1.f - t;
    deriv[0] = -((-3.f * A * x - 10.f * A) * x - 8.f * A);
    x = -t;
    deriv[1] = -((-3.f * (A + 2.f) * x - 2.f * (A + 3.f)) * x);
    x = 1.f - t;
    deriv[2] = -((3.f * (A + 2.f) * x - 2.f * (A + 3.f)) * x);
    x = 2.f - t;
    deriv[3] = -((3.f * A * x - 10.f * A) * x + 8.f * A);
}

// ---- Taps along one axis. The 2-D taps are the products of an x-axis and a y-axis set (tap (j, i) has
// weight wy[j] * wx[i]), which is how PyTorch forms them for all three modes.

template <int K>
struct AxisTaps {
    int64_t index[K];  // source pixel along the axis (kOutOfRangeIndex if the coordinate is unusable)
    float weight[K];   // interpolation weight (NaN for a non-finite coordinate, as in PyTorch)
    float dweight[K];  // d weight / d grid coordinate: unnormalize scale and padding multiplier included
};

// Bilinear: taps floor(x) and floor(x) + 1, weights (x1 - x, x - x0) formed as kernels/common/bilinear.hpp
// forms them, so that wy * wx equals bilinear_taps()'s weights bit for bit.
TILESIM_HD AxisTaps<2> bilinear_axis_taps(float grid, int64_t size, PaddingMode padding, bool align_corners) {
    float mult;
    const float x = grid_sampler_compute_source_index_set_grad(grid, size, padding, align_corners, &mult);
    const float x0 = ::floorf(x);
    AxisTaps<2> a;
    a.index[0] = safe_index(x0);
    a.index[1] = a.index[0] + 1;
    a.weight[0] = (x0 + 1.f) - x;
    a.weight[1] = x - x0;
    a.dweight[0] = -mult;
    a.dweight[1] = mult;
    return a;
}

// Nearest: the pixel nearbyint(x), weight 1, no gradient with respect to the grid.
TILESIM_HD AxisTaps<1> nearest_axis_taps(float grid, int64_t size, PaddingMode padding, bool align_corners) {
    const float x = grid_sampler_compute_source_index(grid, size, padding, align_corners);
    AxisTaps<1> a;
    a.index[0] = safe_index(nearbyint_half_even(x));
    a.weight[0] = 1.f;
    a.dweight[0] = 0.f;
    return a;
}

// Bicubic: the unnormalized coordinate is not padded; each of the four taps floor(x) - 1 .. floor(x) + 2
// goes through the padding rule on its own (PyTorch's get_value_bounded), so border and reflection clip the
// tap index while zeros leaves it out of range.
TILESIM_HD AxisTaps<4> bicubic_axis_taps(float grid, int64_t size, PaddingMode padding, bool align_corners) {
    float scale;
    const float x = grid_sampler_unnormalize_set_grad(grid, size, align_corners, &scale);
    const float x0 = ::floorf(x);
    AxisTaps<4> a;
    cubic_coefficients(x - x0, a.weight);
    cubic_coefficients_derivative(x - x0, a.dweight);
    for (int i = 0; i < 4; ++i) {
        const float tap = compute_coordinates(x0 + static_cast<float>(i - 1), size, padding, align_corners);
        a.index[i] = safe_index(tap);
        a.dweight[i] *= scale;
    }
    return a;
}

TILESIM_HD bool index_in_range(int64_t i, int64_t size) {
    return i >= 0 && i < size;
}

}  // namespace tilesim::ops
