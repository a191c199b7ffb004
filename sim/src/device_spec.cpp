// DeviceSpec: strict reading of configs/devices/*.json (every key documented in docs/device-configs.md)
// and location of the shipped configs.
#include "tilesim/device_spec.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/ranges.h>

#include "config_reader.hpp"
#include "tilesim/error.hpp"

namespace tilesim {
namespace fs = std::filesystem;
using detail::ConfigObject;

std::string RiscvScalarCost::key() const {
    if (!modelled) return "off";
    return fmt::format("{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}", cycles_per_instruction, int_multiply_cycles,
                       int_divide_cycles, float_add_cycles, float_mul_cycles, float_div_cycles,
                       float_sqrt_cycles, float_convert_cycles, float_compare_cycles, double_factor,
                       libm_call_cycles);
}

TransferCost MulticastCost::at(uint32_t destinations, bool linked) const {
    const double n = std::clamp<double>(destinations, few.destinations, many.destinations);
    const double f = (n - few.destinations) / double(many.destinations - few.destinations);
    auto lerp = [f](double a, double b) { return a + (b - a) * f; };
    TransferCost t;
    t.latency_cycles = lerp(few.latency_cycles, many.latency_cycles);
    if (linked) {
        t.issue_cycles = linked_issue_cycles;
        t.bytes_per_cycle = linked_bytes_per_cycle;
    } else {
        t.issue_cycles = lerp(few.issue_cycles, many.issue_cycles);
        // Interpolating the time per byte (not the rate) keeps the cost of a byte linear in the count.
        t.bytes_per_cycle = 1.0 / lerp(1.0 / few.bytes_per_cycle, 1.0 / many.bytes_per_cycle);
    }
    t.source = source;
    return t;
}

std::string DeviceSpec::summary() const {
    constexpr double kMiB = 1024.0 * 1024.0, kGiB = kMiB * 1024.0;
    return fmt::format(
        "{} — {}\n"
        "  worker grid {}x{} ({} cores), L1 {:.2f} MiB per core (alignment {} B)\n"
        "  DRAM {} banks x {:.2f} GiB = {:.2f} GiB (alignment {} B), {:.0f} GB/s\n"
        "  clock {:.0f} MHz, {} NoCs at {:.0f} B/cycle, tile {}x{} with {}x{} faces",
        name, description, worker_grid.x, worker_grid.y, num_worker_cores(), double(l1_size_bytes) / kMiB,
        l1_alignment, dram_banks, double(dram_bank_size_bytes) / kGiB, double(dram_size_bytes()) / kGiB,
        dram_alignment, cost.dram_bandwidth_gb_per_s, clock_mhz, num_nocs, cost.noc_bytes_per_cycle,
        tile_height, tile_width, face_height, face_width);
}

namespace {

bool is_power_of_two(uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

uint32_t read_positive_uint32(ConfigObject& o, const std::string& key) {
    const uint32_t v = o.get_uint32(key);
    if (v == 0) o.fail_key(key, "must be positive, got 0");
    return v;
}

double read_positive(ConfigObject& o, const std::string& key) {
    const double v = o.get_number(key);
    if (!(v > 0)) o.fail_key(key, "must be positive, got {}", v);
    return v;
}

uint32_t read_alignment(ConfigObject& o, const std::string& key) {
    const uint32_t v = o.get_uint32(key);
    if (!is_power_of_two(v)) o.fail_key(key, "must be a power of two, got {}", v);
    return v;
}

// A size that must be a positive multiple of an alignment read earlier (named in the message).
uint64_t read_aligned_size(ConfigObject& o, const std::string& key, uint32_t alignment,
                           const std::string& alignment_key) {
    const uint64_t v = o.get_uint(key);
    if (v == 0) o.fail_key(key, "must be positive, got 0");
    if (v % alignment != 0) {
        o.fail_key(key, "must be a multiple of {} = {}, got {}", o.key_path(alignment_key), alignment, v);
    }
    return v;
}

void read_grid(ConfigObject o, DeviceSpec& d) {
    d.worker_grid.x = read_positive_uint32(o, "x");
    d.worker_grid.y = read_positive_uint32(o, "y");
    // Keeps core counts and per-core tables small and 32-bit safe; real chips have < 200 workers.
    if (uint64_t(d.worker_grid.x) * d.worker_grid.y > 65536) {
        o.fail_key("x", "grid {}x{} has more than 65536 cores", d.worker_grid.x, d.worker_grid.y);
    }
    o.reject_unknown_keys();
}

void read_l1(ConfigObject o, DeviceSpec& d) {
    d.l1_alignment = read_alignment(o, "alignment_bytes");
    d.l1_size_bytes = read_aligned_size(o, "size_bytes", d.l1_alignment, "alignment_bytes");
    o.reject_unknown_keys();
}

void read_dram(ConfigObject o, DeviceSpec& d) {
    d.dram_banks = read_positive_uint32(o, "banks");
    d.dram_alignment = read_alignment(o, "alignment_bytes");
    d.dram_bank_size_bytes = read_aligned_size(o, "bank_size_bytes", d.dram_alignment, "alignment_bytes");
    d.cost.dram_bandwidth_gb_per_s = read_positive(o, "bandwidth_gb_per_s");
    o.reject_unknown_keys();
}

void read_noc(ConfigObject o, DeviceSpec& d) {
    d.num_nocs = read_positive_uint32(o, "count");
    d.cost.noc_bytes_per_cycle = read_positive(o, "bytes_per_cycle");
    o.reject_unknown_keys();
}

void read_tile(ConfigObject o, DeviceSpec& d) {
    d.tile_height = read_positive_uint32(o, "height");
    d.tile_width = read_positive_uint32(o, "width");
    d.face_height = read_positive_uint32(o, "face_height");
    d.face_width = read_positive_uint32(o, "face_width");
    if (d.tile_height % d.face_height != 0) {
        o.fail_key("face_height", "must divide tile.height = {}, got {}", d.tile_height, d.face_height);
    }
    if (d.tile_width % d.face_width != 0) {
        o.fail_key("face_width", "must divide tile.width = {}, got {}", d.tile_width, d.face_width);
    }
    o.reject_unknown_keys();
}

double read_non_negative(ConfigObject& o, const std::string& key) {
    const double v = o.get_number(key);
    if (!(v >= 0) || !std::isfinite(v)) o.fail_key(key, "must be a finite number >= 0, got {}", v);
    return v;
}

TransferCost read_transfer(ConfigObject o) {
    TransferCost t;
    t.issue_cycles = read_non_negative(o, "issue_cycles");
    t.bytes_per_cycle = read_positive(o, "bytes_per_cycle");
    t.latency_cycles = read_non_negative(o, "latency_cycles");
    t.source = o.get_string("source");
    o.reject_unknown_keys();
    return t;
}

MulticastPoint read_multicast_point(ConfigObject o) {
    MulticastPoint m;
    m.destinations = read_positive_uint32(o, "destinations");
    m.issue_cycles = read_non_negative(o, "issue_cycles");
    m.bytes_per_cycle = read_positive(o, "bytes_per_cycle");
    m.latency_cycles = read_non_negative(o, "latency_cycles");
    o.reject_unknown_keys();
    return m;
}

void read_multicast(ConfigObject o, MulticastCost& m) {
    m.few = read_multicast_point(o.get_object("few"));
    m.many = read_multicast_point(o.get_object("many"));
    if (m.many.destinations <= m.few.destinations) {
        o.fail_key("many", "destinations must be more than few.destinations = {}, got {}", m.few.destinations,
                   m.many.destinations);
    }
    m.linked_issue_cycles = read_non_negative(o, "linked_issue_cycles");
    m.linked_bytes_per_cycle = read_positive(o, "linked_bytes_per_cycle");
    m.source = o.get_string("source");
    o.reject_unknown_keys();
}

void read_riscv(ConfigObject o, RiscvScalarCost& r) {
    r.modelled = true;
    r.cycles_per_instruction = read_positive(o, "cycles_per_instruction");
    r.int_multiply_cycles = read_non_negative(o, "int_multiply_cycles");
    r.int_divide_cycles = read_non_negative(o, "int_divide_cycles");
    {
        ConfigObject f = o.get_object("soft_float_cycles");
        r.float_add_cycles = read_non_negative(f, "add");
        r.float_mul_cycles = read_non_negative(f, "mul");
        r.float_div_cycles = read_non_negative(f, "div");
        r.float_sqrt_cycles = read_non_negative(f, "sqrt");
        r.float_convert_cycles = read_non_negative(f, "convert");
        r.float_compare_cycles = read_non_negative(f, "compare");
        r.double_factor = read_positive(f, "double_factor");
        r.libm_call_cycles = read_non_negative(f, "libm_call");
        f.reject_unknown_keys();
    }
    r.source = o.get_string("source");
    o.reject_unknown_keys();
}

void read_cost(ConfigObject o, CostModelSpec& c) {
    {
        ConfigObject d = o.get_object("dram_achieved");
        c.dram_achieved_gb_per_s = read_positive(d, "gb_per_s");
        c.dram_achieved_source = d.get_string("source");
        d.reject_unknown_keys();
    }
    c.dram_read = read_transfer(o.get_object("dram_read"));
    c.dram_write = read_transfer(o.get_object("dram_write"));
    c.l1_read = read_transfer(o.get_object("l1_read"));
    c.l1_write = read_transfer(o.get_object("l1_write"));
    read_multicast(o.get_object("multicast"), c.multicast);
    {
        ConfigObject m = o.get_object("matrix_engine");
        ConfigObject f = m.get_object("matmul_cycles_per_tile");
        const char* names[] = {"lofi", "hifi2", "hifi3", "hifi4"};
        for (int i = 0; i < 4; ++i)
            c.matrix_engine.matmul_cycles_per_tile[i] = read_positive_uint32(f, names[i]);
        f.reject_unknown_keys();
        c.matrix_engine.eltwise_values_per_cycle = read_positive(m, "eltwise_values_per_cycle");
        c.matrix_engine.reduce_values_per_cycle = read_positive(m, "reduce_values_per_cycle");
        c.matrix_engine.source = m.get_string("source");
        m.reject_unknown_keys();
    }
    c.tilize_cycles_per_tile = o.get_uint32("tilize_cycles_per_tile");
    c.pack_cycles_per_tile = o.get_uint32("pack_cycles_per_tile");
    c.cb_call_cycles = o.get_uint32("cb_call_cycles");
    // Optional: a config without it leaves the scalar work of data-movement kernels uncosted (and the run
    // report says so).
    if (o.has("riscv")) read_riscv(o.get_object("riscv"), c.riscv);
    o.reject_unknown_keys();
}

}  // namespace

DeviceSpec parse_device_spec(const std::string& json_text, const std::string& source_name) {
    const nlohmann::json json = detail::parse_config_json(json_text, source_name);
    ConfigObject root(json, source_name, "");
    DeviceSpec d;
    d.name = root.get_string("name");
    if (d.name.empty()) root.fail_key("name", "must not be empty");
    d.description = root.get_string("description");
    d.clock_mhz = read_positive(root, "clock_mhz");
    read_grid(root.get_object("worker_grid"), d);
    read_l1(root.get_object("l1"), d);
    read_dram(root.get_object("dram"), d);
    read_noc(root.get_object("noc"), d);
    read_tile(root.get_object("tile"), d);
    read_cost(root.get_object("cost"), d.cost);
    root.reject_unknown_keys();
    return d;
}

DeviceSpec load_device_spec(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail<ConfigError>("{}: cannot open device file", path.string());
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) fail<ConfigError>("{}: cannot read device file", path.string());
    DeviceSpec d = parse_device_spec(text.str(), path.string());
    d.source = path;
    return d;
}

namespace {

fs::path executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

// Folder of libtilesim_sim.so itself, so an installed library finds its share/ even when the program
// using it lives elsewhere.
fs::path library_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&default_config_dir), &info) == 0 || info.dli_fname == nullptr)
        return {};
    std::error_code ec;
    const fs::path lib = fs::canonical(info.dli_fname, ec);
    return ec ? fs::path() : lib.parent_path();
}

// `start` and its ancestors, each checked for configs/devices.
fs::path search_upward(fs::path start) {
    std::error_code ec;
    for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
        if (fs::is_directory(dir / "configs" / "devices", ec)) return dir / "configs";
        if (dir == dir.parent_path()) break;
    }
    return {};
}

std::vector<fs::path> config_dir_candidates() {
    std::vector<fs::path> out;
    std::error_code ec;
    if (auto cwd = fs::current_path(ec); !ec) out.push_back(search_upward(cwd));
    const fs::path exe = executable_dir();
    if (!exe.empty()) {
        out.push_back(search_upward(exe));
        out.push_back(exe / ".." / "share" / "tilesim" / "configs");
    }
    if (const fs::path lib = library_dir(); !lib.empty()) {
        out.push_back(lib / ".." / "share" / "tilesim" / "configs");         // <prefix>/lib
        out.push_back(lib / ".." / ".." / "share" / "tilesim" / "configs");  // <prefix>/lib/<multiarch>
    }
    return out;
}

}  // namespace

fs::path default_config_dir() {
    if (const char* env = std::getenv("TILESIM_CONFIG_DIR"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    for (const fs::path& dir : config_dir_candidates()) {
        if (!dir.empty() && fs::is_directory(dir / "devices", ec)) return dir.lexically_normal();
    }
    fail<ConfigError>(
        "default_config_dir: no configs/devices found (set TILESIM_CONFIG_DIR, run from the source tree, or "
        "install tilesim so that <prefix>/share/tilesim/configs exists)");
}

DeviceSpec load_device(const std::string& name_or_path) {
    const fs::path as_path(name_or_path);
    const bool looks_like_path =
        as_path.extension() == ".json" || name_or_path.find('/') != std::string::npos;
    if (looks_like_path) return load_device_spec(as_path);
    const fs::path devices = default_config_dir() / "devices";
    const fs::path file = devices / (name_or_path + ".json");
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) return load_device_spec(file);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(devices, ec)) {
        if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    fail<ConfigError>("load_device: unknown device '{}' (no {}); available devices: {}", name_or_path,
                      file.string(), names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
}

}  // namespace tilesim
