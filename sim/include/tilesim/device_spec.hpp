#pragma once
// The simulated chip's parameters, read from configs/devices/*.json. Every key is documented in
// docs/device-configs.md; unknown keys, missing keys, wrong types and impossible values are errors that
// name the file and the key.
#include <cstdint>
#include <filesystem>
#include <string>

#include "tilesim/core_coord.hpp"

namespace tilesim {

enum class MathFidelity { LoFi, HiFi2, HiFi3, HiFi4 };

struct CostModelSpec {
    double noc_bytes_per_cycle = 32;        // per NoC link (bytes per AI-clock cycle)
    uint32_t noc_read_latency_cycles = 0;   // fixed cost of one NoC read (request + response)
    uint32_t noc_write_latency_cycles = 0;  // fixed cost of one NoC write until acknowledged
    uint32_t dram_read_latency_cycles = 0;  // extra latency when the source is a DRAM bank
    double dram_bandwidth_gb_per_s = 0;     // whole chip, shared by every core
    uint32_t cycles_per_tile_lofi = 0;      // one eltwise/reduce tile op, by math fidelity
    uint32_t cycles_per_tile_hifi2 = 0;
    uint32_t cycles_per_tile_hifi3 = 0;
    uint32_t cycles_per_tile_hifi4 = 0;
    uint32_t tilize_cycles_per_tile = 0;  // unpack/tilize one tile
    uint32_t pack_cycles_per_tile = 0;    // pack one tile from DEST to a CB
    uint32_t cb_call_cycles = 0;          // cost of one CB reserve/push/wait/pop call
    uint32_t cycles_for(MathFidelity f) const;
};

struct DeviceSpec {
    std::string name;              // e.g. "wormhole_b0"
    std::string description;       // free text shown in reports
    std::filesystem::path source;  // file it was read from (empty when built in code)
    CoreCoord worker_grid{8, 8};   // compute-with-storage grid
    uint64_t l1_size_bytes = 0;    // usable L1 per core
    uint32_t l1_alignment = 16;
    uint32_t dram_banks = 0;
    uint64_t dram_bank_size_bytes = 0;
    uint32_t dram_alignment = 32;
    double clock_mhz = 1000;  // AI clock
    uint32_t num_nocs = 2;
    uint32_t tile_height = 32;
    uint32_t tile_width = 32;
    uint32_t face_height = 16;
    uint32_t face_width = 16;
    CostModelSpec cost;

    uint32_t num_worker_cores() const { return worker_grid.x * worker_grid.y; }
    uint64_t dram_size_bytes() const { return uint64_t(dram_banks) * dram_bank_size_bytes; }
    std::string summary() const;  // a few readable lines: grid, L1, DRAM, clock, NoC
};

// Reads and validates a device file. Throws ConfigError naming the file, the key and the problem.
DeviceSpec load_device_spec(const std::filesystem::path& path);
// Parses a device description already read as JSON text (`source_name` is used in messages).
DeviceSpec parse_device_spec(const std::string& json_text, const std::string& source_name);

// Directory of the shipped device configs: $TILESIM_CONFIG_DIR, else the source tree's configs/, else
// the installed share/tilesim/configs.
std::filesystem::path default_config_dir();
// Resolves a device argument: a path to a .json file, or a bare name ("wormhole_b0") looked up in
// default_config_dir()/devices.
DeviceSpec load_device(const std::string& name_or_path);

}  // namespace tilesim
