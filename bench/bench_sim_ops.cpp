// Google Benchmark of every op's simulated path (backend sim, Wormhole B0, all host threads) on realistic
// shapes: host time per call, through the same front end the CLI calls (layout conversion and the
// host <-> device copies included). Counters: outputs_per_second and bytes_per_second (inputs + output,
// on the host), and predicted_device_us, the cost model's prediction for the device.
//   build/bench/bench_sim_ops [--benchmark_filter=grid_sample] --benchmark_min_time=0.5
// The CPU references of the same ops are in bench_grid_sample_cpu, bench_correlation_cpu,
// bench_deformable_cpu and bench_fused_grid_ops_cpu.
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ops/correlation/correlation.hpp"
#include "ops/deformable_aggregation/deformable_aggregation.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"
#include "ops/grid_sample/grid_sample.hpp"

namespace {

using tilesim::Shape;
using tilesim::Tensor;
using tilesim::ops::Backend;

Tensor uniform(Shape shape, float low, float high, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(low, high);
    std::vector<float> v(shape.volume());
    for (float& x : v) x = dist(rng);
    return Tensor::from_floats(std::move(shape), v);
}

double host_bytes(std::initializer_list<const Tensor*> tensors) {
    double bytes = 0;
    for (const Tensor* t : tensors) bytes += static_cast<double>(t->bytes().size());
    return bytes;
}

// Runs `call` (which returns the output tensor and the run's predicted microseconds) in the benchmark loop.
void run_sim(benchmark::State& state, const std::function<std::pair<Tensor, double>()>& call,
             double input_bytes) {
    std::pair<Tensor, double> last;
    for (auto _ : state) {
        last = call();
        benchmark::DoNotOptimize(last.first.bytes().data());
    }
    const double outputs = static_cast<double>(last.first.volume());
    state.counters["outputs_per_second"] =
        benchmark::Counter(outputs, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_second"] =
        benchmark::Counter(input_bytes + static_cast<double>(last.first.bytes().size()),
                           benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1024);
    state.counters["predicted_device_us"] = last.second;
}

template <class Result>
std::pair<Tensor, double> output_and_prediction(Result r) {
    return {std::move(r.output), r.report ? r.report->predicted_us() : 0.0};
}

void grid_sample_sim(benchmark::State& state, tilesim::ops::GridSampleMode mode,
                     tilesim::ops::GridSampleMemory memory, bool checks) {
    const Tensor input = uniform(Shape{1, 64, 128, 128}, -1, 1, 1);
    const Tensor grid = uniform(Shape{1, 128, 128, 2}, -1.05f, 1.05f, 2);
    tilesim::ops::GridSampleArgs args;
    args.backend = Backend::Sim;
    args.mode = mode;
    args.memory = memory;
    args.run.checks = checks;
    run_sim(
        state, [&] { return output_and_prediction(tilesim::ops::grid_sample(input, grid, args)); },
        host_bytes({&input, &grid}));
}

tilesim::ops::DeviceRunOptions correlation_args() {
    tilesim::ops::DeviceRunOptions args;
    args.backend = Backend::Sim;
    args.run.checks = false;
    return args;
}

void spatial_correlation_sim(benchmark::State& state) {  // PWC-Net's cost volume at 1/4 of 436x1024, C = 32
    const Tensor a = uniform(Shape{1, 32, 109, 256}, -1, 1, 3), b = uniform(Shape{1, 32, 109, 256}, -1, 1, 4);
    const auto params = tilesim::ops::spatial_correlation_preset("pwcnet");
    run_sim(
        state,
        [&] {
            return output_and_prediction(tilesim::ops::spatial_correlation(a, b, params, correlation_args()));
        },
        host_bytes({&a, &b}));
}

void flownet_correlation_sim(benchmark::State& state) {  // FlowNetC's correlation, half the channels
    const Tensor a = uniform(Shape{1, 128, 48, 64}, -1, 1, 5), b = uniform(Shape{1, 128, 48, 64}, -1, 1, 6);
    const auto params = tilesim::ops::flownet_correlation_preset("flownetc");
    run_sim(
        state,
        [&] {
            return output_and_prediction(tilesim::ops::flownet_correlation(a, b, params, correlation_args()));
        },
        host_bytes({&a, &b}));
}

void corr_lookup_sim(benchmark::State& state) {  // RAFT's lookup (4 levels, radius 4) at 1/8 of 436x1024
    const Tensor f1 = uniform(Shape{1, 256, 55, 128}, -1, 1, 7),
                 f2 = uniform(Shape{1, 256, 55, 128}, -1, 1, 8);
    const Tensor coords = uniform(Shape{1, 2, 55, 128}, 0, 54, 9);
    run_sim(
        state,
        [&] {
            return output_and_prediction(tilesim::ops::corr_lookup(f1, f2, coords, 4, 4, correlation_args()));
        },
        host_bytes({&f1, &f2, &coords}));
}

void deformable_aggregation_sim(benchmark::State& state) {
    // SparseDrive's shape with 300 of its 900 anchors: 6 cameras, 4 scales, 13 points, 8 groups, C = 256.
    const std::vector<std::pair<int, int>> scales = {{64, 176}, {32, 88}, {16, 44}, {8, 22}};
    const int cams = 6, anchors = 300, points = 13, groups = 8, channels = 256;
    std::vector<float> shape_values, start_values;
    int per_cam = 0;
    for (const auto& [h, w] : scales) per_cam += h * w;
    for (int c = 0; c < cams; ++c) {
        int start = c * per_cam;
        for (const auto& [h, w] : scales) {
            shape_values.insert(shape_values.end(), {float(h), float(w)});
            start_values.push_back(float(start));
            start += h * w;
        }
    }
    const Tensor feat = uniform(Shape{1, uint32_t(cams * per_cam), uint32_t(channels)}, -1, 1, 10);
    const Tensor spatial_shape = Tensor::from_floats(Shape{uint32_t(cams), 4, 2}, shape_values);
    const Tensor start_index = Tensor::from_floats(Shape{uint32_t(cams), 4}, start_values);
    const Tensor locations =
        uniform(Shape{1, uint32_t(anchors), uint32_t(points), uint32_t(cams), 2}, 0.02f, 0.98f, 11);
    const Tensor weights =
        uniform(Shape{1, uint32_t(anchors), uint32_t(points), uint32_t(cams), 4, uint32_t(groups)}, 0, 1, 12);
    tilesim::ops::DeviceRunOptions args;
    args.backend = Backend::Sim;
    args.run.checks = false;
    run_sim(
        state,
        [&] {
            return output_and_prediction(tilesim::ops::deformable_aggregation(
                feat, spatial_shape, start_index, locations, weights, args));
        },
        host_bytes({&feat, &locations, &weights}));
}

tilesim::ops::DeviceRunOptions fused_args() {
    tilesim::ops::DeviceRunOptions args;
    args.backend = Backend::Sim;
    args.run.checks = false;
    return args;
}

void sample_sum_sim(benchmark::State& state) {  // b 1, c 128, 64x96 images, 512 queries x 32 samples, 8 heads
    const Tensor images = uniform(Shape{1, 128, 64, 96}, -1, 1, 13);
    const Tensor samples = uniform(Shape{1, 512, 32, 2}, -1.05f, 1.05f, 14);
    const Tensor weights = uniform(Shape{1, 8, 512, 32}, 0, 1, 15);
    run_sim(
        state,
        [&] {
            return output_and_prediction(tilesim::ops::sample_sum(images, samples, weights, fused_args()));
        },
        host_bytes({&images, &samples, &weights}));
}

void sample_dot_sim(benchmark::State& state) {  // the same images and samples, 4 octaves of encoding
    const Tensor images = uniform(Shape{1, 128, 64, 96}, -1, 1, 16);
    const Tensor samples = uniform(Shape{1, 512, 32, 2}, -1.05f, 1.05f, 17);
    const Tensor queries = uniform(Shape{1, 8, 512, 128 - 2 * 4}, -1, 1, 18);
    const Tensor depths = uniform(Shape{1, 512, 32}, 0, 1, 19);
    run_sim(
        state,
        [&] {
            return output_and_prediction(
                tilesim::ops::sample_dot(images, samples, queries, depths, 4, fused_args()));
        },
        host_bytes({&images, &samples, &queries, &depths}));
}

const int kRegistered = [] {
    using tilesim::ops::GridSampleMemory;
    using tilesim::ops::GridSampleMode;
    auto reg = [](const std::string& name, auto fn, auto... args) {
        benchmark::RegisterBenchmark(name.c_str(), fn, args...)->UseRealTime()->Unit(benchmark::kMillisecond);
    };
    for (bool checks : {false, true}) {
        const std::string suffix = std::string("/1x64x128x128->128x128/checks:") + (checks ? "1" : "0");
        reg("grid_sample_sim/bilinear/interleaved" + suffix, grid_sample_sim, GridSampleMode::Bilinear,
            GridSampleMemory::Interleaved, checks);
    }
    reg("grid_sample_sim/nearest/interleaved/1x64x128x128->128x128/checks:0", grid_sample_sim,
        GridSampleMode::Nearest, GridSampleMemory::Interleaved, false);
    reg("grid_sample_sim/bilinear/height_sharded/1x64x128x128->128x128/checks:0", grid_sample_sim,
        GridSampleMode::Bilinear, GridSampleMemory::HeightSharded, false);
    reg("spatial_correlation_sim/pwcnet/1x32x109x256", spatial_correlation_sim);
    reg("flownet_correlation_sim/flownetc/1x128x48x64", flownet_correlation_sim);
    reg("corr_lookup_sim/raft_4_levels_r4/1x256x55x128", corr_lookup_sim);
    reg("deformable_aggregation_sim/sparsedrive_300_anchors", deformable_aggregation_sim);
    reg("sample_sum_sim/b1_c128_64x96_q512_d32_h8", sample_sum_sim);
    reg("sample_dot_sim/b1_c128_64x96_q512_d32_h8_4_octaves", sample_dot_sim);
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
