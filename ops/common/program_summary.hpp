#pragma once
// What a program factory decided, read back from the Program it built and the work split it used (in the
// direction of tt-metal's ProgramDescriptor): the split, each CB with what it holds, the kernels, the L1
// the CBs take. One summary type for every op; each op adds its own facts (channel tiles, shard height...)
// by name. The CLI prints and writes it, the Python package turns it into a dict, the same way for all.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

struct CircularBufferSummary {
    uint32_t index = 0;
    std::string holds;  // the CB config's label
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    DataType format = DataType::Float32;
    bool globally_allocated = false;  // backed by a sharded L1 buffer: takes no CB space
    uint64_t total_size() const { return uint64_t(page_size) * num_pages; }
};

struct KernelSummary {
    std::string path;  // the kernel source as CreateKernel named it
    KernelKind kind = KernelKind::Reader;
    uint32_t num_cores = 0;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
};

struct ProgramSummary {
    std::string factory;  // which factory built it, e.g. "interleaved", "patch_correlation"
    uint32_t units = 0;   // work units split over the cores
    uint32_t num_cores = 0;
    uint32_t units_per_core_group_1 = 0, units_per_core_group_2 = 0;
    uint32_t cores_group_1 = 0, cores_group_2 = 0;
    std::vector<CircularBufferSummary> cbs;  // one per CB index, in creation order
    uint64_t cb_bytes_per_core = 0;          // the most CB space any core gives its CBs
    uint64_t l1_bytes_per_core = 0;          // the device's L1 per core
    std::vector<KernelSummary> kernels;      // in creation order
    std::map<std::string, uint64_t> facts;   // the op's own numbers, by name

    // The fact named `name`; throws InvalidArgument listing the facts the summary has.
    uint64_t fact(std::string_view name) const;
};

// The summary of `program`, built by `factory` over `split` on `device`.
ProgramSummary summarize_program(std::string factory, const Device& device, const Program& program,
                                 const WorkSplit& split);

// The summary as lines for a terminal: the factory and split, one line per CB, the CB total against L1,
// the op's facts. `unit` names a work unit ("output sticks", "grid sticks"...).
std::string describe(const ProgramSummary& summary, std::string_view unit = "units");

}  // namespace tilesim::ops
