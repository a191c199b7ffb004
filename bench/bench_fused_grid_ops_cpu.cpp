// sample_sum / sample_dot CPU references, forward and backward, on a pixelSplat-like size: b = 2,
// c = 128 (sample_dot: 120 query channels + 4 octaves), a 64 x 96 image, 1024 queries x 32 depth samples,
// 8 heads; samples uniform in [-1.1, 1.1) (a few in the zero padding).
#include <random>

#include <benchmark/benchmark.h>

#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"

namespace {

using namespace tilesim::ops;

constexpr int64_t kB = 2, kC = 128, kH = 64, kW = 96, kQ = 1024, kD = 32, kHeads = 8, kOctaves = 4;

struct Problem {
    HostArray<float> images, samples, weights, queries, depths, grad_sum, grad_dot;
};

HostArray<float> random_array(std::vector<int64_t> shape, std::mt19937& rng, float lo, float hi) {
    HostArray<float> a(std::move(shape));
    std::uniform_real_distribution<float> dist(lo, hi);
    for (float& v : a.data) v = dist(rng);
    return a;
}

const Problem& problem() {
    static const Problem p = [] {
        std::mt19937 rng(7);
        return Problem{random_array({kB, kC, kH, kW}, rng, -1.f, 1.f),
                       random_array({kB, kQ, kD, 2}, rng, -1.1f, 1.1f),
                       random_array({kB, kHeads, kQ, kD}, rng, -1.f, 1.f),
                       random_array({kB, kHeads, kQ, kC - 2 * kOctaves}, rng, -1.f, 1.f),
                       random_array({kB, kQ, kD}, rng, 0.f, 1.f),
                       random_array({kB, kHeads, kQ, kC}, rng, -1.f, 1.f),
                       random_array({kB, kHeads, kQ, kD}, rng, -1.f, 1.f)};
    }();
    return p;
}

void BM_SampleSumForward(benchmark::State& state) {
    const Problem& p = problem();
    for (auto _ : state) benchmark::DoNotOptimize(sample_sum_forward_cpu(p.images, p.samples, p.weights));
}

void BM_SampleSumBackward(benchmark::State& state) {
    const Problem& p = problem();
    for (auto _ : state) {
        benchmark::DoNotOptimize(sample_sum_backward_cpu(p.images, p.samples, p.weights, p.grad_sum));
    }
}

void BM_SampleDotForward(benchmark::State& state) {
    const Problem& p = problem();
    for (auto _ : state) {
        benchmark::DoNotOptimize(sample_dot_forward_cpu(p.images, p.samples, p.queries, p.depths, kOctaves));
    }
}

void BM_SampleDotBackward(benchmark::State& state) {
    const Problem& p = problem();
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            sample_dot_backward_cpu(p.images, p.samples, p.queries, p.depths, kOctaves, p.grad_dot));
    }
}

BENCHMARK(BM_SampleSumForward)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_SampleSumBackward)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_SampleDotForward)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_SampleDotBackward)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
