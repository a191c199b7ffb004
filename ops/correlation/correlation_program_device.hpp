#pragma once
// Pieces every simulated correlation program shares: the device options, what a program factory
// decided (work split, CBs, kernels) and the small host-side helpers the factories use. The factories
// themselves live in patch_correlation_device.cpp (spatial sampler and FlowNet) and corr_lookup_device.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/correlation/correlation_common.hpp"
#include "ops/common/front_end.hpp"
#include "ops/common/program_helpers.hpp"
#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

struct CorrelationCbInfo {
    uint32_t index = 0;
    std::string holds;
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    uint32_t total_size() const { return page_size * num_pages; }
};

// What a correlation program factory decided: the split, the CBs, the kernels and the L1 they take.
struct CorrelationProgramInfo {
    std::string factory;  // "patch_correlation" or "corr_lookup"
    uint32_t units = 0;   // output sticks (one per output pixel / query pixel)
    uint32_t num_cores = 0;
    uint32_t units_per_core_group_1 = 0, units_per_core_group_2 = 0;
    uint32_t cores_group_1 = 0, cores_group_2 = 0;
    uint32_t channel_tiles = 0;  // ceil(C / 32): tiles per row block
    uint32_t row_blocks = 0;     // blocks of 32 rows per output stick (spatial / FlowNet) or per level (RAFT)
    uint64_t cb_bytes_per_core = 0;  // sum of the CBs' sizes on each core
    uint64_t l1_bytes_per_core = 0;  // usable L1 per core of the device
    std::vector<CorrelationCbInfo> cbs;
    std::vector<std::string> kernels;
};

// A simulated correlation op's result: the output in the op's original layout (Float32), the run report
// and the factory's decisions.
struct CorrelationDeviceResult {
    Tensor output;
    RunReport report;
    CorrelationProgramInfo info;
};

namespace correlation_device_detail {

inline uint32_t round_up(uint32_t v, uint32_t a) {
    return (v + a - 1) / a * a;
}
inline uint32_t ceil_div(uint32_t v, uint32_t d) {
    return (v + d - 1) / d;
}

// The NCHW shape of a channels-last [B, H, W, C] tensor; throws naming `op` and `name` unless rank 4.
NchwShape nchw_shape_of_channels_last(const char* op, const char* name, const Tensor& t);

// Creates CB `index` on `cores` and records it in `info`.
void add_cb(Program& program, const CoreRangeSet& cores, CorrelationProgramInfo& info, uint8_t index,
            const char* holds, uint32_t page_size, uint32_t num_pages, DataType format);
// Records the kernels, the CB total and the L1 limit, and checks that the program fits (ValidateProgram).
void finish_program(Device& device, const Program& program, CorrelationProgramInfo& info);
// Runs the program; each core's units of work come from runtime arg `units_arg` of its reader.
RunReport run_program(Device& device, Program& program, const RunOptions& run, uint32_t units_arg);

}  // namespace correlation_device_detail
}  // namespace tilesim::ops
