#include "ops/correlation/correlation_program_device.hpp"

#include "tilesim/error.hpp"
#include "tilesim/validate_program.hpp"

namespace tilesim::ops::correlation_device_detail {

NchwShape nchw_shape_of_channels_last(const char* op, const char* name, const Tensor& t) {
    const Shape& s = t.shape();
    if (s.rank() != 4 || s.volume() == 0)
        fail("{} (sim): {} must be a non-empty [B, H, W, C] tensor, got {}", op, name, s);
    return {s[0], s[3], s[1], s[2]};
}

void finish_program(Device& device, const Program& program, std::string factory, const WorkSplit& split,
                    ProgramSummary& info) {
    ValidateProgram(device, program);  // refuses CBs that do not fit L1, with the byte counts
    std::map<std::string, uint64_t> facts = std::move(info.facts);
    info = summarize_program(std::move(factory), device, program, split);
    info.facts = std::move(facts);
}

RunReport run_program(Device& device, Program& program, const RunOptions& run, uint32_t units_arg) {
    RunReport report = EnqueueProgram(device, program, run);
    for (const auto& k : program.kernels()) {
        if (k.kind != KernelKind::Reader) continue;
        for (const auto& [core, args] : k.runtime_args) {
            if (CoreStats* cs = report.find_core(core)) cs->units = args.at(units_arg);
        }
    }
    return report;
}

}  // namespace tilesim::ops::correlation_device_detail
