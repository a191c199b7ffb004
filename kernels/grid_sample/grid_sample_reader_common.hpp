#pragma once
// LEGACY: kept only for kernels/deformable_aggregation/ (old-style kernels, still linked into libtilesim_ops)
// until that op is converted; grid_sample's own kernels use grid_sample_points.hpp. Delete with that conversion.
// Pieces every grid_sample reader shares: the compile-time argument layout, reading a grid point (raw
// or precomputed) and issuing the corner reads of one bilinear point. The coordinate math is the
// references' own (kernels/common/grid_sample_math.hpp), so the paths cannot drift apart.
#include <cmath>
#include <cstring>

#include "kernels/common/bilinear.hpp"
#include "kernels/common/grid_sample_math.hpp"
#include "tilesim/kernel_api.hpp"

namespace grid_sample_kernels {

// Compile-time args of every grid_sample reader, by index.
enum ReaderArg : uint32_t {
    kInputCb = 0,      // CB receiving corner sticks (bilinear) or output sticks (nearest)
    kScalarCb,         // CB receiving the 4 weights (bilinear only)
    kInputStickBytes,  // C * element size
    kInputSlotBytes,   // stride between the corner sticks in an input CB page
    kInputHeight,
    kInputWidth,
    kGridBatching,     // K points per grid stick
    kPrecomputedGrid,  // 1: grid sticks hold precomputed (h0, w0, weights) / (h, w) words
    kAlignCorners,
    kDataFormat,          // 0 float32, 1 bfloat16 (input, grid and weights)
    kGridSticksPerImage,  // H_out * W_out / K: grid sticks of one batch image
    kGridStickBytes,      // stride between grid sticks (aligned)
    kPointStride,         // split reader: a reader handles every kPointStride-th point ...
    kPointOffset,         // ... starting at this one
    kGridCb,              // interleaved readers: CB the grid sticks are read into
    kNumReaderArgs
};

constexpr uint32_t kFloat32 = 0, kBFloat16 = 1;

// Every reader's compile-time arguments, read once at kernel start.
struct ReaderConfig {
    uint32_t input_cb, scalar_cb, grid_cb;
    uint32_t stick_bytes, slot_bytes;
    int64_t height, width;
    uint32_t batching;
    bool precomputed, align_corners;
    uint32_t format;
    uint32_t sticks_per_image, grid_stick_bytes;
    uint32_t point_stride, point_offset;
};

inline ReaderConfig load_reader_config() {
    ReaderConfig c;
    c.input_cb = get_compile_time_arg_val(kInputCb);
    c.scalar_cb = get_compile_time_arg_val(kScalarCb);
    c.grid_cb = get_compile_time_arg_val(kGridCb);
    c.stick_bytes = get_compile_time_arg_val(kInputStickBytes);
    c.slot_bytes = get_compile_time_arg_val(kInputSlotBytes);
    c.height = get_compile_time_arg_val(kInputHeight);
    c.width = get_compile_time_arg_val(kInputWidth);
    c.batching = get_compile_time_arg_val(kGridBatching);
    c.precomputed = get_compile_time_arg_val(kPrecomputedGrid);
    c.align_corners = get_compile_time_arg_val(kAlignCorners);
    c.format = get_compile_time_arg_val(kDataFormat);
    c.sticks_per_image = get_compile_time_arg_val(kGridSticksPerImage);
    c.grid_stick_bytes = get_compile_time_arg_val(kGridStickBytes);
    c.point_stride = get_compile_time_arg_val(kPointStride);
    c.point_offset = get_compile_time_arg_val(kPointOffset);
    return c;
}
constexpr uint32_t kSpatialCyclesPerPoint = 40;  // scalar RISC-V work per point (coordinate math)

inline float load_value(const std::byte* p, uint32_t index, uint32_t format) {
    if (format == kFloat32) {
        float v;
        std::memcpy(&v, p + 4 * index, 4);
        return v;
    }
    uint16_t b;
    std::memcpy(&b, p + 2 * index, 2);
    return tilesim::bf16_to_float(b);
}

inline void store_value(std::byte* p, uint32_t index, float v, uint32_t format) {
    if (format == kFloat32) {
        std::memcpy(p + 4 * index, &v, 4);
    } else {
        const uint16_t b = tilesim::float_to_bf16(v);
        std::memcpy(p + 2 * index, &b, 2);
    }
}

inline int16_t load_int16(const std::byte* p, uint32_t index) {
    int16_t v;
    std::memcpy(&v, p + 2 * index, 2);
    return v;
}

// One bilinear point: top-left corner and the four weights (nw, ne, sw, se).
struct BilinearPoint {
    int64_t h0 = -2, w0 = -2;
    float weight[4] = {0, 0, 0, 0};
};

// Point k of a grid stick. Raw grids hold (x, y) pairs; precomputed grids hold 6 16-bit words per point:
// h0, w0 (int16) and the four weights (bf16), as tt-metal's prepare_grid_sample_grid writes them.
inline BilinearPoint bilinear_point(const std::byte* stick, uint32_t k, bool precomputed, uint32_t format,
                                    int64_t height, int64_t width, bool align_corners) {
    BilinearPoint p;
    if (precomputed) {
        p.h0 = load_int16(stick, 6 * k);
        p.w0 = load_int16(stick, 6 * k + 1);
        for (int i = 0; i < 4; ++i) p.weight[i] = load_value(stick, 6 * k + 2 + i, kBFloat16);
        return p;
    }
    using namespace tilesim::ops;
    const float x = grid_sampler_unnormalize(load_value(stick, 2 * k, format), width, align_corners);
    const float y = grid_sampler_unnormalize(load_value(stick, 2 * k + 1, format), height, align_corners);
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

// Reserves one page of the input and scalar CBs, reads the corners that lie inside the image (a corner
// outside gets weight 0 and a zeroed slot: zero padding), writes the weights, pushes both pages.
template <class InputGen>
void read_bilinear_corners(const BilinearPoint& p, uint32_t image, const InputGen& input, uint32_t input_cb,
                           uint32_t scalar_cb, uint32_t stick_bytes, uint32_t slot_bytes, int64_t height,
                           int64_t width, uint32_t format) {
    cb_reserve_back(input_cb, 1);
    cb_reserve_back(scalar_cb, 1);
    const uint32_t slots = get_write_ptr(input_cb);
    const uint32_t weights_addr = get_write_ptr(scalar_cb);
    std::byte* weights = l1_ptr<std::byte>(weights_addr, 4 * (format == kFloat32 ? 4 : 2));
    for (uint32_t corner = 0; corner < 4; ++corner) {
        const int64_t h = p.h0 + corner / 2, w = p.w0 + corner % 2;
        const uint32_t slot = slots + corner * slot_bytes;
        float weight = p.weight[corner];
        if (tilesim::ops::in_bounds(h, w, height, width)) {
            const auto page = static_cast<uint32_t>((int64_t(image) * height + h) * width + w);
            noc_async_read(get_noc_addr(page, input), slot, stick_bytes);
        } else {
            weight = 0.f;
            std::memset(l1_ptr<std::byte>(slot, stick_bytes), 0, stick_bytes);
        }
        store_value(weights, corner, weight, format);
    }
    kernel_spend_cycles(kSpatialCyclesPerPoint);
    cb_push_back(scalar_cb, 1);
    noc_async_read_barrier();
    cb_push_back(input_cb, 1);
}

// Point k of a grid stick as a bilinear point, then its corner reads (the two steps every bilinear reader
// takes per point).
template <class InputGen>
void process_bilinear_point(const ReaderConfig& c, const std::byte* stick, uint32_t k, uint32_t image,
                            const InputGen& input, uint32_t input_cb, uint32_t scalar_cb) {
    const BilinearPoint p =
        bilinear_point(stick, k, c.precomputed, c.format, c.height, c.width, c.align_corners);
    read_bilinear_corners(p, image, input, input_cb, scalar_cb, c.stick_bytes, c.slot_bytes, c.height,
                          c.width, c.format);
}

// Nearest point k of a grid stick: (h, w), or (-1, -1) when it falls outside. tt-metal rounds
// floor(v + 0.5) (align_corners=false) / round(v) (true); PyTorch's nearbyint rounds half to even: they
// differ only on exact .5 coordinates (docs/ops/grid_sample.md).
inline void nearest_point(const std::byte* stick, uint32_t k, bool precomputed, uint32_t format,
                          int64_t height, int64_t width, bool align_corners, int64_t& h, int64_t& w) {
    if (precomputed) {
        h = load_int16(stick, 2 * k);
        w = load_int16(stick, 2 * k + 1);
        return;
    }
    using namespace tilesim::ops;
    const float x = grid_sampler_unnormalize(load_value(stick, 2 * k, format), width, align_corners);
    const float y = grid_sampler_unnormalize(load_value(stick, 2 * k + 1, format), height, align_corners);
    h = w = -1;
    if (!coordinate_is_usable(x) || !coordinate_is_usable(y)) return;
    const float ry = align_corners ? std::round(y) : std::floor(y + 0.5f);
    const float rx = align_corners ? std::round(x) : std::floor(x + 0.5f);
    if (in_bounds(static_cast<int64_t>(ry), static_cast<int64_t>(rx), height, width)) {
        h = static_cast<int64_t>(ry);
        w = static_cast<int64_t>(rx);
    }
}

}  // namespace grid_sample_kernels
