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
#include "ops/common/program_summary.hpp"
#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

// A simulated correlation op's result: the output in the op's original layout (Float32), the run report
// and the factory's decisions.
struct CorrelationDeviceResult {
    Tensor output;
    RunReport report;
    ProgramSummary info;  // facts: channel_tiles (ceil(C / 32)), row_blocks (blocks of 32 rows per unit)
};

namespace correlation_device_detail {

// The NCHW shape of a channels-last [B, H, W, C] tensor; throws naming `op` and `name` unless rank 4.
NchwShape nchw_shape_of_channels_last(const char* op, const char* name, const Tensor& t);

// Checks that the program fits (ValidateProgram) and summarises it into `info`, keeping the facts the
// factory recorded there.
void finish_program(Device& device, const Program& program, std::string factory, const WorkSplit& split,
                    ProgramSummary& info);
// Runs the program; each core's units of work come from runtime arg `units_arg` of its reader.
RunReport run_program(Device& device, Program& program, const RunOptions& run, uint32_t units_arg);

}  // namespace correlation_device_detail
}  // namespace tilesim::ops
