#pragma once
// Program-factory steps every op's factory takes the same way: one CB index with its pages, recording a
// work split in the op's program info, and the compute config (HiFi4; fp32 DEST for float32 data unless
// the options say otherwise, as tt-metal's ops choose).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tilesim/buffer.hpp"
#include "tilesim/program.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

// v rounded up to a multiple of a (page sizes to alignments).
constexpr uint32_t round_up(uint32_t v, uint32_t a) {
    return (v + a - 1) / a * a;
}
// ceil(v / d): tiles, blocks, pages.
constexpr uint32_t ceil_div(uint32_t v, uint32_t d) {
    return (v + d - 1) / d;
}

// CreateCircularBuffer for CB `index` holding `holds` (its label in the program summary): `num_pages` pages
// of `page_size` bytes, backed by `backing` (a sharded buffer) when given.
inline void create_circular_buffer(Program& program, const CoreRangeSet& cores, uint32_t index,
                                   std::string holds, uint32_t page_size, uint32_t num_pages, DataType format,
                                   const Buffer* backing = nullptr) {
    const auto cb = static_cast<uint8_t>(index);
    CircularBufferConfig cfg(page_size * num_pages, {{cb, format}});
    cfg.set_page_size(cb, page_size);
    cfg.set_label(std::move(holds));
    if (backing) cfg.set_globally_allocated_address(*backing);
    CreateCircularBuffer(program, cores, cfg);
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
