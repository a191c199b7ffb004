// The ported tt-metal programming examples run on the simulator and match the host computation, with
// bit-identical results whatever the number of host threads.
#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "common/compare.hpp"
#include "ops/examples/examples.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/device_spec.hpp"

using namespace tilesim;

namespace {
std::vector<std::byte> random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::byte> v(n);
    for (auto& b : v) b = static_cast<std::byte>(rng() & 0xff);
    return v;
}
std::vector<float> random_floats(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-4.f, 4.f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}
}  // namespace

TEST(RuntimeExamples, LoopbackCopiesEveryPageThroughL1) {
    Device device(load_device("wormhole_b0"));
    const auto data = random_bytes(37 * 96, 1);
    const auto r = ops::examples::loopback(device, data, 96);
    EXPECT_EQ(r.output, data);
    ASSERT_EQ(r.report.cores.size(), 1u);
    EXPECT_EQ(r.report.cores[0].kernels[0].noc_reads, 37u);
    EXPECT_EQ(r.report.cores[0].kernels[0].bytes_written, 37u * 96);
}

TEST(RuntimeExamples, EltwiseBinaryAddsBf16TilesOnManyCores) {
    Device device(load_device("wormhole_b0"));
    const size_t n = 1024 * 77;  // 77 tiles over 64 cores: two core groups
    const auto a = random_floats(n, 2), b = random_floats(n, 3);
    const auto r = ops::examples::eltwise_add_bf16(device, a, b);
    std::vector<float> expected(n);
    for (size_t i = 0; i < n; ++i) expected[i] = round_to_bf16(round_to_bf16(a[i]) + round_to_bf16(b[i]));
    EXPECT_CLOSE(r.output, expected, 0.0, 1.0);
    EXPECT_EQ(r.report.cores.size(), 64u);
}

TEST(RuntimeExamples, MulticoreCopyOfOddStickCountMatches) {
    Device device(load_device("blackhole"));
    const auto data = random_bytes(1001 * 148, 4);
    const auto r = ops::examples::multicore_copy(device, data, 148);
    EXPECT_EQ(r.output, data);
    uint64_t bytes = 0;
    for (const auto& c : r.report.cores) bytes += c.bytes_read();
    EXPECT_EQ(bytes, 1001u * 148);
}

TEST(RuntimeExamples, ManyCoresTensOfThousandsOfHandoffsComplete) {
    // 64 cores x 2 kernels + CB c_0 per core, 40000 sticks: 40000 CB handoffs.
    Device device(load_device("wormhole_b0"));
    const auto data = random_bytes(40000 * 64, 5);
    const auto r = ops::examples::multicore_copy(device, data, 64, 4);
    EXPECT_EQ(r.output, data);
    EXPECT_EQ(r.report.cb_pages_handed_off, 40000u);
}

TEST(Determinism, ThreadsExecutorGivesTheSameResultsAsFibers) {
    if (kDefaultExecutor == Executor::Threads) {
        // A ThreadSanitizer build: it cannot follow fiber switches, so the fiber executor is not checked
        // here.
        GTEST_SKIP() << "TSan build: the fiber executor is not run under ThreadSanitizer";
    }
    const auto data = random_bytes(2001 * 96, 9);
    const auto a = random_floats(1024 * 66, 10), b = random_floats(1024 * 66, 11);
    RunOptions tasks, threads;
    tasks.executor = Executor::Fibers;
    threads.executor = Executor::Threads;
    Device d1(load_device("wormhole_b0")), d2(load_device("wormhole_b0"));
    const auto c1 = ops::examples::multicore_copy(d1, data, 96, 2, tasks);
    const auto c2 = ops::examples::multicore_copy(d2, data, 96, 2, threads);
    EXPECT_EQ(c1.output, c2.output);
    EXPECT_EQ(c1.report.predicted_cycles, c2.report.predicted_cycles);
    const auto e1 = ops::examples::eltwise_add_bf16(d1, a, b, tasks);
    const auto e2 = ops::examples::eltwise_add_bf16(d2, a, b, threads);
    EXPECT_EQ(0, std::memcmp(e1.output.data(), e2.output.data(), e1.output.size() * 4));
    EXPECT_EQ(e1.report.predicted_cycles, e2.report.predicted_cycles);
}

TEST(Determinism, OutputsAndPredictedTimesAreIdenticalAcrossHostThreadCounts) {
    const auto data = random_bytes(3001 * 80, 6);
    const auto a = random_floats(1024 * 70, 7), b = random_floats(1024 * 70, 8);
    std::vector<std::byte> first_copy;
    std::vector<float> first_add;
    double first_cycles = -1, first_add_cycles = -1;
    for (uint32_t threads : {1u, 2u, 8u, 2u}) {
        Device device(load_device("wormhole_b0"));
        RunOptions o;
        o.host_threads = threads;
        const auto c = ops::examples::multicore_copy(device, data, 80, 2, o);
        const auto e = ops::examples::eltwise_add_bf16(device, a, b, o);
        if (first_cycles < 0) {
            first_copy = c.output;
            first_add = e.output;
            first_cycles = c.report.predicted_cycles;
            first_add_cycles = e.report.predicted_cycles;
            continue;
        }
        EXPECT_EQ(c.output, first_copy) << threads << " threads";
        EXPECT_EQ(0, std::memcmp(e.output.data(), first_add.data(), first_add.size() * 4))
            << threads << " threads";
        EXPECT_EQ(c.report.predicted_cycles, first_cycles) << threads << " threads";
        EXPECT_EQ(e.report.predicted_cycles, first_add_cycles) << threads << " threads";
    }
}
