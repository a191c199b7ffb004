// The cost model on hand-computed micro programs: every expected time below is derived from the model's
// formulas (docs/cost-model.md) and the device file's constants, not read back from a run.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ops/examples/examples.hpp"
#include "tilesim/cost_model.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"

using namespace tilesim;

namespace {
void add_cb(Program& p, const CoreSpec& cores, uint8_t index, uint32_t pages, uint32_t page_size) {
    CreateCircularBuffer(p, cores,
                         CircularBufferConfig(pages * page_size, {{index, DataType::BFloat16}})
                             .set_page_size(index, page_size));
}

const KernelStats& kernel(const RunReport& r, CoreCoord core, std::string_view name) {
    const CoreStats* cs = r.find_core(core);
    if (!cs) throw std::runtime_error("no core " + core.str());
    for (const auto& k : cs->kernels)
        if (k.name == name) return k;
    throw std::runtime_error("no kernel " + std::string(name));
}

// These tests hold the transfer, CB and compute formulas exactly, so the kernels' own scalar work (counted
// from their instructions, tested in test_scalar_cost.cpp) is left out of the device's model.
DeviceSpec transfer_model_of(const std::string& name) {
    DeviceSpec s = load_device(name);
    s.cost.riscv.modelled = false;
    return s;
}

// A DRAM read's rate on one of `cores` cores: its per-core cap, the NoC link, or its share of the chip.
double dram_share(const DeviceSpec& s, uint32_t cores) {
    return std::min({s.cost.dram_read.bytes_per_cycle, s.cost.noc_bytes_per_cycle,
                     s.cost.dram_achieved_gb_per_s * 1e3 / s.clock_mhz / cores});
}

// Port slot of one DRAM read of `bytes` on one of `cores` cores: max(issue, bytes / rate).
double dram_slot(const DeviceSpec& s, uint32_t bytes, uint32_t cores) {
    return std::max(s.cost.dram_read.issue_cycles, bytes / dram_share(s, cores));
}

// Runs `reads` DRAM reads of `bytes` each on every core of `cores`.
RunReport run_dram_reads(const std::string& device_name, CoreRange cores, uint32_t bytes, uint32_t reads) {
    Device device(transfer_model_of(device_name));
    auto buf = device.create_buffer({bytes, bytes, BufferType::DRAM, TensorMemoryLayout::INTERLEAVED, {}});
    Program p;
    auto k = CreateKernel(p, "tests/kernels/sim/cost_dram_reads.cpp", cores, ReaderDataMovementConfig{});
    for (CoreCoord c : cores.cores()) SetRuntimeArgs(p, k, c, {buf->address(), bytes, reads});
    return EnqueueProgram(device, p);
}

struct PipelineCase {
    uint32_t pages, cb_pages, a, b;  // a: producer work per page, b: consumer work per page
};

RunReport run_pipeline(const PipelineCase& pc, uint32_t host_threads) {
    Device device(transfer_model_of("wormhole_b0"));
    Program p;
    const CoreCoord core{2, 3};
    add_cb(p, core, 0, pc.cb_pages, 64);
    auto prod =
        CreateKernel(p, "tests/kernels/sim/cost_stage_producer.cpp", core, ReaderDataMovementConfig{});
    auto cons =
        CreateKernel(p, "tests/kernels/sim/cost_stage_consumer.cpp", core, WriterDataMovementConfig{});
    SetRuntimeArgs(p, prod, core, {pc.pages, pc.a});
    SetRuntimeArgs(p, cons, core, {pc.pages, pc.b});
    RunOptions o;
    o.host_threads = host_threads;
    return EnqueueProgram(device, p, o);
}
}  // namespace

TEST(CostModel, OneDramReadThenBarrierCostsLatenciesPlusBytesOverNocBandwidth) {
    for (const char* name : {"wormhole_b0", "blackhole"}) {
        const DeviceSpec s = transfer_model_of(name);
        const uint32_t bytes = 3008;
        const RunReport r = run_dram_reads(name, CoreRange({0, 0}, {0, 0}), bytes, 1);
        // One core has the whole chip's DRAM bandwidth, more than its own cap: the per-core cap limits.
        const double expected = dram_slot(s, bytes, 1) + s.cost.dram_read.latency_cycles;
        const KernelStats& k = kernel(r, {0, 0}, "cost_dram_reads");
        EXPECT_DOUBLE_EQ(k.end_cycle, expected) << name;
        EXPECT_DOUBLE_EQ(k.noc_wait_cycles, expected - s.cost.cb_call_cycles)
            << name;  // the read call itself is busy
        EXPECT_DOUBLE_EQ(r.predicted_cycles, expected) << name;
        EXPECT_EQ(k.dram_bytes_read, bytes);
    }
}

TEST(CostModel, ReadsIssuedBeforeOneBarrierOverlapTheirLatency) {
    const DeviceSpec s = transfer_model_of("wormhole_b0");
    const uint32_t bytes = 1024, reads = 9;
    const RunReport r = run_dram_reads("wormhole_b0", CoreRange({0, 0}, {0, 0}), bytes, reads);
    const double expected = reads * dram_slot(s, bytes, 1) + s.cost.dram_read.latency_cycles;
    EXPECT_DOUBLE_EQ(kernel(r, {0, 0}, "cost_dram_reads").end_cycle, expected);
}

TEST(CostModel, ManyCoresShareTheChipDramBandwidth) {
    const DeviceSpec s = transfer_model_of("wormhole_b0");
    const uint32_t bytes = 2048;
    const RunReport r = run_dram_reads("wormhole_b0", CoreRange({0, 0}, {7, 7}), bytes, 3);
    ASSERT_EQ(r.cores.size(), 64u);
    // 267 GB/s at 1 GHz over 64 cores: 4.17 B/cycle each, below the 21.8 B/cycle per-core cap.
    EXPECT_DOUBLE_EQ(r.dram_bytes_per_cycle_per_core, s.cost.dram_achieved_gb_per_s * 1e3 / s.clock_mhz / 64);
    EXPECT_LT(dram_share(s, 64), s.cost.dram_read.bytes_per_cycle);
    const double expected = 3 * dram_slot(s, bytes, 64) + s.cost.dram_read.latency_cycles;
    for (const auto& c : r.cores) EXPECT_DOUBLE_EQ(c.end_cycle(), expected) << c.core.str();
    EXPECT_EQ(r.bound, Bound::DramBandwidth) << r.bound_detail;
}

// Producer: per page reserve (c) + a + push (c); consumer: wait (c) + b + pop (c). With at least two
// CB pages the slower stage sets the pace and the faster one adds its work once, at an end:
//   a >= b + c:  end = n (a + 2c) + b + c     (consumer follows each push at once)
//   b >= a:      end = n (b + 2c) + a + c     (consumer waits only for the first page)
TEST(CostModel, TwoStagePipelineRunsAtTheSlowerStagesPace) {
    const DeviceSpec s = transfer_model_of("wormhole_b0");
    const double c = s.cost.cb_call_cycles;
    for (const PipelineCase pc : {PipelineCase{17, 2, 300, 120}, PipelineCase{17, 2, 120, 300},
                                  PipelineCase{23, 3, 77, 41}, PipelineCase{23, 4, 41, 77}}) {
        const double n = pc.pages, a = pc.a, b = pc.b;
        const double expected = a > b ? n * (a + 2 * c) + b + c : n * (b + 2 * c) + a + c;
        for (uint32_t threads : {1u, 4u}) {
            const RunReport r = run_pipeline(pc, threads);
            const auto& cons = kernel(r, {2, 3}, "cost_stage_consumer");
            EXPECT_DOUBLE_EQ(cons.end_cycle, expected) << "a=" << a << " b=" << b << " threads=" << threads;
            EXPECT_DOUBLE_EQ(r.predicted_cycles, expected);
            // Waiting is the time not spent in calls and work.
            EXPECT_DOUBLE_EQ(cons.busy_cycles, n * (b + 2 * c));
            EXPECT_DOUBLE_EQ(cons.wait_cycles, expected - n * (b + 2 * c));
        }
    }
}

// In simulated time a fast consumer drains each page before the next is pushed (one page in flight); a
// slow one lets the producer fill the CB. Both are independent of the host thread count.
TEST(CostModel, CbHighWaterIsMeasuredInSimulatedTime) {
    for (uint32_t threads : {1u, 2u, 4u}) {
        const RunReport fast = run_pipeline({40, 4, 300, 120}, threads);
        const RunReport slow = run_pipeline({40, 4, 120, 300}, threads);
        ASSERT_EQ(fast.cores[0].circular_buffers.size(), 1u);
        EXPECT_EQ(fast.cores[0].circular_buffers[0].high_water_pages, 1u) << threads << " threads";
        EXPECT_EQ(slow.cores[0].circular_buffers[0].high_water_pages, 4u) << threads << " threads";
        EXPECT_EQ(slow.cores[0].circular_buffers[0].pages_pushed, 40u);
    }
}

TEST(CostModel, PipelineWithOnePageCbSerialisesTheStages) {
    const DeviceSpec s = transfer_model_of("wormhole_b0");
    const double c = s.cost.cb_call_cycles, n = 9, a = 50, b = 70;
    const RunReport r = run_pipeline({9, 1, 50, 70}, 2);
    // With one page each reservation waits for the previous pop, and each wait for the next push: per page
    // a + push (c) + b + pop (c); the reserve and wait calls overlap those waits, except the very first
    // reserve (c): end = n (a + b + 2c) + c.
    EXPECT_DOUBLE_EQ(kernel(r, {2, 3}, "cost_stage_consumer").end_cycle, n * (a + b + 2 * c) + c);
    EXPECT_EQ(r.bound, Bound::CircularBufferStall) << r.bound_detail;
    EXPECT_EQ(r.cores[0].circular_buffers[0].high_water_pages, 1u);
}

// Compute per tile: wait (c) + unpack per source tile + math + reserve (c) + pack + push (c) + pop (c); the
// first wait is for the reader's first push (reserve c + push c). Math by the matrix engine's published
// rates: copy and add at 8x16 values per cycle (8 cycles a tile) whatever the fidelity, mul at that rate
// per fidelity phase (8 / 16 / 24 / 32 cycles from LoFi to HiFi4).
TEST(CostModel, ComputeCostsEachOperationAtItsMatrixEngineRateAndFidelity) {
    const DeviceSpec s = transfer_model_of("wormhole_b0");
    const double c = s.cost.cb_call_cycles;
    const uint32_t n = 13;
    struct Op {
        uint32_t code, sources;
        double math[4];  // LoFi, HiFi2, HiFi3, HiFi4
    };
    for (const Op& op : {Op{0, 1, {8, 8, 8, 8}}, Op{1, 2, {8, 8, 8, 8}}, Op{2, 2, {8, 16, 24, 32}}}) {
        for (MathFidelity f :
             {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4}) {
            Device device(transfer_model_of("wormhole_b0"));
            Program p;
            const CoreCoord core{5, 1};
            add_cb(p, core, 0, 2, 2048);
            add_cb(p, core, 16, 2, 2048);
            auto prod = CreateKernel(p, "tests/kernels/sim/cost_stage_producer.cpp", core,
                                     ReaderDataMovementConfig{});
            ComputeConfig config;
            config.math_fidelity = f;
            auto comp = CreateKernel(p, "tests/kernels/sim/cost_copy_tiles.cpp", core, config);
            auto drain =
                CreateKernel(p, "tests/kernels/sim/cost_drain.cpp", core, WriterDataMovementConfig{});
            SetRuntimeArgs(p, prod, core, {n, 0});
            SetRuntimeArgs(p, comp, core, {n, op.code});
            SetRuntimeArgs(p, drain, core, {n});
            const RunReport r = EnqueueProgram(device, p);
            const double math = op.math[static_cast<int>(f)];
            const double unpack = op.sources * s.cost.tilize_cycles_per_tile;
            const double per_tile = unpack + math + s.cost.pack_cycles_per_tile + 4 * c;
            const KernelStats& k = kernel(r, core, "cost_copy_tiles");
            const std::string what = fmt::format("op {} fidelity {}", op.code, static_cast<int>(f));
            EXPECT_DOUBLE_EQ(k.end_cycle, 2 * c + n * per_tile - c) << what;
            EXPECT_DOUBLE_EQ(k.math_cycles, n * math) << what;
            EXPECT_DOUBLE_EQ(k.unpack_cycles, n * unpack) << what;
            EXPECT_DOUBLE_EQ(k.pack_cycles, n * s.cost.pack_cycles_per_tile) << what;
            EXPECT_EQ(k.tile_ops, n);
            // The bound names the stage: here unpacking two source tiles outweighs the math.
            EXPECT_EQ(r.bound, Bound::Compute) << r.bound_detail;
            EXPECT_NE(r.bound_detail.find("unpack"), std::string::npos) << r.bound_detail;
            EXPECT_NE(r.bound_detail.find("math"), std::string::npos) << r.bound_detail;
        }
    }
}

TEST(CostModel, MathCyclesFollowTheMatrixEngineRates) {
    const DeviceSpec s = load_device("wormhole_b0");
    const CostModel cost(s, 1);
    for (MathFidelity f :
         {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4}) {
        const double phases = MatrixEngineCost::phases(f);
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::Matmul, f, 3), 3 * 16 * phases);
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::ReduceSum, f, 1), 4 * phases);  // 16x16 values a cycle
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::ReduceMax, f, 1), 4);
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::Mul, f, 2), 2 * 8 * phases);  // 8x16 values a cycle
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::AddSub, f, 1), 8);
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::Datacopy, f, 1), 8);
        EXPECT_DOUBLE_EQ(cost.math_cycles(MathOp::SfpuUnary, f, 1), 8);  // abs_tile: at the eltwise rate
    }
}

// Reader and writer each stream at the core's DRAM share, so together the cores could move twice the
// chip's DRAM bandwidth; the chip-wide floor (all DRAM bytes / bandwidth) then sets the prediction.
TEST(CostModel, DramBoundManyCoreCopyIsPredictedAtTotalBytesOverDramBandwidth) {
    Device device(transfer_model_of("wormhole_b0"));
    const DeviceSpec& s = device.spec();
    const uint32_t stick = 8192, sticks = 64 * 4 + 7;  // 7 cores get a fifth stick
    std::vector<std::byte> data(size_t(stick) * sticks);
    std::mt19937 rng(11);
    for (auto& b : data) b = static_cast<std::byte>(rng() & 0xff);
    const auto r = ops::examples::multicore_copy(device, data, stick, 2).report;
    const double bytes = 2.0 * stick * sticks;  // read once, written once
    EXPECT_EQ(r.dram_bytes_read + r.dram_bytes_written, static_cast<uint64_t>(bytes));
    EXPECT_DOUBLE_EQ(r.predicted_cycles, bytes / (s.cost.dram_achieved_gb_per_s * 1e3 / s.clock_mhz));
    EXPECT_LT(r.critical_path_cycles, r.predicted_cycles);
    EXPECT_EQ(r.bound, Bound::DramBandwidth) << r.bound_detail;
    EXPECT_DOUBLE_EQ(r.predicted_us(), r.predicted_cycles / s.clock_mhz);
}

// ---- the occupancy tracker on its own --------------------------------------------------------------------

TEST(CbOccupancyTracker, MergesPushAndPopClocksWhateverTheFeedingOrder) {
    const std::vector<double> push = {0, 10, 20, 30}, pop = {15, 25, 35, 45};
    CbOccupancyTracker all_pushes_first;
    all_pushes_first.learn_pushes(4, push);
    for (double t : pop) all_pushes_first.popped(1, t);
    CbOccupancyTracker interleaved;
    for (uint64_t i = 0; i < 4; ++i) {
        interleaved.learn_pushes(i + 1, push);
        interleaved.popped(1, pop[i]);
    }
    // pushes at 0 and 10 before the pop at 15: two pages; then one push per pop.
    EXPECT_EQ(all_pushes_first.finish(4, push), 2u);
    EXPECT_EQ(interleaved.finish(4, push), 2u);
}

TEST(CbOccupancyTracker, PopAtTheSameClockAsAPushFreesTheSlotFirst) {
    const std::vector<double> push = {0, 15};
    CbOccupancyTracker t;
    t.learn_pushes(1, push);
    t.popped(1, 15);
    t.learn_pushes(2, push);
    t.popped(1, 30);
    EXPECT_EQ(t.finish(2, push), 1u);
}

TEST(CbOccupancyTracker, PagesNeverPoppedCountAtTheEnd) {
    const std::vector<double> ring = {5, 6, 7};  // three pages pushed, nobody waited
    CbOccupancyTracker t;
    EXPECT_EQ(t.finish(3, ring), 3u);
}
