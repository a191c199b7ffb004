#pragma once
// Statistics of one program run, gathered by the runtime (not printed ad hoc): predicted duration from
// the cost model, per-core and per-kernel busy / waiting time, bytes moved, CB high-water marks and
// L1 use. Printing and export live in report_format.hpp (table, JSON), trace.hpp (Chrome trace) and
// svg.hpp (pictures). Times are in cycles of the device's AI clock (clock_mhz); see docs/cost-model.md.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tilesim/core_coord.hpp"
#include "tilesim/program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim {

struct TraceEvent {        // one slice of the timeline (cycles)
    std::string name;      // e.g. "cb_wait_front c_1", "noc_async_read_barrier"
    std::string category;  // "wait" (recorded by the runtime) or "busy" (added by the trace exporter)
    double start = 0;
    double duration = 0;
};

struct KernelStats {
    std::string name;
    std::string path;
    KernelKind kind = KernelKind::Reader;
    double end_cycle = 0;       // the kernel's clock when it returned
    double busy_cycles = 0;     // end_cycle - wait_cycles
    double wait_cycles = 0;     // time spent blocked on CBs, semaphores and NoC barriers (sum of the three)
    double cb_wait_cycles = 0;  // in cb_wait_front and cb_reserve_back
    double cb_reserve_wait_cycles = 0;  // the part in cb_reserve_back: the CB was full
    double noc_wait_cycles = 0;
    double sem_wait_cycles = 0;  // blocked in noc_semaphore_wait / _min
    uint64_t noc_reads = 0, noc_writes = 0;
    uint64_t bytes_read = 0, bytes_written = 0;  // over the NoC (DRAM and L1 sources / targets)
    uint64_t dram_bytes_read = 0, dram_bytes_written = 0;
    uint64_t tile_ops = 0;     // compute: tile operations executed
    double scalar_cycles = 0;  // data movement: the kernel's own scalar work (counted, part of busy)
    double unpack_cycles = 0, math_cycles = 0, pack_cycles = 0;  // compute: busy time by stage
    std::vector<TraceEvent> trace;  // wait slices, in clock order; filled when RunOptions::trace
};

struct CircularBufferStats {
    uint32_t index = 0;
    uint32_t address = 0;
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    uint32_t total_size = 0;
    DataType data_format = DataType::Float32;
    bool globally_allocated = false;
    uint32_t high_water_pages = 0;  // most pages pushed and not yet popped at one simulated instant
    uint64_t pages_pushed = 0;
};

struct CoreStats {
    CoreCoord core;
    std::vector<KernelStats> kernels;  // ordered reader, writer, compute
    std::vector<CircularBufferStats> circular_buffers;
    uint64_t l1_cb_bytes = 0;      // CBs + semaphores placed by the program on this core
    uint64_t l1_buffer_bytes = 0;  // L1 buffers (interleaved pages or shards): the same range on every core
    uint64_t l1_limit = 0;
    uint32_t units = 0;        // units of work, when the op reports them (set_units)
    double end_cycle() const;  // the latest kernel end on this core
    uint64_t bytes_read() const;
    uint64_t bytes_written() const;
    uint64_t dram_bytes_read() const;
    uint64_t dram_bytes_written() const;
    uint64_t l1_used() const { return l1_cb_bytes + l1_buffer_bytes; }
};

// What limits the predicted duration (see docs/cost-model.md, "Bound").
enum class Bound {
    DramBandwidth,        // the chip's DRAM bandwidth (or a core's share of it)
    Noc,                  // NoC transfers: latency of transfers not overlapped, or the link bandwidth
    Compute,              // the compute kernel's tile operations
    CircularBufferStall,  // no stage dominates: the kernels take turns because the CBs are too shallow
    KernelCode,           // a data-movement kernel's own work (kernel_spend_cycles, API call overheads)
    None,
};
std::string_view to_string(Bound b);

struct RunReport {
    std::string device;
    double clock_mhz = 1000;
    CoreCoord grid{0, 0};  // the device's worker grid (cores without kernels are idle)
    uint32_t host_threads = 0;
    bool checks = true;
    bool traced = false;              // RunOptions::trace: kernels carry their wait slices
    double noc_bytes_per_cycle = 0;   // cost-model rates this run used
    double dram_bytes_per_cycle = 0;  // whole chip
    double dram_bytes_per_cycle_per_core = 0;
    double predicted_cycles = 0;      // max over cores, and at least the shared-DRAM bound
    double critical_path_cycles = 0;  // max kernel end clock
    double dram_bound_cycles = 0;     // total DRAM bytes / chip DRAM bandwidth
    uint64_t dram_bytes_read = 0;
    uint64_t dram_bytes_written = 0;
    Bound bound = Bound::None;
    std::string bound_detail;   // which kernel on which core, and where its time went
    double load_imbalance = 1;  // max / mean core end time
    double wall_seconds = 0;    // host time of the run
    uint64_t cb_pages_handed_off = 0;
    // Effects the cost model leaves out that could change this run's time on silicon (docs/cost-model.md,
    // "not modelled"): the ones that always apply, and "(this run: ...)" where the run leans on one.
    std::vector<std::string> not_modelled;
    std::vector<CoreStats> cores;  // cores the program uses, row-major

    double predicted_us() const { return predicted_cycles / clock_mhz; }
    double cycles_to_us(double cycles) const { return cycles / clock_mhz; }
    CoreStats* find_core(CoreCoord c);
    const CoreStats* find_core(CoreCoord c) const;
    uint64_t total_units() const;
    uint64_t bytes_read() const;  // sum over cores
    uint64_t bytes_written() const;
};

// Records the units of work (output sticks, tiles, ...) a core processed, for reports and the heatmap.
// Throws InvalidArgument when the core has no statistics in the report (the program does not use it).
void set_units(RunReport& report, CoreCoord core, uint32_t units);
// The same for every core of a work assignment (assign_work(split, grid)): units = CoreWork::count.
void set_units(RunReport& report, std::span<const CoreWork> work);

}  // namespace tilesim
