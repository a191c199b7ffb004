#include "ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp"

#include <algorithm>
#include <numeric>

namespace tilesim::ops::detail {
namespace {

void check_maps(std::string_view op, const ArrayView<int32_t>& spatial_shape,
                const ArrayView<int32_t>& scale_start_index, DeformableDims& dims) {
    dims.maps.resize(static_cast<size_t>(dims.num_cams * dims.num_scale));
    for (int64_t cam = 0; cam < dims.num_cams; ++cam) {
        for (int64_t s = 0; s < dims.num_scale; ++s) {
            const int64_t i = cam * dims.num_scale + s;
            const int64_t h = spatial_shape.data[2 * i], w = spatial_shape.data[2 * i + 1];
            const int64_t start = scale_start_index.data[i];
            if (h < 1 || w < 1) {
                fail("{}: spatial_shape[{}][{}] = ({}, {}), expected H >= 1 and W >= 1", op, cam, s, h, w);
            }
            if (start < 0 || start + h * w > dims.num_feat) {
                fail(
                    "{}: scale_start_index[{}][{}] = {} with H*W = {} covers features [{}, {}), outside "
                    "mc_ms_feat's num_feat = {}",
                    op, cam, s, start, h * w, start, start + h * w, dims.num_feat);
            }
            dims.maps[static_cast<size_t>(i)] = {h, w, start};
        }
    }
}

}  // namespace

DeformableDims validate_deformable_inputs(std::string_view op, const ArrayView<float>& mc_ms_feat,
                                          const ArrayView<int32_t>& spatial_shape,
                                          const ArrayView<int32_t>& scale_start_index,
                                          const ArrayView<float>& sampling_location,
                                          const ArrayView<float>& weights) {
    check_rank(op, "mc_ms_feat", mc_ms_feat, 3, "[bs, num_feat, C]");
    check_rank(op, "spatial_shape", spatial_shape, 3, "[num_cams, num_scale, 2]");
    if (spatial_shape.shape[2] != 2) {
        fail("{}: spatial_shape must be [num_cams, num_scale, 2], got {}", op,
             shape_str(spatial_shape.shape));
    }
    DeformableDims d{};
    d.bs = mc_ms_feat.shape[0];
    d.num_feat = mc_ms_feat.shape[1];
    d.channels = mc_ms_feat.shape[2];
    d.num_cams = spatial_shape.shape[0];
    d.num_scale = spatial_shape.shape[1];
    check_shape(op, "scale_start_index", scale_start_index, {d.num_cams, d.num_scale},
                "[num_cams, num_scale] (from spatial_shape)");
    check_rank(op, "sampling_location", sampling_location, 5, "[bs, num_anchor, num_pts, num_cams, 2]");
    d.num_anchor = sampling_location.shape[1];
    d.num_pts = sampling_location.shape[2];
    check_shape(op, "sampling_location", sampling_location, {d.bs, d.num_anchor, d.num_pts, d.num_cams, 2},
                "[bs (from mc_ms_feat), num_anchor, num_pts, num_cams (from spatial_shape), 2]");
    check_rank(op, "weights", weights, 6, "[bs, num_anchor, num_pts, num_cams, num_scale, num_groups]");
    d.num_groups = weights.shape[5];
    check_shape(
        op, "weights", weights, {d.bs, d.num_anchor, d.num_pts, d.num_cams, d.num_scale, d.num_groups},
        "[bs, num_anchor, num_pts (from sampling_location), num_cams, num_scale (from spatial_shape), "
        "num_groups]");
    if (d.num_groups < 1 || d.channels % d.num_groups != 0) {
        fail("{}: C = {} (mc_ms_feat) must be a multiple of num_groups = {} (weights' last dimension)", op,
             d.channels, d.num_groups);
    }
    d.group_size = d.channels / d.num_groups;
    check_maps(op, spatial_shape, scale_start_index, d);
    return d;
}

std::vector<std::vector<int64_t>> maps_with_disjoint_regions(const DeformableDims& dims) {
    std::vector<int64_t> order(dims.maps.size());
    std::iota(order.begin(), order.end(), int64_t{0});
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return dims.maps[static_cast<size_t>(a)].start < dims.maps[static_cast<size_t>(b)].start;
    });
    bool disjoint = true;
    for (size_t i = 1; i < order.size(); ++i) {
        const auto& prev = dims.maps[static_cast<size_t>(order[i - 1])];
        disjoint = disjoint &&
                   prev.start + prev.height * prev.width <= dims.maps[static_cast<size_t>(order[i])].start;
    }
    std::vector<std::vector<int64_t>> groups;
    if (disjoint) {
        for (size_t i = 0; i < dims.maps.size(); ++i) groups.push_back({static_cast<int64_t>(i)});
    } else {
        groups.emplace_back(dims.maps.size());
        std::iota(groups[0].begin(), groups[0].end(), int64_t{0});
    }
    return groups;
}

}  // namespace tilesim::ops::detail
