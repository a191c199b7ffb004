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

// One kind of NoC transfer as one kernel issues it (docs/cost-model.md, "NoC transfers"): the kernel's
// request port is busy max(issue_cycles, bytes / bytes_per_cycle) per transfer, and the transfer completes
// latency_cycles after its port slot ends.
struct TransferCost {
    double issue_cycles = 0;     // the least time one request holds the port (request issue rate)
    double bytes_per_cycle = 0;  // one core's bandwidth cap for this kind of transfer
    double latency_cycles = 0;   // port slot end to completion (data in L1 / write acknowledged)
    std::string source;          // where the numbers come from (free text, shown by `tilesim calibrate`)
};

// A multicast write's cost at one number of destinations (measured points; the model interpolates).
struct MulticastPoint {
    uint32_t destinations = 0;
    double issue_cycles = 0;
    double bytes_per_cycle = 0;
    double latency_cycles = 0;
};

struct MulticastCost {
    MulticastPoint few, many;        // two measured grids; linear in the destination count between them
    double linked_issue_cycles = 0;  // a multicast issued with `linked` (the path stays reserved)
    double linked_bytes_per_cycle = 0;
    std::string source;
    // The cost of one multicast to `destinations` cores (clamped to [few, many]), linked or not.
    TransferCost at(uint32_t destinations, bool linked) const;
};

// The scalar work of a data-movement kernel on its RISC-V core (docs/cost-model.md, "Scalar kernel work").
// Data-movement kernels are built with basic-block instrumentation; each block is charged the cost of the
// instructions it holds: cycles_per_instruction each, more for the integer multiply/divide and, since the
// cores are RV32IM without an FPU, the software routine of every float operation. Double-precision
// operations cost double_factor times their float routine.
struct RiscvScalarCost {
    bool modelled = false;  // "riscv" present in the config
    double cycles_per_instruction = 1;
    double int_multiply_cycles = 1;
    double int_divide_cycles = 1;
    double float_add_cycles = 1;      // add, sub
    double float_mul_cycles = 1;      // mul
    double float_div_cycles = 1;      // div
    double float_sqrt_cycles = 1;     // sqrt
    double float_convert_cycles = 1;  // int <-> float, float <-> double, round to integer
    double float_compare_cycles = 1;  // compare, min, max
    double double_factor = 1;         // a double-precision routine against its float one
    double libm_call_cycles = 1;      // a call to a libm function other than the ones above (exp, log, ...)
    std::string source;
    std::string key() const;  // every number, for the kernel build's cache key
};

// The matrix engine (FPU) of a Tensix core: cycles of one math operation on a 32x32 tile. A fidelity of
// n phases (LoFi 1, HiFi2 2, HiFi3 3, HiFi4 4) passes over the multiplier's mantissa bits n times, so
// every operation that multiplies takes n times as long; adds, copies and max reductions do not.
struct MatrixEngineCost {
    uint32_t matmul_cycles_per_tile[4] = {};  // a 32x32x32 multiply-accumulate, LoFi..HiFi4
    double eltwise_values_per_cycle = 0;      // add / sub / copy; mul at this rate per fidelity phase
    double reduce_values_per_cycle = 0;       // max; sum / avg at this rate per fidelity phase
    std::string source;
    uint32_t matmul_cycles(MathFidelity f) const { return matmul_cycles_per_tile[static_cast<int>(f)]; }
    static uint32_t phases(MathFidelity f) { return static_cast<uint32_t>(f) + 1; }
};

struct CostModelSpec {
    double noc_bytes_per_cycle = 32;     // per NoC link (bytes per AI-clock cycle)
    double dram_bandwidth_gb_per_s = 0;  // whole chip, datasheet peak (dram.bandwidth_gb_per_s)
    double dram_achieved_gb_per_s = 0;   // whole chip as the model uses it, shared by every core
    std::string dram_achieved_source;
    TransferCost dram_read, dram_write, l1_read, l1_write;
    MulticastCost multicast;
    MatrixEngineCost matrix_engine;       // math on tiles in DEST, by operation and fidelity
    uint32_t tilize_cycles_per_tile = 0;  // unpack/tilize one tile
    uint32_t pack_cycles_per_tile = 0;    // pack one tile from DEST to a CB
    uint32_t cb_call_cycles = 0;          // cost of one CB reserve/push/wait/pop call
    RiscvScalarCost riscv;                // scalar work of data-movement kernels
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
