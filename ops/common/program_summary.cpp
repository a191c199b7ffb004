#include "ops/common/program_summary.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tilesim/error.hpp"

namespace tilesim::ops {

uint64_t ProgramSummary::fact(std::string_view name) const {
    const auto it = facts.find(std::string(name));
    if (it != facts.end()) return it->second;
    std::string known;
    for (const auto& [k, v] : facts) known += (known.empty() ? "" : ", ") + k;
    fail("program summary of factory '{}' has no fact '{}' (it has: {})", factory, name,
         known.empty() ? "none" : known);
}

ProgramSummary summarize_program(std::string factory, const Device& device, const Program& program,
                                 const WorkSplit& split) {
    ProgramSummary s;
    s.factory = std::move(factory);
    s.num_cores = split.num_cores;
    s.cores_group_1 = split.core_group_1.num_cores();
    s.cores_group_2 = split.core_group_2.num_cores();
    s.units_per_core_group_1 = split.units_per_core_group_1;
    s.units_per_core_group_2 = split.units_per_core_group_2;
    s.units = s.cores_group_1 * s.units_per_core_group_1 + s.cores_group_2 * s.units_per_core_group_2;
    std::map<CoreCoord, uint64_t> cb_bytes;  // per core
    for (const CircularBufferSpec& cb : program.circular_buffers()) {
        const CircularBufferConfig& c = cb.config;
        const bool global = c.globally_allocated_buffer() != nullptr;
        const bool seen = std::any_of(s.cbs.begin(), s.cbs.end(),
                                      [&](const CircularBufferSummary& x) { return x.index == c.index(); });
        if (!seen) {
            s.cbs.push_back({c.index(), c.label(), c.page_size(),
                             c.page_size() ? c.total_size() / c.page_size() : 0, c.data_format(), global});
        }
        if (!global) {
            for (CoreCoord core : cb.cores.cores()) cb_bytes[core] += c.total_size();
        }
    }
    for (const auto& [core, bytes] : cb_bytes) s.cb_bytes_per_core = std::max(s.cb_bytes_per_core, bytes);
    s.l1_bytes_per_core = device.spec().l1_size_bytes;
    for (const KernelSpec& k : program.kernels())
        s.kernels.push_back({k.path, k.kind, k.cores.num_cores(), k.compile_args, k.defines});
    return s;
}

std::string describe(const ProgramSummary& p, std::string_view unit) {
    std::string out = fmt::format("program: {} factory, {} {} on {} cores ({} x {} + {} x {})\n", p.factory,
                                  p.units, unit, p.num_cores, p.cores_group_1, p.units_per_core_group_1,
                                  p.cores_group_2, p.units_per_core_group_2);
    for (const CircularBufferSummary& cb : p.cbs) {
        out += fmt::format("  CB c_{:<2} {:<36} {:6} B x {:4} pages = {:8} B{}\n", cb.index, cb.holds,
                           cb.page_size, cb.num_pages, cb.total_size(),
                           cb.globally_allocated ? " (backed by the shard)" : "");
    }
    out += fmt::format("  CBs per core: {} B of {} B of L1\n", p.cb_bytes_per_core, p.l1_bytes_per_core);
    if (!p.facts.empty()) {
        std::string facts;
        for (const auto& [k, v] : p.facts) facts += fmt::format("{}{} {}", facts.empty() ? "" : ", ", k, v);
        out += fmt::format("  {}\n", facts);
    }
    for (const KernelSummary& k : p.kernels) {
        out += fmt::format("  {:<7} {} on {} cores, {} compile-time args{}\n", to_string(k.kind), k.path,
                           k.num_cores, k.compile_args.size(),
                           k.defines.empty() ? "" : fmt::format(", {} defines", k.defines.size()));
    }
    return out;
}

}  // namespace tilesim::ops
