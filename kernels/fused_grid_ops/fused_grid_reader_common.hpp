#pragma once
// What the sample_sum and sample_dot kernels share: compile-time argument layouts, the unit (b, hd, q)
// a core works on, and grid_sample's taps of a sample (bilinear, zeros padding, align_corners=False) as
// the CPU reference computes them (ops/fused_grid_ops/grid_sampling.hpp: grid_taps).
#include "kernels/deformable_aggregation/sampling_reader_common.hpp"
#include "ops/fused_grid_ops/grid_sampling.hpp"

namespace fused_grid_kernels {

// Compile-time args of reader_sample_sum.cpp and reader_sample_dot.cpp.
enum FusedReaderArg : uint32_t {
    kChannels = 0,   // c (images' channels)
    kStickBytes,     // c * element size: one pixel of an image
    kRowBytes,       // ceil(c / 32) * 32 * element size: one row of a block
    kFormat,         // 0 float32, 1 bfloat16 (images, queries, encodings, blocks)
    kHeight,         // h
    kWidth,          // w
    kQueries,        // q
    kHeads,          // hd
    kDepth,          // d: samples per query
    kQueryBytes,     // sample_dot: (c - 2 * num_octaves) * element size (0: no query channels)
    kEncodingBytes,  // sample_dot: 2 * num_octaves * element size per sample (0: no encoding)
    kNumFusedReaderArgs
};

// Compile-time args of compute_sample_dot.cpp and writer_sample_dot.cpp.
enum SampleDotArg : uint32_t {
    kDotChannelTiles = 0,  // ceil(c / 32)
    kDotDepth,             // d: outputs per unit
    kDotCornerRowBytes,    // stride of the corner rows in a kValueRowsCb page (= kRowBytes)
    kDotOutputStickBytes,  // d * element size
    kDotFormat,            // output format, as kFormat
    kNumSampleDotArgs
};

constexpr uint32_t kSamplesPerDotBlock = 32;  // one interpolated sample per tile row
constexpr uint32_t kSamplesPerDotBatch = 8;   // samples the reader reads per barrier (divides 32)

inline tilesim::ops::detail::GridDims grid_dims() {
    tilesim::ops::detail::GridDims d{};
    d.channels = get_compile_time_arg_val(kChannels);
    d.height = get_compile_time_arg_val(kHeight);
    d.width = get_compile_time_arg_val(kWidth);
    d.queries = get_compile_time_arg_val(kQueries);
    d.depth = get_compile_time_arg_val(kDepth);
    d.heads = get_compile_time_arg_val(kHeads);
    return d;
}

inline sampling_kernels::RowGeometry row_geometry() {
    sampling_kernels::RowGeometry g;
    g.channels = get_compile_time_arg_val(kChannels);
    g.stick_bytes = get_compile_time_arg_val(kStickBytes);
    g.row_bytes = get_compile_time_arg_val(kRowBytes);
    g.format = get_compile_time_arg_val(kFormat);
    return g;
}

// Unit u = (b * hd + head) * q + query: its batch and its (b, q) row (the page of samples, depths and
// encodings shared by every head).
struct Unit {
    uint32_t batch, query_row;
};
inline Unit unit_of(uint32_t u, const tilesim::ops::detail::GridDims& d) {
    const auto per_batch = static_cast<uint32_t>(d.heads * d.queries);
    return {u / per_batch,
            u / per_batch * static_cast<uint32_t>(d.queries) + u % static_cast<uint32_t>(d.queries)};
}

inline tilesim::ops::PixelTaps sample_taps(const float* samples, uint32_t dd,
                                           const tilesim::ops::detail::GridDims& d) {
    return tilesim::ops::detail::grid_taps(samples + 2 * dd, d);
}

inline bool any_corner_inside(const tilesim::ops::PixelTaps& t) {
    return t.pixel[0] >= 0 || t.pixel[1] >= 0 || t.pixel[2] >= 0 || t.pixel[3] >= 0;
}

}  // namespace fused_grid_kernels
