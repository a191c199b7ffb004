#pragma once
// Where a program's CBs and semaphores go in each core's L1, and the check that they fit beside the L1
// buffers. Program factories call ValidateProgram right after building a program, so a program that
// cannot fit is refused when it is created, with the byte counts.
#include <cstdint>
#include <map>
#include <vector>

#include "tilesim/device.hpp"
#include "tilesim/program.hpp"

namespace tilesim {

struct CircularBufferPlacement {
    uint32_t index = 0;
    uint32_t address = 0;
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    uint32_t total_size = 0;
    DataType format = DataType::Float32;
    bool globally_allocated = false;
};

struct SemaphorePlacement {
    uint32_t id = 0;
    uint32_t address = 0;
};

struct CoreL1Placement {
    std::vector<SemaphorePlacement> semaphores;
    std::vector<CircularBufferPlacement> cbs;
    uint64_t cb_region_bytes = 0;  // semaphores + CBs placed from the bottom of L1
    uint64_t buffer_bytes = 0;     // L1 buffers (allocated top-down, same range on every core)
    uint64_t limit = 0;            // usable L1 per core
};

// Places semaphores then CBs (in creation order, aligned to the L1 alignment) from address 0 upwards on
// every core that has any; CBs backed by a sharded buffer use the shard's address. Throws OutOfMemory
// naming the core, each CB's size, the total and the limit when they overlap the L1 buffers.
std::map<CoreCoord, CoreL1Placement> plan_l1(Device& device, const Program& program);
inline void ValidateProgram(Device& device, const Program& program) {
    (void)plan_l1(device, program);
}

}  // namespace tilesim
