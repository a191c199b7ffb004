// The two executors (Fibers: the kernels of a core as fibers in one oneTBB task; Threads: an OS thread per
// kernel) on what is hard for a fiber scheduler: cores that park with every kernel blocked and are woken
// by another core's semaphore write, a core blocked on a semaphore and a CB at once, errors thrown while
// other kernels of the same core wait, and kernels that use a lot of stack.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/expect_throw_msg.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/validate_program.hpp"

using namespace tilesim;

namespace {

struct ExecutorCase {
    Executor executor;
    uint32_t host_threads;
};

std::string case_name(const ::testing::TestParamInfo<ExecutorCase>& info) {
    return std::string(info.param.executor == Executor::Fibers ? "Fibers" : "Threads") + "_" +
           std::to_string(info.param.host_threads) + "_threads";
}

class Executors : public ::testing::TestWithParam<ExecutorCase> {
  protected:
    void SetUp() override {
        if (GetParam().executor == Executor::Fibers && kDefaultExecutor == Executor::Threads)
            GTEST_SKIP() << "ThreadSanitizer build: fiber switches are not visible to it";
    }
    RunOptions options() const {
        RunOptions o;
        o.executor = GetParam().executor;
        o.host_threads = GetParam().host_threads;
        o.watchdog_seconds = 20;
        return o;
    }
};

uint32_t read_l1_word(Device& device, CoreCoord core, uint32_t addr) {
    uint32_t v;
    std::memcpy(&v, device.l1(core) + addr, 4);
    return v;
}

}  // namespace

struct ChainResult {
    uint32_t sum = 0;
    double predicted_cycles = 0;
    double write_latency = 0;
    uint32_t host_threads = 0;  // as the run report says
};

// Runs the token chain over `length` cores; returns the sum the last core holds and the predicted time.
ChainResult run_token_chain(uint32_t length, const RunOptions& options) {
    Device device(load_device("wormhole_b0"));
    const CoreCoord grid = device.spec().worker_grid;
    const CoreRange cores({0, 0}, {grid.x - 1, (length - 1) / grid.x});
    Program p;
    const uint32_t token = CreateSemaphore(p, cores, 0);
    const uint32_t sum = CreateSemaphore(p, cores, 0);
    EXPECT_EQ(token, 0u);
    EXPECT_EQ(sum, 1u);
    CreateCircularBuffer(p, cores, CircularBufferConfig(64, {{0, DataType::Float32}}).set_page_size(0, 64));
    auto waiter = CreateKernel(p, "tests/kernels/sim/token_waiter.cpp", cores, ReaderDataMovementConfig{});
    auto signaller =
        CreateKernel(p, "tests/kernels/sim/token_signaller.cpp", cores, WriterDataMovementConfig{});
    for (uint32_t i = 0; i < cores.size(); ++i) {
        const CoreCoord c{i % grid.x, i / grid.x}, next{(i + 1) % grid.x, (i + 1) / grid.x};
        // Cores past the chain's end get a chain of their own, of length 1: they neither wait nor signal.
        const uint32_t position = i < length ? i : 0;
        const uint32_t chain = i < length ? length : 1;
        SetRuntimeArgs(p, waiter, c, {position, chain, next.x, next.y});
        SetRuntimeArgs(p, signaller, c, {position, chain, next.x, next.y});
    }
    const RunReport report = EnqueueProgram(device, p, options);
    const CoreCoord last{(length - 1) % grid.x, (length - 1) / grid.x};
    const auto layout = plan_l1(device, p);
    uint32_t sum_addr = 0;
    for (const auto& placement : layout.at(last).semaphores)
        if (placement.id == sum) sum_addr = placement.address;
    return {read_l1_word(device, last, sum_addr), report.predicted_cycles,
            device.spec().cost.l1_write.latency_cycles, report.host_threads};
}

TEST_P(Executors, TokenPassedAlongAChainOfParkedCoresVisitsEveryCoreInOrder) {
    const uint32_t length = 37;  // odd, and more cores than host threads by far
    const ChainResult r = run_token_chain(length, options());
    EXPECT_EQ(r.sum, length * (length - 1) / 2);  // positions 0..36
    // Each hop waits for the previous core's signal to arrive: the predicted time grows with the chain.
    EXPECT_GT(r.predicted_cycles, double(length - 1) * r.write_latency);
}

TEST(SemaphoreTiming, PredictedTimeOfAChainIsTheSameForEveryExecutorAndThreadCount) {
    // Whether a waiter blocks or finds its signal already there depends on host order; the simulated
    // time must not.
    std::vector<ExecutorCase> cases = {{Executor::Threads, 0}};
    if (kDefaultExecutor == Executor::Fibers)
        cases.insert(cases.end(), {{Executor::Fibers, 1}, {Executor::Fibers, 2}});
    std::vector<double> times;
    for (int repeat = 0; repeat < 3; ++repeat) {
        for (const ExecutorCase& c : cases) {
            RunOptions o;
            o.executor = c.executor;
            o.host_threads = c.host_threads;
            times.push_back(run_token_chain(29, o).predicted_cycles);
        }
    }
    for (double t : times) EXPECT_EQ(t, times.front());
}

TEST(HostThreads, DefaultComesFromTheEnvironmentWhenSet) {
    const char* old = std::getenv("TILESIM_HOST_THREADS");
    const std::string saved = old ? old : "";
    RunOptions
        o;  // the build's default executor (Threads under ThreadSanitizer): the count is reported either way
    setenv("TILESIM_HOST_THREADS", "3", 1);
    EXPECT_EQ(run_token_chain(5, o).host_threads, 3u);
    o.host_threads = 2;  // an explicit count wins
    EXPECT_EQ(run_token_chain(5, o).host_threads, 2u);
    o.host_threads = 0;
    setenv("TILESIM_HOST_THREADS", "two", 1);
    EXPECT_THROW_MSG(run_token_chain(5, o), tilesim::Error,
                     "TILESIM_HOST_THREADS: 'two' is not a host thread count");
    if (old)
        setenv("TILESIM_HOST_THREADS", saved.c_str(), 1);
    else
        unsetenv("TILESIM_HOST_THREADS");
}

TEST_P(Executors, AnErrorInOneKernelEndsTheRunWhileTheOtherKernelOfItsCoreWaits) {
    Device device(load_device("wormhole_b0"));
    Program p;
    const CoreRange cores({0, 0}, {2, 0});
    for (uint8_t cb : {0, 1})
        CreateCircularBuffer(p, cores,
                             CircularBufferConfig(64, {{cb, DataType::Float32}}).set_page_size(cb, 64));
    CreateKernel(p, "tests/kernels/sim/waits_forever.cpp", cores, ReaderDataMovementConfig{});
    CreateKernel(p, "tests/kernels/sim/throws_after_a_switch.cpp", cores, WriterDataMovementConfig{});
    EXPECT_THROW_MSG(EnqueueProgram(device, p, options()), Error,
                     "writer kernel 'throws_after_a_switch' on core");
    EXPECT_THROW_MSG(EnqueueProgram(device, p, options()), Error, "threw: kernel gave up");
    // The device stays usable: a correct program runs on it afterwards.
    Program ok;
    CreateSemaphore(ok, cores, 0);
    CreateCircularBuffer(ok, cores, CircularBufferConfig(64, {{0, DataType::Float32}}).set_page_size(0, 64));
    CreateKernel(ok, "tests/kernels/sim/big_stack.cpp", cores, ReaderDataMovementConfig{});
    EXPECT_NO_THROW(EnqueueProgram(device, ok, options()));
}

TEST_P(Executors, KernelsMayUseAQuarterMegabyteOfStackAcrossSwitches) {
    Device device(load_device("wormhole_b0"));
    Program p;
    const CoreRange cores({0, 0}, {3, 1});
    const uint32_t sem = CreateSemaphore(p, cores, 0);
    CreateSemaphore(p, cores, 0);  // room for the 8-byte sum
    CreateCircularBuffer(p, cores, CircularBufferConfig(64, {{0, DataType::Float32}}).set_page_size(0, 64));
    CreateKernel(p, "tests/kernels/sim/big_stack.cpp", cores, ReaderDataMovementConfig{});
    EnqueueProgram(device, p, options());
    const uint64_t n = 64 * 1024;
    const uint64_t expected = 3 * n * (n - 1) / 2;
    for (const auto& [core, placement] : plan_l1(device, p)) {
        for (const auto& s : placement.semaphores) {
            if (s.id != sem) continue;
            uint64_t got;
            std::memcpy(&got, device.l1(core) + s.address, 8);
            EXPECT_EQ(got, expected) << core.str();
        }
    }
}

TEST_P(Executors, RepeatedRunsReuseTheirResources) {
    // Thousands of kernels over many runs: fiber stacks come from a pool, so this neither runs out of
    // address space nor slows down; every run must still complete.
    Device device(load_device("wormhole_b0"));
    const CoreCoord grid = device.spec().worker_grid;
    const CoreRange all({0, 0}, {grid.x - 1, grid.y - 1});
    for (int run = 0; run < 8; ++run) {
        Program p;
        CreateCircularBuffer(p, all, CircularBufferConfig(64, {{0, DataType::Float32}}).set_page_size(0, 64));
        auto producer = CreateKernel(p, "tests/kernels/sim/producer.cpp", all, ReaderDataMovementConfig{});
        auto consumer = CreateKernel(p, "tests/kernels/sim/consumer.cpp", all, WriterDataMovementConfig{});
        SetRuntimeArgs(p, producer, all, {1, 50});
        SetRuntimeArgs(p, consumer, all, {1, 50});
        const RunReport r = EnqueueProgram(device, p, options());
        ASSERT_EQ(r.cb_pages_handed_off, uint64_t(50) * all.size()) << "run " << run;
    }
}

INSTANTIATE_TEST_SUITE_P(, Executors,
                         ::testing::Values(ExecutorCase{Executor::Fibers, 1},
                                           ExecutorCase{Executor::Fibers, 2},
                                           ExecutorCase{Executor::Threads, 0}),
                         case_name);
