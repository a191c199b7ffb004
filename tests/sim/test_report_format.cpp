// The run report's table and JSON: complete (every core, kernel and CB), consistent (totals are the sums
// of the per-core numbers, which are the sums of the per-kernel numbers) and compact as a table.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "common/expect_throw_msg.hpp"
#include "ops/examples/examples.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"
#include "tilesim/report_format.hpp"
#include "tilesim/work_split.hpp"

using namespace tilesim;
using nlohmann::json;

namespace {
std::vector<float> random_floats(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-2.f, 2.f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

// eltwise_binary over 77 tiles on the 8x8 grid, with the units of work recorded as the factory split them.
RunReport eltwise_report() {
    Device device(load_device("wormhole_b0"));
    const size_t n = 1024 * 77;
    RunReport r = ops::examples::eltwise_add_bf16(device, random_floats(n, 1), random_floats(n, 2)).report;
    const CoreCoord grid = device.compute_with_storage_grid_size();
    set_units(r, assign_work(split_work_to_cores(grid, 77), grid));
    return r;
}

RunReport copy_report(const std::string& device_name, uint32_t sticks, uint32_t stick_bytes) {
    Device device(load_device(device_name));
    std::vector<std::byte> data(size_t(sticks) * stick_bytes, std::byte{7});
    RunReport r = ops::examples::multicore_copy(device, data, stick_bytes, 2).report;
    const CoreCoord grid = device.compute_with_storage_grid_size();
    set_units(r, assign_work(split_work_to_cores(grid, sticks), grid));
    return r;
}

size_t count_lines(const std::string& s) {
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}
}  // namespace

TEST(ReportJson, ParsesAndListsEveryCoreWithItsKernelsAndCbs) {
    const RunReport r = eltwise_report();
    const json j = json::parse(report_to_json(r));
    ASSERT_EQ(j["cores"].size(), 64u);
    std::set<std::pair<uint32_t, uint32_t>> seen;
    for (const auto& c : j["cores"]) {
        seen.insert({c["x"].get<uint32_t>(), c["y"].get<uint32_t>()});
        EXPECT_EQ(c["kernels"].size(), 3u);
        EXPECT_EQ(c["circular_buffers"].size(), 3u);
        EXPECT_EQ(c["l1"]["used_bytes"].get<uint64_t>(),
                  c["l1"]["cb_bytes"].get<uint64_t>() + c["l1"]["buffer_bytes"].get<uint64_t>());
        for (const auto& cb : c["circular_buffers"]) {
            EXPECT_LE(cb["high_water_pages"].get<uint32_t>(), cb["num_pages"].get<uint32_t>());
            EXPECT_GE(cb["high_water_pages"].get<uint32_t>(), 1u);
        }
    }
    EXPECT_EQ(seen.size(), 64u);
    EXPECT_EQ(j["device"], "wormhole_b0");
    EXPECT_DOUBLE_EQ(j["predicted"]["cycles"].get<double>(), r.predicted_cycles);
    EXPECT_DOUBLE_EQ(j["predicted"]["us"].get<double>(), r.predicted_cycles / 1000.0);
    EXPECT_EQ(j["predicted"]["bound"], std::string(to_string(r.bound)));
    EXPECT_EQ(j["totals"]["units"].get<uint64_t>(), 77u);
    EXPECT_EQ(j["kernels"].size(), 3u);  // reader, writer and one compute kernel name for both core groups
}

TEST(ReportJson, TotalsAreTheSumsOfPerCoreAndPerKernelBytes) {
    const RunReport r = eltwise_report();
    const json j = json::parse(report_to_json(r, -1));
    uint64_t read = 0, written = 0, dram_read = 0, dram_written = 0, kernel_read = 0, tile_ops = 0;
    for (const auto& c : j["cores"]) {
        read += c["bytes_read"].get<uint64_t>();
        written += c["bytes_written"].get<uint64_t>();
        dram_read += c["dram_bytes_read"].get<uint64_t>();
        dram_written += c["dram_bytes_written"].get<uint64_t>();
        for (const auto& k : c["kernels"]) {
            kernel_read += k["bytes_read"].get<uint64_t>();
            tile_ops += k["tile_ops"].get<uint64_t>();
            EXPECT_DOUBLE_EQ(k["busy_cycles"].get<double>() + k["wait_cycles"].get<double>(),
                             k["end_cycle"].get<double>());
        }
    }
    const auto& t = j["totals"];
    EXPECT_EQ(t["bytes_read"].get<uint64_t>(), read);
    EXPECT_EQ(t["bytes_written"].get<uint64_t>(), written);
    EXPECT_EQ(kernel_read, read);
    // Each of the 77 tiles is read from two inputs and written once, 2048 B each, all in DRAM.
    EXPECT_EQ(read, 77u * 2 * 2048);
    EXPECT_EQ(written, 77u * 2048);
    EXPECT_EQ(dram_read, r.dram_bytes_read);
    EXPECT_EQ(dram_written, r.dram_bytes_written);
    EXPECT_EQ(tile_ops, 77u);
    EXPECT_EQ(r.bytes_read(), read);
    uint64_t agg_read = 0;
    for (const auto& k : j["kernels"]) agg_read += k["bytes_read"].get<uint64_t>();
    EXPECT_EQ(agg_read, read);
    EXPECT_EQ(j.dump().find('\n'), std::string::npos);
}

TEST(ReportJson, TheMostLoadedCoreSetsTheLoadImbalance) {
    const RunReport r = copy_report("wormhole_b0", 64 * 3 + 10, 96);  // 10 cores copy one stick more
    double sum = 0, max = 0;
    for (const auto& c : r.cores) {
        sum += c.end_cycle();
        max = std::max(max, c.end_cycle());
    }
    EXPECT_DOUBLE_EQ(r.load_imbalance, max / (sum / 64));
    EXPECT_GT(r.load_imbalance, 1.0);
    const json j = json::parse(report_to_json(r));
    EXPECT_DOUBLE_EQ(j["predicted"]["load_imbalance"].get<double>(), r.load_imbalance);
    EXPECT_EQ(j["totals"]["units"].get<uint64_t>(), 64u * 3 + 10);
}

TEST(ReportTable, StaysCompactFor130CoresAndNamesTheSlowest) {
    const RunReport r = copy_report("blackhole", 130 * 2 + 33, 200);
    ASSERT_EQ(r.cores.size(), 130u);
    const std::string t = report_to_table(r);
    EXPECT_LT(count_lines(t), 30u) << t;
    EXPECT_NE(t.find("predicted"), std::string::npos) << t;
    EXPECT_NE(t.find("122 cores not shown"), std::string::npos) << t;
    const CoreStats* slowest = &r.cores[0];
    for (const auto& c : r.cores)
        if (c.end_cycle() > slowest->end_cycle()) slowest = &c;
    EXPECT_NE(t.find(slowest->core.str()), std::string::npos) << t;
    EXPECT_NE(t.find("reader_unary_pages"), std::string::npos) << t;
    EXPECT_NE(t.find(std::string(to_string(r.bound))), std::string::npos) << t;
}

TEST(ReportTable, ShowsEveryCoreOfASmallRun) {
    Device device(load_device("wormhole_b0"));
    std::vector<std::byte> data(5 * 64, std::byte{1});
    const RunReport r = ops::examples::loopback(device, data, 64).report;
    const std::string t = report_to_table(r);
    EXPECT_NE(t.find("cores, slowest first"), std::string::npos) << t;
    EXPECT_NE(t.find("(x=0,y=0)"), std::string::npos) << t;
    EXPECT_EQ(t.find("not shown"), std::string::npos) << t;
}

TEST(ReportAggregates, KernelAndCbAggregatesCoverEveryCore) {
    const RunReport r = eltwise_report();
    uint32_t compute_cores = 0;
    for (const auto& a : aggregate_kernels(r)) {
        if (a.kind == KernelKind::Compute) compute_cores += a.cores;
        EXPECT_LE(a.busy_min, a.busy_mean);
        EXPECT_LE(a.busy_mean, a.busy_max);
    }
    EXPECT_EQ(compute_cores, 64u);
    const auto cbs = aggregate_circular_buffers(r);
    ASSERT_EQ(cbs.size(), 3u);
    EXPECT_EQ(cbs[2].index, 16u);
    EXPECT_EQ(cbs[2].cores, 64u);
    EXPECT_EQ(cbs[2].pages_pushed, 77u);
}

TEST(SetUnits, ACoreOutsideTheProgramIsAnErrorNamingIt) {
    RunReport r = copy_report("wormhole_b0", 3, 64);  // three cores
    EXPECT_THROW_MSG(set_units(r, CoreCoord{6, 6}, 1), InvalidArgument,
                     "set_units: core (x=6,y=6) is not in the run report");
}

TEST(FormatBytes, UsesBinaryUnitsWithThreeSignificantDigits) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1536), "1.50 KiB");
    EXPECT_EQ(format_bytes(1499136), "1.43 MiB");
    EXPECT_EQ(format_bytes(uint64_t(200) << 20), "200 MiB");
}

TEST(ReportJson, IsIdenticalWhateverTheHostThreadCount) {
    // Everything but the host-side fields: times, bytes, CB high-water marks (simulated time), the bound.
    auto strip = [](json j) {
        j.erase("host_threads");
        j.erase("wall_seconds");
        return j;
    };
    const auto a = random_floats(1024 * 150, 3), b = random_floats(1024 * 150, 4);
    json first;
    for (uint32_t threads : {1u, 2u, 5u}) {
        Device device(load_device("wormhole_b0"));
        RunOptions o;
        o.host_threads = threads;
        const json j =
            strip(json::parse(report_to_json(ops::examples::eltwise_add_bf16(device, a, b, o).report)));
        if (first.is_null()) {
            first = j;
            continue;
        }
        EXPECT_EQ(j, first) << threads << " threads";
    }
}
