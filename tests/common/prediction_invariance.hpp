#pragma once
// What the simulator sells is its predicted cycles: they must not depend on how the host runs the
// simulation. expect_prediction_is_host_invariant(run) runs an op on the simulated device on 1 and 3 host
// threads, with fibers and with OS threads, and expects the same output bits and the same prediction:
// total, critical path and bound, and per core and per kernel every cycle count and every byte count.
// Cycle counts are doubles computed by the same operations in the same order on every run, so they are
// compared exactly.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::testing {

inline void expect_same_kernel_prediction(const KernelStats& a, const KernelStats& b,
                                          const std::string& what) {
    const std::string k = what + ", kernel " + a.name;
    EXPECT_EQ(a.name, b.name) << k;
    EXPECT_EQ(a.end_cycle, b.end_cycle) << k;
    EXPECT_EQ(a.busy_cycles, b.busy_cycles) << k;
    EXPECT_EQ(a.wait_cycles, b.wait_cycles) << k;
    EXPECT_EQ(a.cb_wait_cycles, b.cb_wait_cycles) << k;
    EXPECT_EQ(a.cb_reserve_wait_cycles, b.cb_reserve_wait_cycles) << k;
    EXPECT_EQ(a.noc_wait_cycles, b.noc_wait_cycles) << k;
    EXPECT_EQ(a.sem_wait_cycles, b.sem_wait_cycles) << k;
    EXPECT_EQ(a.scalar_cycles, b.scalar_cycles) << k;
    EXPECT_EQ(a.unpack_cycles, b.unpack_cycles) << k;
    EXPECT_EQ(a.math_cycles, b.math_cycles) << k;
    EXPECT_EQ(a.pack_cycles, b.pack_cycles) << k;
    EXPECT_EQ(a.noc_reads, b.noc_reads) << k;
    EXPECT_EQ(a.noc_writes, b.noc_writes) << k;
    EXPECT_EQ(a.bytes_read, b.bytes_read) << k;
    EXPECT_EQ(a.bytes_written, b.bytes_written) << k;
    EXPECT_EQ(a.dram_bytes_read, b.dram_bytes_read) << k;
    EXPECT_EQ(a.dram_bytes_written, b.dram_bytes_written) << k;
    EXPECT_EQ(a.tile_ops, b.tile_ops) << k;
}

// Expects `b` to predict exactly what `a` predicts, core by core and kernel by kernel.
inline void expect_same_prediction(const RunReport& a, const RunReport& b, const std::string& what) {
    EXPECT_EQ(a.predicted_cycles, b.predicted_cycles) << what;
    EXPECT_EQ(a.critical_path_cycles, b.critical_path_cycles) << what;
    EXPECT_EQ(a.dram_bound_cycles, b.dram_bound_cycles) << what;
    EXPECT_EQ(a.bound, b.bound) << what;
    EXPECT_EQ(a.bound_detail, b.bound_detail) << what;
    EXPECT_EQ(a.cb_pages_handed_off, b.cb_pages_handed_off) << what;
    ASSERT_EQ(a.cores.size(), b.cores.size()) << what;
    for (size_t i = 0; i < a.cores.size(); ++i) {
        const CoreStats &ca = a.cores[i], &cb = b.cores[i];
        const std::string c = what + ", core " + ca.core.str();
        ASSERT_EQ(ca.core, cb.core) << c;
        EXPECT_EQ(ca.units, cb.units) << c;
        ASSERT_EQ(ca.kernels.size(), cb.kernels.size()) << c;
        for (size_t k = 0; k < ca.kernels.size(); ++k)
            expect_same_kernel_prediction(ca.kernels[k], cb.kernels[k], c);
        ASSERT_EQ(ca.circular_buffers.size(), cb.circular_buffers.size()) << c;
        for (size_t k = 0; k < ca.circular_buffers.size(); ++k) {
            EXPECT_EQ(ca.circular_buffers[k].high_water_pages, cb.circular_buffers[k].high_water_pages) << c;
            EXPECT_EQ(ca.circular_buffers[k].pages_pushed, cb.circular_buffers[k].pages_pushed) << c;
        }
    }
}

// `run(options)` runs one op on the simulated device with those RunOptions and returns the op's result
// (its `output` Tensor and its `report`). The first way is the baseline the other three must equal; the
// op's shape should give work to at least three cores, so that three host threads interleave them.
template <class Run>
void expect_prediction_is_host_invariant(Run&& run) {
    struct Way {
        const char* name;
        Executor executor;
        uint32_t host_threads;
    };
    const Way ways[] = {{"fibers on 1 host thread", Executor::Fibers, 1},
                        {"fibers on 3 host threads", Executor::Fibers, 3},
                        {"OS threads, 1 host thread", Executor::Threads, 1},
                        {"OS threads, 3 host threads", Executor::Threads, 3}};
    std::optional<Tensor> first_output;
    std::optional<RunReport> first;
    for (const Way& way : ways) {
        RunOptions o;
        o.executor = way.executor;
        o.host_threads = way.host_threads;
        const auto r = run(o);
        ASSERT_TRUE(r.report.has_value()) << way.name;
        EXPECT_EQ(r.report->host_threads, way.host_threads) << way.name;  // the options reached the run
        if (!first) {
            ASSERT_GE(r.report->cores.size(), 3u) << "give the op work for at least three cores";
            ASSERT_GT(r.report->predicted_cycles, 0);
            first_output = r.output;
            first = *r.report;
            continue;
        }
        const std::string what = fmt::format("{} vs {}", way.name, ways[0].name);
        ASSERT_EQ(r.output.bytes().size(), first_output->bytes().size()) << what;
        EXPECT_EQ(0,
                  std::memcmp(r.output.bytes().data(), first_output->bytes().data(), r.output.bytes().size()))
            << what << ": outputs differ";
        expect_same_prediction(*first, *r.report, what);
    }
}

}  // namespace tilesim::testing
