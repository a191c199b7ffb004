#pragma once
// Statistics of one program run, gathered by the runtime (not printed ad hoc): predicted duration from
// the cost model, per-core and per-kernel busy / waiting time, bytes moved, CB high-water marks and
// L1 use. Printing and export live in report_format.hpp.
#include <cstdint>
#include <string>
#include <vector>

#include "tilesim/core_coord.hpp"
#include "tilesim/program.hpp"

namespace tilesim {

struct TraceEvent {       // one slice of the timeline (cycles)
    std::string name;     // e.g. "cb_wait_front c_1", "noc_async_read_barrier", "compute"
    std::string category; // "wait" or "busy"
    double start = 0;
    double duration = 0;
};

struct KernelStats {
    std::string name;
    std::string path;
    KernelKind kind = KernelKind::Reader;
    double end_cycle = 0;      // the kernel's clock when it returned
    double busy_cycles = 0;    // end_cycle - wait_cycles
    double wait_cycles = 0;    // time spent blocked on CBs, semaphores and NoC barriers
    double cb_wait_cycles = 0;
    double noc_wait_cycles = 0;
    uint64_t noc_reads = 0, noc_writes = 0;
    uint64_t bytes_read = 0, bytes_written = 0;  // over the NoC
    uint64_t dram_bytes_read = 0, dram_bytes_written = 0;
    uint64_t tile_ops = 0;                       // compute: tile operations executed
    std::vector<TraceEvent> trace;               // filled when RunOptions::trace
};

struct CircularBufferStats {
    uint32_t index = 0;
    uint32_t address = 0;
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    uint32_t total_size = 0;
    DataType data_format = DataType::Float32;
    bool globally_allocated = false;
    uint32_t high_water_pages = 0;  // most pages pushed and not yet popped at once
    uint64_t pages_pushed = 0;
};

struct CoreStats {
    CoreCoord core;
    std::vector<KernelStats> kernels;
    std::vector<CircularBufferStats> circular_buffers;
    uint64_t l1_cb_bytes = 0;      // CBs + semaphores placed by the program on this core
    uint64_t l1_buffer_bytes = 0;  // L1 buffers (interleaved pages or shards) on this core
    uint64_t l1_limit = 0;
    uint32_t units = 0;            // units of work, when the op reports them (RunReport::set_units)
    double end_cycle() const;
    uint64_t bytes_read() const;
    uint64_t bytes_written() const;
};

enum class Bound { DramBandwidth, Noc, Compute, CircularBufferStall, None };
std::string_view to_string(Bound b);

struct RunReport {
    std::string device;
    double clock_mhz = 1000;
    uint32_t host_threads = 0;
    bool checks = true;
    double predicted_cycles = 0;        // max over cores, and at least the shared-DRAM bound
    double critical_path_cycles = 0;    // max kernel end clock
    double dram_bound_cycles = 0;       // total DRAM bytes / chip DRAM bandwidth
    uint64_t dram_bytes_read = 0;
    uint64_t dram_bytes_written = 0;
    Bound bound = Bound::None;
    double load_imbalance = 1;          // max / mean core end time
    double wall_seconds = 0;            // host time of the run
    uint64_t cb_pages_handed_off = 0;
    std::vector<CoreStats> cores;       // cores with kernels, row-major

    double predicted_us() const { return predicted_cycles / clock_mhz; }
    CoreStats* find_core(CoreCoord c);
};

}  // namespace tilesim
