// The Chrome trace export: valid trace-event JSON (every event has ph/ts/pid/tid, complete events a
// non-negative duration, processes and threads named), slices that tile each kernel's time, waits named
// after the call and the CB; and the atomic file writer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

#include "common/expect_throw_msg.hpp"
#include "ops/examples/examples.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/trace.hpp"

using namespace tilesim;
using nlohmann::json;

namespace {
RunReport run_reader_consumer(bool trace, uint32_t pages, uint32_t work) {
    Device device(load_device("wormhole_b0"));
    auto buf = device.create_buffer({256, 256, BufferType::DRAM, TensorMemoryLayout::INTERLEAVED, {}});
    Program p;
    const CoreRange cores({1, 1}, {2, 1});
    CreateCircularBuffer(
        p, cores, CircularBufferConfig(2 * 256, {{uint8_t{0}, DataType::Float32}}).set_page_size(0, 256));
    auto rd = CreateKernel(p, "tests/kernels/sim/trace_reader.cpp", cores, ReaderDataMovementConfig{});
    auto co = CreateKernel(p, "tests/kernels/sim/trace_consumer.cpp", cores, WriterDataMovementConfig{});
    for (CoreCoord c : cores.cores()) {
        SetRuntimeArgs(p, rd, c, {buf->address(), pages});
        SetRuntimeArgs(p, co, c, {pages, work});
    }
    RunOptions o;
    o.trace = trace;
    return EnqueueProgram(device, p, o);
}

// Checks the trace-event format rules this exporter promises; returns the problems found.
std::vector<std::string> trace_format_problems(const json& j) {
    std::vector<std::string> bad;
    if (!j.contains("traceEvents") || !j["traceEvents"].is_array()) return {"no traceEvents array"};
    std::set<int> named_pids;
    std::set<std::pair<int, int>> named_threads, used_threads;
    for (const auto& e : j["traceEvents"]) {
        for (const char* key : {"name", "ph", "pid", "tid"}) {
            if (!e.contains(key)) bad.push_back(std::string("event without ") + key + ": " + e.dump());
        }
        const std::string ph = e.value("ph", "");
        if (ph == "X") {
            if (!e.contains("ts") || !e["ts"].is_number())
                bad.push_back("X event without numeric ts: " + e.dump());
            if (!e.contains("dur") || !e["dur"].is_number() || e["dur"].get<double>() < 0)
                bad.push_back("bad dur: " + e.dump());
            used_threads.insert({e["pid"].get<int>(), e["tid"].get<int>()});
        } else if (ph == "M") {
            const std::string name = e["name"];
            if (name == "process_name") named_pids.insert(e["pid"].get<int>());
            if (name == "thread_name") named_threads.insert({e["pid"].get<int>(), e["tid"].get<int>()});
            if ((name == "process_name" || name == "thread_name") && !e["args"]["name"].is_string())
                bad.push_back("unnamed: " + e.dump());
        } else {
            bad.push_back("unexpected phase " + ph);
        }
    }
    for (const auto& [pid, tid] : used_threads) {
        if (!named_pids.contains(pid)) bad.push_back("process without name " + std::to_string(pid));
        if (!named_threads.contains({pid, tid})) bad.push_back("thread without name " + std::to_string(tid));
    }
    return bad;
}

// X slices per (pid, tid), in file order.
std::map<std::pair<int, int>, std::vector<json>> slices_by_thread(const json& j) {
    std::map<std::pair<int, int>, std::vector<json>> out;
    for (const auto& e : j["traceEvents"])
        if (e["ph"] == "X") out[{e["pid"].get<int>(), e["tid"].get<int>()}].push_back(e);
    return out;
}
}  // namespace

TEST(Trace, IsValidTraceEventJsonWithNamedCoresAndKernels) {
    const RunReport r = run_reader_consumer(true, 6, 900);
    const json j = json::parse(trace_to_json(r));
    const auto problems = trace_format_problems(j);
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems.front());
    std::set<std::string> processes, threads;
    for (const auto& e : j["traceEvents"]) {
        if (e["name"] == "process_name") processes.insert(e["args"]["name"]);
        if (e["name"] == "thread_name") threads.insert(e["args"]["name"]);
    }
    EXPECT_TRUE(processes.contains("core (x=1,y=1)"));
    EXPECT_TRUE(processes.contains("core (x=2,y=1)"));
    EXPECT_TRUE(processes.contains("chip (wormhole_b0)"));
    EXPECT_TRUE(threads.contains("reader trace_reader"));
    EXPECT_TRUE(threads.contains("writer trace_consumer"));
    // pid = y * grid.x + x
    for (const auto& e : j["traceEvents"]) {
        if (e["name"] == "process_name" && e["args"]["name"] == "core (x=2,y=1)") {
            EXPECT_EQ(e["pid"], 1 * 8 + 2);
        }
    }
}

TEST(Trace, SlicesTileEachKernelAndWaitsNameTheCallAndCb) {
    const RunReport r = run_reader_consumer(true, 6, 900);
    const json j = json::parse(trace_to_json(r));
    const auto by_thread = slices_by_thread(j);
    const CoreStats& core = *r.find_core({1, 1});
    std::set<std::string> wait_names;
    for (size_t i = 0; i < core.kernels.size(); ++i) {
        const KernelStats& k = core.kernels[i];
        const auto& slices = by_thread.at({1 * 8 + 1, static_cast<int>(i) + 1});
        double t = 0, busy = 0, wait = 0;
        for (const auto& s : slices) {
            EXPECT_NEAR(s["ts"].get<double>(), t / r.clock_mhz, 1e-9) << "slices are contiguous";
            const double cycles = s["args"]["cycles"].get<double>();
            EXPECT_NEAR(s["dur"].get<double>(), cycles / r.clock_mhz, 1e-9);
            (s["cat"] == "busy" ? busy : wait) += cycles;
            if (s["cat"] == "wait") wait_names.insert(s["name"]);
            t += cycles;
        }
        EXPECT_DOUBLE_EQ(t, k.end_cycle) << k.name;
        EXPECT_DOUBLE_EQ(busy, k.busy_cycles) << k.name;
        EXPECT_DOUBLE_EQ(wait, k.wait_cycles) << k.name;
    }
    // The reader waits on its DRAM reads and, with the consumer slow, for free pages; the consumer for
    // the first page.
    std::string names;
    for (const auto& n : wait_names) names += n + "; ";
    EXPECT_TRUE(wait_names.contains("noc_async_read_barrier")) << names;
    EXPECT_TRUE(wait_names.contains("cb_reserve_back c_0")) << names;
    EXPECT_TRUE(wait_names.contains("cb_wait_front c_0")) << names;
}

TEST(Trace, WithoutRecordedWaitsEachKernelIsOneUntracedSlice) {
    const RunReport r = run_reader_consumer(false, 3, 100);
    const json j = json::parse(trace_to_json(r));
    EXPECT_TRUE(trace_format_problems(j).empty());
    for (const auto& [thread, slices] : slices_by_thread(j)) {
        if (thread.first == 8 * 8) continue;  // the chip process
        ASSERT_EQ(slices.size(), 1u);
        EXPECT_EQ(slices[0]["cat"], "untraced");
    }
}

TEST(Trace, ManyCoreRunHasOneProcessPerCorePlusTheChip) {
    Device device(load_device("blackhole"));
    std::vector<std::byte> data(size_t(300) * 64, std::byte{3});
    RunOptions o;
    o.trace = true;
    const RunReport r = ops::examples::multicore_copy(device, data, 64, 2, o).report;
    const json j = json::parse(trace_to_json(r));
    EXPECT_TRUE(trace_format_problems(j).empty());
    std::set<int> pids;
    for (const auto& e : j["traceEvents"])
        if (e["name"] == "process_name") pids.insert(e["pid"].get<int>());
    EXPECT_EQ(pids.size(), 131u);
    EXPECT_EQ(j["otherData"]["device"], "blackhole");
}

TEST(KernelTimeline, FillsGapsBetweenWaitsWithBusySlices) {
    KernelStats k;
    k.end_cycle = 100;
    k.trace = {{"cb_wait_front c_1", "wait", 10, 20}, {"noc_async_read_barrier", "wait", 30, 50}};
    const auto t = kernel_timeline(k);
    ASSERT_EQ(t.size(), 4u);
    EXPECT_EQ(t[0].category, "busy");
    EXPECT_DOUBLE_EQ(t[0].duration, 10);
    EXPECT_EQ(t[1].name, "cb_wait_front c_1");
    EXPECT_EQ(t[2].name, "noc_async_read_barrier");  // back-to-back waits: no busy slice between
    EXPECT_DOUBLE_EQ(t[3].start, 80);
    EXPECT_DOUBLE_EQ(t[3].duration, 20);
}

TEST(WriteTextFile, WritesReplacesAndLeavesNoTemporaryFile) {
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("tilesim_trace_test_{}", ::getpid());
    std::filesystem::create_directories(dir);
    const auto path = dir / "trace.json";
    write_text_file(path, "first");
    write_text_file(path, "second, longer");
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    EXPECT_EQ(s.str(), "second, longer");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}),
              1);
    std::filesystem::remove_all(dir);
}

TEST(WriteTextFile, UnwritablePathIsAnErrorNamingIt) {
    const std::filesystem::path path = "/nonexistent_tilesim_dir/sub/trace.json";
    EXPECT_THROW_MSG(write_text_file(path, "x"), InvalidArgument,
                     "write_text_file: cannot write '/nonexistent_tilesim_dir/sub/trace.json'");
}
