// The machine's memory bandwidth, the ceiling for bandwidth-bound CPU references: a STREAM-style copy
// and triad over arrays far larger than the caches, on 1 and all host threads (oneTBB). Counted bytes:
// read + written (copy 8 B per float, triad 12 B per float).
#include <benchmark/benchmark.h>

#include <vector>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

namespace {
constexpr size_t kFloats = size_t(64) << 20;  // 256 MiB per array

void run(benchmark::State& state, bool triad) {
    oneapi::tbb::global_control threads(oneapi::tbb::global_control::max_allowed_parallelism, state.range(0));
    std::vector<float> a(kFloats, 1.f), b(kFloats, 2.f), c(kFloats, 0.f);
    for (auto _ : state) {
        oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<size_t>(0, kFloats, 1 << 16), [&](const auto& r) {
            for (size_t i = r.begin(); i < r.end(); ++i) c[i] = triad ? a[i] + 3.f * b[i] : a[i];
        });
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kFloats * sizeof(float) * (triad ? 3 : 2)));
}
void BM_copy(benchmark::State& s) { run(s, false); }
void BM_triad(benchmark::State& s) { run(s, true); }
}  // namespace

BENCHMARK(BM_copy)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_triad)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
