#pragma once
// Program-factory steps every op's factory takes the same way: one CB index with its pages, recording a
// work split in the op's program info, and the compute config (HiFi4; fp32 DEST for float32 data unless
// the options say otherwise, as tt-metal's ops choose).
#include <cstdint>
#include <utility>
#include <vector>

#include "tilesim/buffer.hpp"
#include "tilesim/program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

// CreateCircularBuffer for CB `index`: `num_pages` pages of `page_size` bytes, backed by `backing` (a
// sharded buffer) when given.
inline void create_circular_buffer(Program& program, const CoreRangeSet& cores, uint8_t index,
                                   uint32_t page_size, uint32_t num_pages, DataType format,
                                   const Buffer* backing = nullptr) {
    CircularBufferConfig cfg(page_size * num_pages, {{index, format}});
    cfg.set_page_size(index, page_size);
    if (backing) cfg.set_globally_allocated_address(*backing);
    CreateCircularBuffer(program, cores, cfg);
}

// Info: any program-info struct with num_cores, units_per_core_group_{1,2} and cores_group_{1,2}.
template <class Info>
void record_split(Info& info, const WorkSplit& split) {
    info.num_cores = split.num_cores;
    info.units_per_core_group_1 = split.units_per_core_group_1;
    info.units_per_core_group_2 = split.units_per_core_group_2;
    info.cores_group_1 = split.core_group_1.num_cores();
    info.cores_group_2 = split.core_group_2.num_cores();
}

// Options: any device-options struct with dtype and an optional fp32_dest_acc_en.
template <class Options>
ComputeConfig compute_config(const Options& o, std::vector<uint32_t> args) {
    ComputeConfig c;
    c.math_fidelity = MathFidelity::HiFi4;
    c.fp32_dest_acc_en = o.fp32_dest_acc_en.value_or(o.dtype == DataType::Float32);
    c.compile_args = std::move(args);
    return c;
}

}  // namespace tilesim::ops
