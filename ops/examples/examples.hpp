#pragma once
// Host programs of tt-metal's programming examples, ported to tilesim. They double as tests of the
// simulator and as templates for new program factories (work split -> CBs -> kernels -> runtime args).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tilesim/device.hpp"
#include "tilesim/runtime.hpp"

namespace tilesim::ops::examples {

struct BytesResult {
    std::vector<std::byte> output;
    RunReport report;
};
struct FloatsResult {
    std::vector<float> output;
    RunReport report;
};

// "loopback": one core copies `data` (a whole number of pages) DRAM -> L1 scratch -> DRAM.
BytesResult loopback(Device& device, std::span<const std::byte> data, uint32_t page_size,
                     const RunOptions& options = {});

// "eltwise_binary": a + b over bf16 tiles (1024 values each), reader / compute / writer on `num_cores`
// cores (split_work_to_cores over tiles). Inputs are rounded to bf16; the sum is packed as bf16.
FloatsResult eltwise_add_bf16(Device& device, std::span<const float> a, std::span<const float> b,
                              const RunOptions& options = {});

// Multi-core interleaved copy of row-major sticks: split_work_to_cores over sticks, each core's reader
// fills c_0 (cb_pages pages of one stick) and its writer drains it.
BytesResult multicore_copy(Device& device, std::span<const std::byte> sticks, uint32_t stick_bytes,
                           uint32_t cb_pages = 2, const RunOptions& options = {});

}  // namespace tilesim::ops::examples
