// CPU references of the correlation family at network sizes. Compare with the PyTorch formulations:
//   build/bench/bench_correlation_cpu --benchmark_format=json --benchmark_repetitions=3 > corr.json
//   /usr/bin/python3 bench/compare_correlation_pytorch.py --cpp-json corr.json [--stat min]
// Benchmark names are <shape>/<op>; compare_correlation_pytorch.py uses the same names.
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "ops/correlation/flownet_correlation_reference.hpp"
#include "ops/correlation/corr_lookup_reference.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace {

using tilesim::ops::NchwShape;
using tilesim::ops::NchwView;

struct Owned {
    std::vector<float> data;
    NchwShape shape;
    NchwView view() const { return {data, shape}; }
};

Owned random_tensor(NchwShape shape, uint32_t seed, float lo = -1.f, float hi = 1.f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    Owned t{std::vector<float>(static_cast<size_t>(shape.volume())), shape};
    for (auto& v : t.data) v = dist(rng);
    return t;
}

// FlowNetC: 1x256x48x64 (1/8 of 384x512), max displacement 20, stride2 2 -> 441 channels.
const NchwShape kFlowNetC{1, 256, 48, 64};
const tilesim::ops::FlowNetCorrelationParams kFlowNetCParams{
    .pad_size = 20, .kernel_size = 1, .max_displacement = 20, .stride1 = 1, .stride2 = 2};
// PWC-Net's largest cost volume: level 2 (1/4 of 436x1024), 32 channels, max displacement 4 -> 81 channels.
const NchwShape kPwcNet{1, 32, 109, 256};
// RAFT: C=256 at 1/8 of 436x1024, 4 levels, radius 4 -> 324 channels.
const NchwShape kCorrLookupShape{1, 256, 55, 128};
constexpr int kCorrLookupLevels = 4, kCorrLookupRadius = 4;

void FlowNetCForward(benchmark::State& state) {
    const auto a = random_tensor(kFlowNetC, 1), b = random_tensor(kFlowNetC, 2);
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            tilesim::ops::flownet_correlation_forward_cpu(a.view(), b.view(), kFlowNetCParams));
    }
}

void FlowNetCBackward(benchmark::State& state) {
    const auto a = random_tensor(kFlowNetC, 1), b = random_tensor(kFlowNetC, 2);
    const auto g = random_tensor({1, 441, 48, 64}, 3);
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            tilesim::ops::flownet_correlation_backward_cpu(g.data, a.view(), b.view(), kFlowNetCParams));
    }
}

void FlowNetCSpatialPresetForward(benchmark::State& state) {
    const auto a = random_tensor(kFlowNetC, 1), b = random_tensor(kFlowNetC, 2);
    const auto p = tilesim::ops::spatial_correlation_flownetc_preset();
    for (auto _ : state) {
        benchmark::DoNotOptimize(tilesim::ops::spatial_correlation_forward_cpu(a.view(), b.view(), p));
    }
}

void PwcNetForward(benchmark::State& state) {
    const auto a = random_tensor(kPwcNet, 4), b = random_tensor(kPwcNet, 5);
    const auto p = tilesim::ops::spatial_correlation_pwcnet_preset(4);
    for (auto _ : state) {
        benchmark::DoNotOptimize(tilesim::ops::spatial_correlation_forward_cpu(a.view(), b.view(), p));
    }
}

void PwcNetBackward(benchmark::State& state) {
    const auto a = random_tensor(kPwcNet, 4), b = random_tensor(kPwcNet, 5);
    const auto g = random_tensor({1, 81, 109, 256}, 6);
    const auto p = tilesim::ops::spatial_correlation_pwcnet_preset(4);
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            tilesim::ops::spatial_correlation_backward_cpu(g.data, a.view(), b.view(), p));
    }
}

struct CorrLookupInputs {
    Owned f1 = random_tensor(kCorrLookupShape, 7), f2 = random_tensor(kCorrLookupShape, 8);
    Owned coords = random_tensor({1, 2, 55, 128}, 9, -4.f, 4.f);
    CorrLookupInputs() {
        for (int64_t y = 0; y < 55; ++y)
            for (int64_t x = 0; x < 128; ++x) {
                coords.data[y * 128 + x] += static_cast<float>(x);
                coords.data[55 * 128 + y * 128 + x] += static_cast<float>(y);
            }
    }
};

void CorrPyramidLookup(benchmark::State& state) {
    const CorrLookupInputs in;
    for (auto _ : state) {
        const auto pyr = tilesim::ops::corr_pyramid_cpu(in.f1.view(), in.f2.view(), kCorrLookupLevels);
        benchmark::DoNotOptimize(tilesim::ops::corr_lookup_cpu(pyr, in.coords.view(), kCorrLookupRadius));
    }
}

void CorrLookupAlternate(benchmark::State& state) {
    const CorrLookupInputs in;
    for (auto _ : state) {
        benchmark::DoNotOptimize(tilesim::ops::corr_lookup_alternate_cpu(
            in.f1.view(), in.f2.view(), in.coords.view(), kCorrLookupLevels, kCorrLookupRadius));
    }
}

void CorrLookupBackward(benchmark::State& state) {
    const CorrLookupInputs in;
    const auto g = random_tensor({1, 324, 55, 128}, 10);
    for (auto _ : state) {
        benchmark::DoNotOptimize(tilesim::ops::corr_lookup_backward_cpu(
            g.data, in.f1.view(), in.f2.view(), in.coords.view(), kCorrLookupLevels, kCorrLookupRadius));
    }
}

void configure(benchmark::internal::Benchmark* b) {
    b->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
}

BENCHMARK(FlowNetCForward)->Name("flownetc/flownet_forward")->Apply(configure);
BENCHMARK(FlowNetCBackward)->Name("flownetc/flownet_backward")->Apply(configure);
BENCHMARK(FlowNetCSpatialPresetForward)->Name("flownetc/spatial_preset_forward")->Apply(configure);
BENCHMARK(PwcNetForward)->Name("pwcnet/spatial_forward")->Apply(configure);
BENCHMARK(PwcNetBackward)->Name("pwcnet/spatial_backward")->Apply(configure);
BENCHMARK(CorrPyramidLookup)->Name("raft/pyramid_lookup")->Apply(configure);
BENCHMARK(CorrLookupAlternate)->Name("raft/alternate_lookup")->Apply(configure);
BENCHMARK(CorrLookupBackward)->Name("raft/lookup_backward")->Apply(configure);

}  // namespace

BENCHMARK_MAIN();
