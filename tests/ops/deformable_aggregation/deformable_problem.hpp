#pragma once
// Random deformable aggregation problems for the property tests.
#include <random>
#include <utility>
#include <vector>

#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"
#include "ops/deformable_aggregation/reference_test_helpers.hpp"

namespace tilesim::testing {

struct DeformableShape {
    int64_t bs, cams;
    std::vector<std::pair<int64_t, int64_t>> scales;  // (H, W)
    int64_t anchors, pts, channels, groups;
};

struct DeformableProblem {
    std::vector<ops::HostArray<float>> maps;  // per scale [bs, cams, C, H, W]
    ops::FormattedFeatureMaps formatted;
    ops::HostArray<float> loc, weights, grad_output;

    ops::HostArray<float> forward() const {
        return ops::deformable_aggregation_forward_cpu(formatted.mc_ms_feat, formatted.spatial_shape,
                                                       formatted.scale_start_index, loc, weights);
    }
    ops::HostArray<float> fallback() const {
        return ops::deformable_aggregation_fallback_cpu(formatted.mc_ms_feat, formatted.spatial_shape,
                                                        formatted.scale_start_index, loc, weights);
    }
    ops::DeformableAggregationGrads backward() const {
        return ops::deformable_aggregation_backward_cpu(formatted.mc_ms_feat, formatted.spatial_shape,
                                                        formatted.scale_start_index, loc, weights,
                                                        grad_output);
    }
};

// Locations uniform in [loc_lo, loc_hi) (outside (0, 1) means skipped).
inline DeformableProblem random_problem(const DeformableShape& s, unsigned seed, float loc_lo = -0.2f,
                                        float loc_hi = 1.2f) {
    std::mt19937 rng(seed);
    DeformableProblem p;
    for (const auto& [h, w] : s.scales) p.maps.push_back(random_array({s.bs, s.cams, s.channels, h, w}, rng));
    std::vector<ops::ArrayView<float>> views(p.maps.begin(), p.maps.end());
    p.formatted = ops::feature_maps_format(views);
    p.loc = random_array({s.bs, s.anchors, s.pts, s.cams, 2}, rng, loc_lo, loc_hi);
    p.weights =
        random_array({s.bs, s.anchors, s.pts, s.cams, static_cast<int64_t>(s.scales.size()), s.groups}, rng);
    p.grad_output = random_array({s.bs, s.anchors, s.channels}, rng);
    return p;
}

}  // namespace tilesim::testing
