// Cost of the simulator itself: one CB handoff (reserve + push on one kernel, wait + pop on another,
// including the suspend/resume when a side must wait), and the multi-core interleaved copy in simulated
// bytes per host second, at 1 and all host threads, with checks on and off.
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "ops/examples/examples.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/program.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"

using namespace tilesim;

namespace {
uint32_t host_threads(int64_t arg) {
    return arg ? uint32_t(arg) : std::max(1u, std::thread::hardware_concurrency());
}

// 64 cores, each a producer/consumer pair over a CB of `depth` pages, `pages` handoffs per core.
void BM_cb_handoff(benchmark::State& state) {
    Device device(load_device("wormhole_b0"));
    const uint32_t pages = 2000, depth = static_cast<uint32_t>(state.range(1));
    const CoreRange cores({0, 0}, {7, 7});
    Program program;
    CreateCircularBuffer(
        program, cores,
        CircularBufferConfig(depth * 32, {{uint8_t{0}, DataType::Float32}}).set_page_size(0, 32));
    const auto p =
        CreateKernel(program, "bench/kernels/handoff_producer.cpp", cores, ReaderDataMovementConfig{});
    const auto c =
        CreateKernel(program, "bench/kernels/handoff_consumer.cpp", cores, WriterDataMovementConfig{});
    SetRuntimeArgs(program, p, cores, {pages});
    SetRuntimeArgs(program, c, cores, {pages});
    RunOptions o;
    o.host_threads = host_threads(state.range(0));
    o.checks = state.range(2) != 0;
    for (auto _ : state) benchmark::DoNotOptimize(EnqueueProgram(device, program, o));
    const double handoffs = double(pages) * cores.size() * double(state.iterations());
    // kIsRate divides by the elapsed seconds, kInvert flips it: seconds / (pages / 1e9) = ns per page.
    state.counters["ns_per_page"] =
        benchmark::Counter(handoffs / 1e9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.SetItemsProcessed(int64_t(handoffs));
}

void BM_multicore_copy(benchmark::State& state) {
    Device device(load_device("wormhole_b0"));
    std::vector<std::byte> data(size_t(20000) * 256, std::byte{3});
    RunOptions o;
    o.host_threads = host_threads(state.range(0));
    o.checks = state.range(1) != 0;
    for (auto _ : state) benchmark::DoNotOptimize(ops::examples::multicore_copy(device, data, 256, 4, o));
    state.SetBytesProcessed(int64_t(data.size()) * int64_t(state.iterations()));  // simulated bytes copied
}
}  // namespace

// Args: host threads (0 = all), CB depth, checks.
BENCHMARK(BM_cb_handoff)
    ->ArgNames({"threads", "depth", "checks"})
    ->Args({1, 2, 1})
    ->Args({0, 2, 1})
    ->Args({0, 2, 0})
    ->Args({0, 8, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// Args: host threads (0 = all), checks.
BENCHMARK(BM_multicore_copy)
    ->ArgNames({"threads", "checks"})
    ->Args({1, 1})
    ->Args({0, 1})
    ->Args({0, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_MAIN();
