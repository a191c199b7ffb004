// Google Benchmark of the grid_sample CPU reference (forward and backward) on realistic shapes.
// The grid is a smooth warp (rotation, scale, shift and a sinusoidal displacement), the same one that
// bench/compare_grid_sample_pytorch.py gives to torch's F.grid_sample, so the timings compare directly.
// The grid_sample_*_random benchmarks take PyTorch's layout (NCHW) and a grid uniform in [-1.1, 1.1] (the
// sampling points of detection heads and deformable offsets; issue #22), for every mode and padding, forward
// and backward (the backward also channels-last, zeros padding);
// grid_sample_op_random times the op front end (output allocation included), what the CLI's --repeat times.
//   build-*/bench/bench_grid_sample_cpu [--threads=N] --benchmark_min_time=0.2
// --threads caps oneTBB's worker count (default: all cores), e.g. 1 for per-core comparisons with
// compare_grid_sample_pytorch.py --threads 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>

#include "ops/common/channel_layout.hpp"
#include "ops/grid_sample/grid_sample.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"

namespace {

using tilesim::ops::ChannelLayout;
using tilesim::ops::GridSampleMode;
using tilesim::ops::GridSampleOptions;
using tilesim::ops::GridSampleShape;
using tilesim::ops::PaddingMode;

struct BenchShape {
    const char* name;
    GridSampleShape shape;
};

const BenchShape kShapes[] = {
    {"1x64x128x128->128x128", {1, 64, 128, 128, 128, 128}},
    {"8x32x64x64->64x64", {8, 32, 64, 64, 64, 64}},
    {"1x256x96x320->96x320", {1, 256, 96, 320, 96, 320}},
};

// The shapes of issue #22 (NCHW, random grids), where PyTorch's F.grid_sample is the yardstick.
const BenchShape kRandomGridShapes[] = {
    {"1x64x128x128->128x128", {1, 64, 128, 128, 128, 128}},
    {"4x128x32x48->32x48", {4, 128, 32, 48, 32, 48}},
    {"1x32x96x96->96x96", {1, 32, 96, 96, 96, 96}},
    {"1x16x256x256->256x256", {1, 16, 256, 256, 256, 256}},
};

// grid[n, i, j] = rotate(0.17 + 0.05 n) * 0.9 * (u, v) + shift + small sinusoidal displacement, with (u, v)
// the pixel centres in [-1, 1]. Mirrors warp_grid() in compare_grid_sample_pytorch.py.
std::vector<float> warp_grid(const GridSampleShape& s) {
    std::vector<float> grid(s.n * s.out_h * s.out_w * 2);
    for (int64_t n = 0; n < s.n; ++n) {
        const double a = 0.17 + 0.05 * static_cast<double>(n), scale = 0.9;
        for (int64_t i = 0; i < s.out_h; ++i) {
            for (int64_t j = 0; j < s.out_w; ++j) {
                const double u = (2.0 * j + 1.0) / s.out_w - 1.0, v = (2.0 * i + 1.0) / s.out_h - 1.0;
                const double x =
                    scale * (std::cos(a) * u - std::sin(a) * v) + 0.05 + 0.03 * std::sin(3.1 * v + 0.7 * n);
                const double y =
                    scale * (std::sin(a) * u + std::cos(a) * v) - 0.03 + 0.03 * std::cos(2.3 * u);
                float* g = &grid[((n * s.out_h + i) * s.out_w + j) * 2];
                g[0] = static_cast<float>(x);
                g[1] = static_cast<float>(y);
            }
        }
    }
    return grid;
}

std::vector<float> random_input(int64_t count, float lo = -1.f, float hi = 1.f, unsigned seed = 1) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(count);
    for (float& x : v) x = dist(gen);
    return v;
}

// Every grid entry uniform in [-1.1, 1.1]: scattered sources, about a fifth of them by the border.
std::vector<float> random_grid(const GridSampleShape& s) {
    return random_input(s.n * s.out_h * s.out_w * 2, -1.1f, 1.1f, 2);
}

void set_counters(benchmark::State& state, const GridSampleShape& s, double tensors_bytes) {
    const double outputs = static_cast<double>(s.n * s.c * s.out_h * s.out_w);
    state.counters["bytes_per_second"] = benchmark::Counter(
        tensors_bytes, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1024);
    state.counters["outputs_per_second"] =
        benchmark::Counter(outputs, benchmark::Counter::kIsIterationInvariantRate);
}

void forward(benchmark::State& state, GridSampleShape s, ChannelLayout layout, GridSampleMode mode,
             bool random, PaddingMode padding) {
    const std::vector<float> input = random_input(s.n * s.c * s.h * s.w),
                             grid = random ? random_grid(s) : warp_grid(s);
    std::vector<float> output(s.n * s.c * s.out_h * s.out_w);
    const GridSampleOptions options{mode, padding, false};
    for (auto _ : state) {
        tilesim::ops::grid_sample_forward_cpu(input.data(), grid.data(), output.data(), s, layout, options);
        benchmark::DoNotOptimize(output.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, s, 4.0 * static_cast<double>(input.size() + grid.size() + output.size()));
}

void backward(benchmark::State& state, GridSampleShape s, ChannelLayout layout, GridSampleMode mode,
              bool random, PaddingMode padding) {
    const std::vector<float> input = random_input(s.n * s.c * s.h * s.w),
                             grid = random ? random_grid(s) : warp_grid(s);
    const std::vector<float> grad_output = random_input(s.n * s.c * s.out_h * s.out_w);
    std::vector<float> grad_input(input.size()), grad_grid(grid.size());
    const GridSampleOptions options{mode, padding, false};
    for (auto _ : state) {
        tilesim::ops::grid_sample_backward_cpu(grad_output.data(), input.data(), grid.data(),
                                               grad_input.data(), grad_grid.data(), s, layout, options);
        benchmark::DoNotOptimize(grad_input.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, s,
                 4.0 * static_cast<double>(2 * input.size() + 2 * grid.size() + grad_output.size()));
}

// The op front end on Tensors (NCHW, random grid): output allocation and argument handling included, as
// `tilesim op grid_sample --repeat` times it.
void op_front_end(benchmark::State& state, GridSampleShape s, GridSampleMode mode) {
    using tilesim::Shape;
    const auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
    const tilesim::Tensor input = tilesim::Tensor::from_floats(Shape{u32(s.n), u32(s.c), u32(s.h), u32(s.w)},
                                                               random_input(s.n * s.c * s.h * s.w));
    const tilesim::Tensor grid =
        tilesim::Tensor::from_floats(Shape{u32(s.n), u32(s.out_h), u32(s.out_w), 2}, random_grid(s));
    tilesim::ops::GridSampleArgs args;
    args.mode = mode;
    for (auto _ : state) {
        tilesim::ops::GridSampleResult r = tilesim::ops::grid_sample(input, grid, args);
        benchmark::DoNotOptimize(r.output.bytes().data());
    }
}

// The NCHW <-> NHWC transposes (what an NCHW caller of a channels-last path pays on each side).
void channel_transpose(benchmark::State& state, GridSampleShape s, bool to_channels_last) {
    using tilesim::Shape;
    const auto n = static_cast<uint32_t>(s.n), c = static_cast<uint32_t>(s.c), h = static_cast<uint32_t>(s.h),
               w = static_cast<uint32_t>(s.w);
    const tilesim::Tensor x = tilesim::Tensor::from_floats(
        to_channels_last ? Shape{n, c, h, w} : Shape{n, h, w, c}, random_input(s.n * s.c * s.h * s.w));
    for (auto _ : state) {
        tilesim::Tensor y = to_channels_last ? tilesim::ops::nchw_to_nhwc(x) : tilesim::ops::nhwc_to_nchw(x);
        benchmark::DoNotOptimize(y.bytes().data());
    }
    state.counters["bytes_per_second"] =
        benchmark::Counter(8.0 * static_cast<double>(x.volume()),
                           benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1024);
}

const int kRegistered = [] {
    for (const BenchShape& bs : kShapes) {
        for (bool to_nhwc : {true, false}) {
            benchmark::RegisterBenchmark(
                (std::string(to_nhwc ? "nchw_to_nhwc/" : "nhwc_to_nchw/") + bs.name).c_str(),
                channel_transpose, bs.shape, to_nhwc)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
        }
        for (ChannelLayout layout : {ChannelLayout::NHWC, ChannelLayout::NCHW}) {
            const std::string suffix = std::string(tilesim::ops::to_string(layout)) + "/" + bs.name;
            for (GridSampleMode mode : {GridSampleMode::Bilinear, GridSampleMode::Nearest}) {
                const std::string name =
                    "grid_sample_forward/" + std::string(tilesim::ops::to_string(mode)) + "/" + suffix;
                benchmark::RegisterBenchmark(name.c_str(), forward, bs.shape, layout, mode, false,
                                             PaddingMode::Zeros)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
            }
            benchmark::RegisterBenchmark(("grid_sample_backward/bilinear/" + suffix).c_str(), backward,
                                         bs.shape, layout, GridSampleMode::Bilinear, false,
                                         PaddingMode::Zeros)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
        }
    }
    for (const BenchShape& bs : kRandomGridShapes) {
        for (GridSampleMode mode :
             {GridSampleMode::Bilinear, GridSampleMode::Nearest, GridSampleMode::Bicubic}) {
            const std::string m(tilesim::ops::to_string(mode));
            for (PaddingMode padding : {PaddingMode::Zeros, PaddingMode::Border, PaddingMode::Reflection}) {
                const std::string suffix =
                    m + "/" + std::string(tilesim::ops::to_string(padding)) + "/NCHW/" + bs.name;
                benchmark::RegisterBenchmark(("grid_sample_forward_random/" + suffix).c_str(), forward,
                                             bs.shape, ChannelLayout::NCHW, mode, true, padding)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
                benchmark::RegisterBenchmark(("grid_sample_backward_random/" + suffix).c_str(), backward,
                                             bs.shape, ChannelLayout::NCHW, mode, true, padding)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
            }
            if (mode != GridSampleMode::Bicubic) {  // the channels-last backward on the same problems
                benchmark::RegisterBenchmark(
                    ("grid_sample_backward_random/" + m + "/zeros/NHWC/" + bs.name).c_str(), backward,
                    bs.shape, ChannelLayout::NHWC, mode, true, PaddingMode::Zeros)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
            }
            benchmark::RegisterBenchmark(("grid_sample_op_random/" + m + "/NCHW/" + bs.name).c_str(),
                                         op_front_end, bs.shape, mode)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
        }
    }
    return 0;
}();

}  // namespace

int main(int argc, char** argv) {
    std::unique_ptr<oneapi::tbb::global_control> threads;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--threads=", 0) != 0) continue;
        threads = std::make_unique<oneapi::tbb::global_control>(
            oneapi::tbb::global_control::max_allowed_parallelism,
            std::strtoul(arg.c_str() + 10, nullptr, 10));
        for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
        --argc;
        break;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
