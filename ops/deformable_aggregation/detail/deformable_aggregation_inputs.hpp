#pragma once
// Validated sizes of deformable aggregation's inputs, shared by the fused, backward and fallback paths.
#include <cstdint>
#include <string_view>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "kernels/deformable_aggregation/deformable_taps.hpp"  // FeatureMapGeometry, location_is_sampled, deformable_taps
#include "ops/deformable_aggregation/detail/channels_last_taps.hpp"
#include "ops/common/host_array.hpp"

namespace tilesim::ops::detail {

struct DeformableDims {
    int64_t bs, num_feat, channels;
    int64_t num_cams, num_scale;
    int64_t num_anchor, num_pts;
    int64_t num_groups, group_size;        // group_size = C / num_groups
    std::vector<FeatureMapGeometry> maps;  // index cam * num_scale + scale

    const FeatureMapGeometry& map(int64_t cam, int64_t scale) const { return maps[cam * num_scale + scale]; }
    // Offset of sampling_location[b, a, pt, cam, 0] with row = b * num_anchor + a.
    int64_t location_offset(int64_t row, int64_t pt, int64_t cam) const {
        return ((row * num_pts + pt) * num_cams + cam) * 2;
    }
    // Offset of weights[b, a, pt, cam, scale, 0] with row = b * num_anchor + a.
    int64_t weight_offset(int64_t row, int64_t pt, int64_t cam, int64_t scale) const {
        return (((row * num_pts + pt) * num_cams + cam) * num_scale + scale) * num_groups;
    }
};

// Checks every shape, the group split of C and that each map lies inside num_feat; `op` prefixes the
// error messages.
DeformableDims validate_deformable_inputs(std::string_view op, const ArrayView<float>& mc_ms_feat,
                                          const ArrayView<int32_t>& spatial_shape,
                                          const ArrayView<int32_t>& scale_start_index,
                                          const ArrayView<float>& sampling_location,
                                          const ArrayView<float>& weights);

// Runs body(cam, scale, rows) for every map and every (b, anchor) row (rows: a blocked_range of rows):
// the maps one after the other, the rows of the map's batch in parallel. All threads then read the same map
// (11.5 MB at most at SparseDrive's size), which stays in the last-level cache; visiting all maps per row
// instead reads the whole mc_ms_feat at random. Each row has one owner per map, visited in a fixed order:
// deterministic.
template <class Body>
void for_each_map_and_row(const DeformableDims& d, Body&& body) {
    using Range = oneapi::tbb::blocked_range<int64_t>;
    for (int64_t b = 0; b < d.bs; ++b) {
        for (int64_t cam = 0; cam < d.num_cams; ++cam) {
            for (int64_t sc = 0; sc < d.num_scale; ++sc) {
                oneapi::tbb::parallel_for(Range(b * d.num_anchor, (b + 1) * d.num_anchor),
                                          [&](const Range& rows) { body(cam, sc, rows); });
            }
        }
    }
}

// Groups of (cam * num_scale + scale) map indices whose regions of mc_ms_feat overlap: one group per map
// when no two maps share features (the usual case), otherwise a single group with every map. A backward
// task that owns a group and a channel block is then the only writer of its gradient elements.
std::vector<std::vector<int64_t>> maps_with_disjoint_regions(const DeformableDims& dims);

}  // namespace tilesim::ops::detail
