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

void add_cb(Program& program, const CoreRangeSet& cores, CorrelationProgramInfo& info, uint8_t index,
            const char* holds, uint32_t page_size, uint32_t num_pages, DataType format) {
    create_circular_buffer(program, cores, index, page_size, num_pages, format);
    info.cbs.push_back({index, holds, page_size, num_pages});
}

void finish_program(Device& device, const Program& program, CorrelationProgramInfo& info) {
    for (const auto& k : program.kernels()) info.kernels.push_back(k.path);
    info.cb_bytes_per_core = 0;
    for (const auto& cb : info.cbs) info.cb_bytes_per_core += cb.total_size();
    info.l1_bytes_per_core = device.spec().l1_size_bytes;
    ValidateProgram(device, program);  // refuses CBs that do not fit L1, with the byte counts
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
