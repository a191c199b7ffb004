#pragma once
// A RunReport for people and for tools: a compact table (summary, per-kernel and per-CB aggregates, the
// slowest and fastest cores, so 130 cores still fit on a screen) and complete JSON (every core, kernel and
// CB). The JSON library stays private to tilesim::sim; callers get strings.
#include <cstdint>
#include <string>
#include <vector>

#include "tilesim/run_report.hpp"

namespace tilesim {

// One kernel (by name and kind) over every core it ran on.
struct KernelAggregate {
    std::string name;
    KernelKind kind = KernelKind::Reader;
    uint32_t cores = 0;
    double busy_min = 0, busy_mean = 0, busy_max = 0;  // cycles
    double wait_min = 0, wait_mean = 0, wait_max = 0;
    double cb_wait_mean = 0, noc_wait_mean = 0, sem_wait_mean = 0;
    double scalar_mean = 0;  // the kernels' own scalar RISC-V work (part of busy)
    double end_max = 0;
    uint64_t noc_reads = 0, noc_writes = 0;
    uint64_t bytes_read = 0, bytes_written = 0, dram_bytes_read = 0, dram_bytes_written = 0;
    uint64_t tile_ops = 0;
};
// Kernels in order of first appearance (core order, then reader / writer / compute).
std::vector<KernelAggregate> aggregate_kernels(const RunReport& report);

// One CB index over every core that has it.
struct CircularBufferAggregate {
    uint32_t index = 0;
    uint32_t cores = 0;
    uint32_t page_size = 0;                 // of the first core that has it
    uint32_t min_pages = 0, max_pages = 0;  // capacity
    uint32_t min_high_water = 0, max_high_water = 0;
    uint64_t pages_pushed = 0;  // over all cores
    bool globally_allocated = false;
};
std::vector<CircularBufferAggregate> aggregate_circular_buffers(const RunReport& report);

struct TableOptions {
    uint32_t slowest_cores = 5;  // core rows shown when the run has more cores than these two together
    uint32_t fastest_cores = 3;
};
// Readable summary: predicted duration, bound, imbalance, traffic, L1, kernels, CBs and the extreme cores.
std::string report_to_table(const RunReport& report, const TableOptions& options = {});
// Everything in the report except trace slices (see trace.hpp), as a JSON object; `indent` < 0: one line.
std::string report_to_json(const RunReport& report, int indent = 2);

// "1.50 KiB", "12.0 MiB", "512 B" (binary units).
std::string format_bytes(uint64_t bytes);

}  // namespace tilesim
