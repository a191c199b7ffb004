#pragma once
// Pieces every grid_sample reader shares: reading a grid point (raw or precomputed) and issuing the corner
// reads of one bilinear point. The coordinate math is the references' own (kernels/common/), so the paths
// cannot drift apart. Flags are template parameters: each kernel build keeps only its own branch.
#include <cstdint>

#include "kernels/common/bfloat16.hpp"
#include "kernels/common/bilinear.hpp"
#include "kernels/common/grid_sample_math.hpp"
#include "kernels/common/l1_values.hpp"
#include "kernels/grid_sample/grid_sample_args.hpp"

namespace grid_sample_kernels {

// Value `index` of an L1 array of float32 or bfloat16 words.
template <bool Fp32>
inline float load_value(uint32_t addr, uint32_t index) {
    if constexpr (Fp32) {
        return reinterpret_cast<volatile tt_l1_ptr float*>(addr)[index];
    } else {
        return tilesim_kernels::bfloat16_to_float(
            reinterpret_cast<volatile tt_l1_ptr uint16_t*>(addr)[index]);
    }
}

template <bool Fp32>
inline void store_value(uint32_t addr, uint32_t index, float v) {
    if constexpr (Fp32) {
        reinterpret_cast<volatile tt_l1_ptr float*>(addr)[index] = v;
    } else {
        reinterpret_cast<volatile tt_l1_ptr uint16_t*>(addr)[index] = tilesim_kernels::float_to_bfloat16(v);
    }
}

inline int16_t load_int16(uint32_t addr, uint32_t index) {
    return reinterpret_cast<volatile tt_l1_ptr int16_t*>(addr)[index];
}

using tilesim_kernels::zero_l1;  // zero padding for a corner outside the image

// One bilinear point: top-left corner and the four weights (nw, ne, sw, se).
struct BilinearPoint {
    int64_t h0 = -2, w0 = -2;
    float weight[4] = {0, 0, 0, 0};
};

// Point k of the grid stick at `stick`. Raw grids hold (x, y) pairs; precomputed grids hold 6 16-bit words
// per point: h0, w0 (int16) and the four weights (bf16), as tt-metal's prepare_grid_sample_grid writes them.
template <bool Precomputed, bool AlignCorners, bool GridFp32>
inline BilinearPoint bilinear_point(uint32_t stick, uint32_t k, int64_t height, int64_t width) {
    BilinearPoint p;
    if constexpr (Precomputed) {
        p.h0 = load_int16(stick, 6 * k);
        p.w0 = load_int16(stick, 6 * k + 1);
        for (uint32_t i = 0; i < 4; ++i) p.weight[i] = load_value<false>(stick, 6 * k + 2 + i);
        return p;
    } else {
        using namespace tilesim::ops;
        const float x = grid_sampler_unnormalize(load_value<GridFp32>(stick, 2 * k), width, AlignCorners);
        const float y =
            grid_sampler_unnormalize(load_value<GridFp32>(stick, 2 * k + 1), height, AlignCorners);
        if (!coordinate_is_usable(x) || !coordinate_is_usable(y)) return p;  // NaN/inf: every corner outside
        const BilinearTaps t = bilinear_taps(y, x);
        p.h0 = t.y0;
        p.w0 = t.x0;
        p.weight[0] = t.w_nw;
        p.weight[1] = t.w_ne;
        p.weight[2] = t.w_sw;
        p.weight[3] = t.w_se;
        return p;
    }
}

// Reserves one page of the input and scalar CBs, reads the corners that lie inside the image into slots
// `stick_bytes` apart (a corner outside gets weight 0 and a zeroed slot: zero padding), writes the weights
// in the scalar CB's format, pushes both pages.
template <bool DataFp32, class InputAccessor>
void read_bilinear_corners(const BilinearPoint& p, uint32_t image, const InputAccessor& input,
                           uint32_t input_cb, uint32_t scalar_cb, uint32_t stick_bytes, int64_t height,
                           int64_t width) {
    cb_reserve_back(input_cb, 1);
    cb_reserve_back(scalar_cb, 1);
    const uint32_t slots = get_write_ptr(input_cb);
    const uint32_t weights = get_write_ptr(scalar_cb);
    for (uint32_t corner = 0; corner < 4; ++corner) {
        const int64_t h = p.h0 + corner / 2, w = p.w0 + corner % 2;
        const uint32_t slot = slots + corner * stick_bytes;
        float weight = p.weight[corner];
        if (tilesim::ops::in_bounds(h, w, height, width)) {
            const auto page = static_cast<uint32_t>((int64_t(image) * height + h) * width + w);
            noc_async_read(input.get_noc_addr(page), slot, stick_bytes);
        } else {
            weight = 0.f;
            zero_l1(slot, stick_bytes);
        }
        store_value<DataFp32>(weights, corner, weight);
    }
    cb_push_back(scalar_cb, 1);
    noc_async_read_barrier();
    cb_push_back(input_cb, 1);
}

// Nearest point k of a grid stick: (h, w), or (-1, -1) when it falls outside. tt-metal rounds
// floor(v + 0.5) (align_corners=false) / round(v) (true); PyTorch's nearbyint rounds half to even: they
// differ only on exact .5 coordinates (docs/ops/grid_sample.md).
template <bool Precomputed, bool AlignCorners, bool GridFp32>
inline void nearest_point(uint32_t stick, uint32_t k, int64_t height, int64_t width, int64_t& h, int64_t& w) {
    if constexpr (Precomputed) {
        h = load_int16(stick, 2 * k);
        w = load_int16(stick, 2 * k + 1);
    } else {
        using namespace tilesim::ops;
        const float x = grid_sampler_unnormalize(load_value<GridFp32>(stick, 2 * k), width, AlignCorners);
        const float y =
            grid_sampler_unnormalize(load_value<GridFp32>(stick, 2 * k + 1), height, AlignCorners);
        h = w = -1;
        if (!coordinate_is_usable(x) || !coordinate_is_usable(y)) return;
        const float ry = AlignCorners ? ::roundf(y) : ::floorf(y + 0.5f);
        const float rx = AlignCorners ? ::roundf(x) : ::floorf(x + 0.5f);
        if (in_bounds(static_cast<int64_t>(ry), static_cast<int64_t>(rx), height, width)) {
            h = static_cast<int64_t>(ry);
            w = static_cast<int64_t>(rx);
        }
    }
}

#ifdef ALIGN_CORNERS
constexpr bool kAlignCorners = true;
#else
constexpr bool kAlignCorners = false;
#endif

}  // namespace grid_sample_kernels
