#pragma once
// What the sample_sum and sample_dot readers share: the problem sizes from the compile-time args, the unit
// (b, hd, q) a core works on, and grid_sample's taps of a sample (bilinear, zeros padding,
// align_corners=False) as the CPU reference computes them (kernels/fused_grid_ops/grid_taps.hpp).
// Data-movement kernels only.
#include <cstdint>

#include "kernels/deformable_aggregation/sampling_reader_common.hpp"
#include "kernels/fused_grid_ops/fused_grid_layout.hpp"
#include "kernels/fused_grid_ops/grid_taps.hpp"

namespace fused_grid_kernels {

using tilesim::ops::PixelTaps;
using tilesim::ops::detail::GridDims;

constexpr GridDims grid_dims() {
    GridDims d{};
    d.channels = get_compile_time_arg_val(kChannels);
    d.height = get_compile_time_arg_val(kHeight);
    d.width = get_compile_time_arg_val(kWidth);
    d.queries = get_compile_time_arg_val(kQueries);
    d.depth = get_compile_time_arg_val(kDepth);
    d.heads = get_compile_time_arg_val(kHeads);
    return d;
}

// The blocks' row geometry; the format is the value CB's.
inline sampling_kernels::RowGeometry row_geometry() {
    return {get_compile_time_arg_val(kChannels), get_compile_time_arg_val(kStickBytes),
            get_compile_time_arg_val(kRowBytes), get_dataformat(sampling_kernels::kValueRowsCb)};
}

// Unit u = (b * hd + head) * q + query: its batch and its (b, q) row (the page of samples, depths and
// encodings shared by every head).
struct Unit {
    uint32_t batch, query_row;
};
constexpr Unit unit_of(uint32_t u, const GridDims& d) {
    const auto per_batch = static_cast<uint32_t>(d.heads * d.queries);
    return {u / per_batch,
            u / per_batch * static_cast<uint32_t>(d.queries) + u % static_cast<uint32_t>(d.queries)};
}

// Taps of depth sample dd of a samples stick ((x, y) float32 pairs in L1).
inline PixelTaps sample_taps(const volatile tt_l1_ptr float* samples, uint32_t dd, const GridDims& d) {
    const float xy[2] = {samples[2 * dd], samples[2 * dd + 1]};
    return tilesim::ops::detail::grid_taps(xy, d);
}

inline bool any_corner_inside(const PixelTaps& t) {
    return t.pixel[0] >= 0 || t.pixel[1] >= 0 || t.pixel[2] >= 0 || t.pixel[3] >= 0;
}

}  // namespace fused_grid_kernels
