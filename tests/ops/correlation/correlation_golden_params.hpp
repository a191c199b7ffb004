#pragma once
// The op arguments of the correlation fixtures (tests/golden/gen_correlation*.py) as the references take
// them: int-or-pair lists for the spatial sampler, FlowNet's named ints.
#include <nlohmann/json.hpp>

#include "common/golden.hpp"
#include "ops/correlation/flownet_correlation_reference.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::testing {

// A [h, w] argument of a fixture, `fallback` for both when the fixture leaves it out.
inline ops::IntPair golden_pair(const nlohmann::json& params, const char* name, int fallback) {
    if (!params.contains(name)) return fallback;
    const auto v = params.at(name).get<std::vector<int>>();
    return {v.at(0), v.at(1)};
}

inline ops::SpatialCorrelationParams spatial_params_of(const GoldenCase& c) {
    const auto& p = c.params;
    return ops::make_spatial_correlation_params(
        golden_pair(p, "kernel_size", 1), golden_pair(p, "patch_size", 1), golden_pair(p, "stride", 1),
        golden_pair(p, "padding", 0), golden_pair(p, "dilation", 1), golden_pair(p, "dilation_patch", 1));
}

inline ops::FlowNetCorrelationParams flownet_params_of(const GoldenCase& c) {
    ops::FlowNetCorrelationParams p;
    p.pad_size = c.params.at("pad_size").get<int>();
    p.kernel_size = c.params.at("kernel_size").get<int>();
    p.max_displacement = c.params.at("max_displacement").get<int>();
    p.stride1 = c.params.at("stride1").get<int>();
    p.stride2 = c.params.at("stride2").get<int>();
    p.is_multiply = c.params.at("is_multiply").get<bool>();
    return p;
}

}  // namespace tilesim::testing
