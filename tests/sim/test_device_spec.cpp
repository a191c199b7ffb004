#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "common/expect_throw_msg.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using tilesim::ConfigError;
using tilesim::DeviceSpec;

namespace {

const fs::path kConfigs = fs::path(TILESIM_SOURCE_DIR) / "configs";

json shipped(const std::string& name) {
    std::ifstream in(kConfigs / "devices" / (name + ".json"));
    return json::parse(in);
}

// Parses `j` under the source name "test.json".
void parse(const json& j) {
    (void)tilesim::parse_device_spec(j.dump(), "test.json");
}

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

// Sets or clears an environment variable for the scope of a test, restoring it afterwards.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        value ? setenv(name, value, 1) : unsetenv(name);
    }
    ~ScopedEnv() { old_.empty() ? unsetenv(name_) : setenv(name_, old_.c_str(), 1); }

  private:
    const char* name_;
    std::string old_;
};

}  // namespace

TEST(DeviceSpec, WormholeB0HasTheSpecFigures) {
    const DeviceSpec d = tilesim::load_device_spec(kConfigs / "devices" / "wormhole_b0.json");
    EXPECT_EQ(d.name, "wormhole_b0");
    EXPECT_EQ(d.worker_grid, (tilesim::CoreCoord{8, 8}));
    EXPECT_EQ(d.num_worker_cores(), 64u);
    EXPECT_EQ(d.l1_size_bytes, 1499136u);
    EXPECT_EQ(d.l1_alignment, 16u);
    EXPECT_EQ(d.dram_alignment, 32u);
    EXPECT_EQ(d.dram_banks, 12u);
    EXPECT_EQ(d.dram_size_bytes(), 12ull << 30);
    EXPECT_DOUBLE_EQ(d.cost.dram_bandwidth_gb_per_s, 288.0);
    EXPECT_DOUBLE_EQ(d.clock_mhz, 1000.0);
    EXPECT_DOUBLE_EQ(d.cost.noc_bytes_per_cycle, 32.0);
    EXPECT_EQ(d.num_nocs, 2u);
    EXPECT_EQ(d.tile_height, 32u);
    EXPECT_EQ(d.face_width, 16u);
    EXPECT_EQ(d.source, kConfigs / "devices" / "wormhole_b0.json");
}

TEST(DeviceSpec, BlackholeHasTheSpecFigures) {
    const DeviceSpec d = tilesim::load_device_spec(kConfigs / "devices" / "blackhole.json");
    EXPECT_EQ(d.worker_grid, (tilesim::CoreCoord{13, 10}));
    EXPECT_EQ(d.l1_size_bytes, 1499136u);
    EXPECT_EQ(d.dram_alignment, 64u);
    EXPECT_EQ(d.dram_banks, 8u);
    EXPECT_EQ(d.dram_size_bytes(), 32ull << 30);
    EXPECT_DOUBLE_EQ(d.cost.dram_bandwidth_gb_per_s, 512.0);
    EXPECT_DOUBLE_EQ(d.clock_mhz, 1350.0);
    EXPECT_DOUBLE_EQ(d.cost.noc_bytes_per_cycle, 64.0);
}

TEST(DeviceSpec, GrayskullHasTheSpecFigures) {
    const DeviceSpec d = tilesim::load_device_spec(kConfigs / "devices" / "grayskull.json");
    EXPECT_EQ(d.worker_grid, (tilesim::CoreCoord{12, 9}));
    EXPECT_EQ(d.l1_size_bytes, 1u << 20);
    EXPECT_EQ(d.dram_alignment, 32u);
    EXPECT_EQ(d.dram_size_bytes(), 8ull << 30);
    EXPECT_DOUBLE_EQ(d.cost.dram_bandwidth_gb_per_s, 118.0);
    EXPECT_DOUBLE_EQ(d.clock_mhz, 1200.0);
}

TEST(DeviceSpec, MatrixEngineHasThePublishedRatesByFidelity) {
    for (const char* name : {"wormhole_b0", "blackhole", "grayskull"}) {
        const DeviceSpec d = tilesim::load_device(name);
        using tilesim::MathFidelity;
        const auto& m = d.cost.matrix_engine;
        // matrix_engine.md: a 32x32x32 multiply-accumulate takes 16 cycles per fidelity phase.
        EXPECT_EQ(m.matmul_cycles(MathFidelity::LoFi), 16u);
        EXPECT_EQ(m.matmul_cycles(MathFidelity::HiFi2), 32u);
        EXPECT_EQ(m.matmul_cycles(MathFidelity::HiFi3), 48u);
        EXPECT_EQ(m.matmul_cycles(MathFidelity::HiFi4), 64u);
        EXPECT_DOUBLE_EQ(m.eltwise_values_per_cycle, 8 * 16);
        EXPECT_DOUBLE_EQ(m.reduce_values_per_cycle, 16 * 16);
        EXPECT_EQ(tilesim::MatrixEngineCost::phases(MathFidelity::HiFi3), 3u);
    }
}

TEST(DeviceSpec, SummaryNamesGridL1AndDram) {
    const std::string s = tilesim::load_device_spec(kConfigs / "devices" / "wormhole_b0.json").summary();
    EXPECT_HAS(s, "wormhole_b0");
    EXPECT_HAS(s, "8x8");
    EXPECT_HAS(s, "12 banks");
    EXPECT_HAS(s, "1000 MHz");
}

TEST(DeviceSpec, EveryKeyIsRequired) {
    const json base = shipped("wormhole_b0");
    // Remove every leaf and every group in turn; the message must name the full key path.
    std::set<std::string> pointers;
    const json flat = base.flatten();
    for (const auto& item : flat.items()) {
        for (json::json_pointer p(item.key()); !p.empty(); p = p.parent_pointer())
            pointers.insert(p.to_string());
    }
    EXPECT_GT(pointers.size(), 30u);
    for (const std::string& pointer : pointers) {
        json j = base;
        const json::json_pointer p(pointer);
        j[p.parent_pointer()].erase(p.back());
        std::string path = pointer.substr(1);
        std::replace(path.begin(), path.end(), '/', '.');
        if (pointer == "/cost/riscv") continue;  // optional as a whole: see the next test
        EXPECT_THROW_MSG(parse(j), ConfigError, "test.json: " + path + ": missing required key");
    }
}

TEST(DeviceSpec, WithoutRiscvPricesScalarWorkIsNotModelled) {
    EXPECT_TRUE(tilesim::parse_device_spec(shipped("wormhole_b0").dump(), "test.json").cost.riscv.modelled);
    json j = shipped("wormhole_b0");
    j["cost"].erase("riscv");
    const auto spec = tilesim::parse_device_spec(j.dump(), "test.json");
    EXPECT_FALSE(spec.cost.riscv.modelled);
    j = shipped("wormhole_b0");
    j["cost"]["riscv"]["soft_float_cycles"]["double_factor"] = 0;
    EXPECT_THROW_MSG(parse(j), ConfigError, "test.json: cost.riscv.soft_float_cycles.double_factor: must be");
    j = shipped("wormhole_b0");
    j["cost"]["riscv"]["soft_float_cycles"]["mul"] = -3;
    EXPECT_THROW_MSG(parse(j), ConfigError,
                     "test.json: cost.riscv.soft_float_cycles.mul: must be a finite number >= 0, got -3");
}

TEST(DeviceSpec, UnknownKeysAreErrors) {
    json j = shipped("wormhole_b0");
    j["l1"]["sise_bytes"] = 1;
    EXPECT_THROW_MSG(parse(j), ConfigError,  // lists the known keys
                     "test.json: l1.sise_bytes: unknown key (known keys here: alignment_bytes, size_bytes)");
    j = shipped("wormhole_b0");
    j["extra"] = true;
    EXPECT_THROW_MSG(parse(j), ConfigError, "test.json: extra: unknown key");
    j = shipped("wormhole_b0");
    j["cost"]["matrix_engine"]["matmul_cycles_per_tile"]["hifi5"] = 80;
    EXPECT_THROW_MSG(parse(j), ConfigError, "cost.matrix_engine.matmul_cycles_per_tile.hifi5: unknown key");
}

TEST(DeviceSpec, WrongTypesAreErrors) {
    const std::vector<std::pair<json::json_pointer, json>> cases = {
        {json::json_pointer("/worker_grid/x"), "8"},
        {json::json_pointer("/l1/size_bytes"), 1.5},
        {json::json_pointer("/dram/banks"), -12},
        {json::json_pointer("/clock_mhz"), "fast"},
        {json::json_pointer("/name"), 3},
        {json::json_pointer("/tile"), json::array({32, 32})},
        {json::json_pointer("/noc/count"), nullptr},
        {json::json_pointer("/cost/cb_call_cycles"), 10.0},
        {json::json_pointer("/worker_grid/y"), 1ull << 40},
    };
    for (const auto& [pointer, value] : cases) {
        json j = shipped("wormhole_b0");
        j[pointer] = value;
        std::string path = pointer.to_string().substr(1);
        std::replace(path.begin(), path.end(), '/', '.');
        EXPECT_THROW_MSG(parse(j), ConfigError, "test.json: " + path + ": must be");
    }
}

TEST(DeviceSpec, ImpossibleValuesAreErrors) {
    struct Case {
        const char* pointer;
        json value;
        const char* expected;  // after "test.json: "
    };
    const std::vector<Case> cases = {
        {"/worker_grid/x", 0, "worker_grid.x: must be positive, got 0"},
        {"/l1/size_bytes", 1000, "l1.size_bytes: must be a multiple of l1.alignment_bytes = 16, got 1000"},
        {"/l1/size_bytes", 0, "l1.size_bytes: must be positive"},
        {"/l1/alignment_bytes", 24, "l1.alignment_bytes: must be a power of two, got 24"},
        {"/dram/alignment_bytes", 0, "dram.alignment_bytes: must be a power of two, got 0"},
        {"/dram/bank_size_bytes", 1000016,
         "dram.bank_size_bytes: must be a multiple of dram.alignment_bytes = 32"},
        {"/dram/banks", 0, "dram.banks: must be positive, got 0"},
        {"/dram/bandwidth_gb_per_s", 0, "dram.bandwidth_gb_per_s: must be positive, got 0"},
        {"/clock_mhz", -1.0, "clock_mhz: must be positive, got -1"},
        {"/noc/bytes_per_cycle", 0.0, "noc.bytes_per_cycle: must be positive"},
        {"/tile/face_height", 12, "tile.face_height: must divide tile.height = 32, got 12"},
        {"/tile/face_width", 0, "tile.face_width: must be positive"},
        {"/cost/matrix_engine/matmul_cycles_per_tile/hifi4", 0,
         "cost.matrix_engine.matmul_cycles_per_tile.hifi4: must be positive"},
        {"/cost/matrix_engine/eltwise_values_per_cycle", 0,
         "cost.matrix_engine.eltwise_values_per_cycle: must be positive"},
        {"/name", "", "name: must not be empty"},
    };
    for (const Case& c : cases) {
        json j = shipped("wormhole_b0");
        j[json::json_pointer(c.pointer)] = c.value;
        EXPECT_THROW_MSG(parse(j), ConfigError, std::string("test.json: ") + c.expected);
    }
}

TEST(DeviceSpec, MalformedJsonNamesTheFile) {
    EXPECT_THROW_MSG(tilesim::parse_device_spec("{\"name\": \"x\",", "broken.json"), ConfigError,
                     "broken.json: invalid JSON");
    EXPECT_THROW_MSG(tilesim::parse_device_spec("[1, 2]", "array.json"), ConfigError,
                     "array.json: <root>: must be");
}

TEST(DeviceSpec, LoadNamesTheFileInErrors) {
    const fs::path dir = fs::temp_directory_path() / "tilesim_test_device_spec";
    fs::create_directories(dir);
    const fs::path file = dir / "bad.json";
    json j = shipped("grayskull");
    j["dram"]["banks"] = 0;
    std::ofstream(file) << j.dump();
    EXPECT_THROW_MSG(tilesim::load_device(file.string()), ConfigError, file.string() + ": dram.banks");
    EXPECT_THROW_MSG(tilesim::load_device_spec(dir / "missing.json"), ConfigError,
                     "missing.json: cannot open");
    fs::remove_all(dir);
}

TEST(DeviceSpec, LoadDeviceResolvesBareNamesInTheConfigDir) {
    ScopedEnv env("TILESIM_CONFIG_DIR", kConfigs.c_str());
    EXPECT_EQ(tilesim::default_config_dir(), kConfigs);
    EXPECT_EQ(tilesim::load_device("blackhole").worker_grid, (tilesim::CoreCoord{13, 10}));
    EXPECT_THROW_MSG(tilesim::load_device("wormhole"), ConfigError, "load_device: unknown device 'wormhole'");
    EXPECT_THROW_MSG(tilesim::load_device("wormhole"), ConfigError,
                     "available devices: blackhole, grayskull, wormhole_b0");
}

TEST(DeviceSpec, DefaultConfigDirSearchesUpwardFromTheWorkingDir) {
    ScopedEnv env("TILESIM_CONFIG_DIR", nullptr);
    const fs::path old = fs::current_path();
    fs::current_path(fs::path(TILESIM_SOURCE_DIR) / "sim" / "src");
    const fs::path found = tilesim::default_config_dir();
    fs::current_path(old);
    EXPECT_EQ(fs::canonical(found), fs::canonical(kConfigs));
}

// Found by fuzz_device_config: a number too large for any C++ type made nlohmann throw out_of_range, which
// escaped as an uncaught exception instead of a ConfigError.
TEST(DeviceSpecFuzzRegression, NumberOverflowIsAConfigError) {
    const std::string path =
        std::string(TILESIM_SOURCE_DIR) + "/tests/fuzz/regressions/device_config_number_overflow.json";
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_THROW_MSG((void)tilesim::parse_device_spec(text.str(), "overflow.json"), tilesim::ConfigError,
                     "overflow.json: invalid JSON");
}

TEST(DeviceSpec, WormholeTransferCostsComeFromTheSiliconFit) {
    const DeviceSpec d = tilesim::load_device_spec(kConfigs / "devices" / "wormhole_b0.json");
    EXPECT_DOUBLE_EQ(d.cost.dram_achieved_gb_per_s, 267.0);
    EXPECT_DOUBLE_EQ(d.cost.dram_read.issue_cycles, 20.0);
    EXPECT_DOUBLE_EQ(d.cost.l1_write.latency_cycles, 272.0);
    EXPECT_FALSE(d.cost.dram_read.source.empty());
    // Multicast: the measured points at 4 and 64 destinations, linear in between, clamped outside.
    const auto& m = d.cost.multicast;
    EXPECT_DOUBLE_EQ(m.at(4, false).issue_cycles, 53.0);
    EXPECT_DOUBLE_EQ(m.at(64, false).issue_cycles, 278.0);
    EXPECT_DOUBLE_EQ(m.at(34, false).issue_cycles, (53.0 + 278.0) / 2);
    EXPECT_DOUBLE_EQ(m.at(1, false).issue_cycles, 53.0);
    EXPECT_DOUBLE_EQ(m.at(100, false).bytes_per_cycle, 15.0);
    EXPECT_DOUBLE_EQ(m.at(64, true).issue_cycles, 65.0);
    EXPECT_DOUBLE_EQ(m.at(64, true).bytes_per_cycle, 25.7);
}
