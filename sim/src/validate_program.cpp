#include "tilesim/validate_program.hpp"

#include <algorithm>

#include "tilesim/error.hpp"

namespace tilesim {

namespace {
uint64_t round_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

CircularBufferPlacement place_sharded_cb(const CircularBufferConfig& cfg, CoreCoord core) {
    const Buffer& buf = *cfg.globally_allocated_buffer();
    const auto& cores = buf.shard_cores();
    auto it = std::find(cores.begin(), cores.end(), core);
    if (it == cores.end()) {
        fail("CreateCircularBuffer: CB c_{} on core {} is backed by {}, which has no shard on that core",
             cfg.index(), core, buf.str());
    }
    const uint64_t shard_bytes = uint64_t(buf.pages_per_shard()) * buf.aligned_page_size();
    if (cfg.total_size() > shard_bytes) {
        fail("CreateCircularBuffer: CB c_{} on core {} is {} bytes but its backing shard is {} bytes",
             cfg.index(), core, cfg.total_size(), shard_bytes);
    }
    return {cfg.index(),
            buf.address(),
            cfg.page_size(),
            cfg.total_size() / cfg.page_size(),
            cfg.total_size(),
            cfg.data_format(),
            true};
}
}  // namespace

std::map<CoreCoord, CoreL1Placement> plan_l1(Device& device, const Program& program) {
    const DeviceSpec& spec = device.spec();
    const uint64_t buffers_start = device.l1_allocator().lowest_allocated_address();
    std::map<CoreCoord, CoreL1Placement> plan;
    auto placement_for = [&](CoreCoord c) -> CoreL1Placement& {
        if (!device.is_worker_core(c)) {
            fail("program uses core {}, outside the worker grid {}x{} of {}", c, spec.worker_grid.x,
                 spec.worker_grid.y, spec.name);
        }
        auto [it, inserted] = plan.try_emplace(c);
        if (inserted) {
            it->second.limit = spec.l1_size_bytes;
            it->second.buffer_bytes = spec.l1_size_bytes - buffers_start;
        }
        return it->second;
    };
    for (uint32_t id = 0; id < program.semaphores().size(); ++id) {
        for (CoreCoord c : program.semaphores()[id].cores.cores()) {
            CoreL1Placement& p = placement_for(c);
            p.semaphores.push_back({id, static_cast<uint32_t>(p.cb_region_bytes)});
            p.cb_region_bytes += spec.l1_alignment;
        }
    }
    for (const auto& cb : program.circular_buffers()) {
        for (CoreCoord c : cb.cores.cores()) {
            CoreL1Placement& p = placement_for(c);
            if (cb.config.globally_allocated_buffer()) {
                p.cbs.push_back(place_sharded_cb(cb.config, c));
                continue;
            }
            const uint64_t addr = round_up(p.cb_region_bytes, spec.l1_alignment);
            p.cbs.push_back({cb.config.index(), static_cast<uint32_t>(addr), cb.config.page_size(),
                             cb.config.total_size() / cb.config.page_size(), cb.config.total_size(),
                             cb.config.data_format(), false});
            p.cb_region_bytes = addr + cb.config.total_size();
        }
    }
    for (const auto& k : program.kernels()) {
        for (CoreCoord c : k.cores.cores()) placement_for(c);
    }
    for (const auto& [core, p] : plan) {
        if (p.cb_region_bytes <= buffers_start) continue;
        std::string parts;
        const CoreCoord here = core;  // a lambda cannot capture a structured binding (Clang < 16)
        for (const auto& cb : p.cbs) {
            if (cb.globally_allocated) continue;
            const auto labelled = std::find_if(
                program.circular_buffers().begin(), program.circular_buffers().end(), [&](const auto& spec) {
                    return spec.config.index() == cb.index && !spec.config.label().empty() &&
                           spec.cores.contains(here);
                });
            const std::string label = labelled == program.circular_buffers().end()
                                          ? std::string()
                                          : fmt::format(" ({})", labelled->config.label());
            parts += fmt::format("{}c_{}{} {} B ({} x {} B)", parts.empty() ? "" : ", ", cb.index, label,
                                 cb.total_size, cb.num_pages, cb.page_size);
        }
        if (!p.semaphores.empty())
            parts += fmt::format(", {} semaphore(s) {} B", p.semaphores.size(),
                                 p.semaphores.size() * spec.l1_alignment);
        throw OutOfMemory(fmt::format(
            "program does not fit in L1 on core {}: circular buffers {} total {} B + L1 buffers {} B = {} B, "
            "limit {} B per core on {}",
            core, parts, p.cb_region_bytes, p.buffer_bytes, p.cb_region_bytes + p.buffer_bytes, p.limit,
            spec.name));
    }
    return plan;
}

}  // namespace tilesim
