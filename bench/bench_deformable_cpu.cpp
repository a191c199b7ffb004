// Deformable aggregation CPU reference at SparseDrive's size: 6 cameras, 4 scales (64x176, 32x88,
// 16x44, 8x22), 900 anchors, 13 points, 8 groups, C = 256, batch 1 and 2. Compares the fused path with
// the grid_sample-per-camera-and-scale fallback, and times the backward. Every location is inside (0, 1),
// the fused path's worst case (no sample skipped). bench/compare_deformable_pytorch.py times the PyTorch
// formulation on the same shapes.
#include <map>
#include <random>

#include <benchmark/benchmark.h>

#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"

namespace {

using namespace tilesim::ops;

struct Problem {
    FormattedFeatureMaps maps;
    HostArray<float> loc, weights, grad_output;
};

HostArray<float> random_array(std::vector<int64_t> shape, std::mt19937& rng, float lo, float hi) {
    HostArray<float> a(std::move(shape));
    std::uniform_real_distribution<float> dist(lo, hi);
    for (float& v : a.data) v = dist(rng);
    return a;
}

// Built once per batch size and shared by the benchmarks.
const Problem& sparsedrive_problem(int64_t bs) {
    static std::map<int64_t, Problem> cache;
    auto it = cache.find(bs);
    if (it != cache.end()) return it->second;
    constexpr int64_t cams = 6, anchors = 900, pts = 13, groups = 8, C = 256;
    const std::vector<std::pair<int64_t, int64_t>> scales = {{64, 176}, {32, 88}, {16, 44}, {8, 22}};
    std::mt19937 rng(static_cast<unsigned>(bs));
    std::vector<HostArray<float>> per_scale;
    for (const auto& [h, w] : scales) per_scale.push_back(random_array({bs, cams, C, h, w}, rng, -1.f, 1.f));
    const std::vector<ArrayView<float>> views(per_scale.begin(), per_scale.end());
    Problem p{feature_maps_format(views), random_array({bs, anchors, pts, cams, 2}, rng, 0.001f, 0.999f),
              random_array({bs, anchors, pts, cams, 4, groups}, rng, 0.f, 1.f),
              random_array({bs, anchors, C}, rng, -1.f, 1.f)};
    return cache.emplace(bs, std::move(p)).first->second;
}

void BM_DeformableFused(benchmark::State& state) {
    const Problem& p = sparsedrive_problem(state.range(0));
    for (auto _ : state) {
        benchmark::DoNotOptimize(deformable_aggregation_forward_cpu(
            p.maps.mc_ms_feat, p.maps.spatial_shape, p.maps.scale_start_index, p.loc, p.weights));
    }
}

void BM_DeformableFallback(benchmark::State& state) {
    const Problem& p = sparsedrive_problem(state.range(0));
    for (auto _ : state) {
        benchmark::DoNotOptimize(deformable_aggregation_fallback_cpu(
            p.maps.mc_ms_feat, p.maps.spatial_shape, p.maps.scale_start_index, p.loc, p.weights));
    }
}

void BM_DeformableBackward(benchmark::State& state) {
    const Problem& p = sparsedrive_problem(state.range(0));
    for (auto _ : state) {
        benchmark::DoNotOptimize(deformable_aggregation_backward_cpu(p.maps.mc_ms_feat, p.maps.spatial_shape,
                                                                     p.maps.scale_start_index, p.loc,
                                                                     p.weights, p.grad_output));
    }
}

BENCHMARK(BM_DeformableFused)
    ->ArgName("bs")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_DeformableFallback)
    ->ArgName("bs")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_DeformableBackward)
    ->ArgName("bs")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
