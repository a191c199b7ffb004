#pragma once
// Fixture and random problems for the sample_sum / sample_dot tests.
#include <random>
#include <string>
#include <vector>

#include "ops/deformable_aggregation/reference_test_helpers.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"

namespace tilesim::testing {

struct FusedGridShape {
    int64_t b, c, h, w, q, d, hd, octaves;
};

struct FusedGridProblem {
    std::string name;
    int64_t octaves = 0;
    ops::HostArray<float> images, samples, weights, queries, depths, grad_sum_output, grad_dot_output;

    ops::HostArray<float> sum() const { return ops::sample_sum_forward_cpu(images, samples, weights); }
    ops::SampleSumGrads sum_backward() const {
        return ops::sample_sum_backward_cpu(images, samples, weights, grad_sum_output);
    }
    ops::HostArray<float> dot() const {
        return ops::sample_dot_forward_cpu(images, samples, queries, depths, octaves);
    }
    ops::SampleDotGrads dot_backward() const {
        return ops::sample_dot_backward_cpu(images, samples, queries, depths, octaves, grad_dot_output);
    }
};

// Samples uniform in [-1.2, 1.2) (some outside the image), depths in [0, 1).
inline FusedGridProblem random_fused_problem(const FusedGridShape& s, unsigned seed) {
    std::mt19937 rng(seed);
    FusedGridProblem p;
    p.octaves = s.octaves;
    p.images = random_array({s.b, s.c, s.h, s.w}, rng);
    p.samples = random_array({s.b, s.q, s.d, 2}, rng, -1.2f, 1.2f);
    p.weights = random_array({s.b, s.hd, s.q, s.d}, rng);
    p.queries = random_array({s.b, s.hd, s.q, s.c - 2 * s.octaves}, rng);
    p.depths = random_array({s.b, s.q, s.d}, rng, 0.f, 1.f);
    p.grad_sum_output = random_array({s.b, s.hd, s.q, s.c}, rng);
    p.grad_dot_output = random_array({s.b, s.hd, s.q, s.d}, rng);
    return p;
}

}  // namespace tilesim::testing
