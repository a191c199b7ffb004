#pragma once
// split_work_to_cores with tt-metal's exact semantics (tt_metal/common/work_split.cpp).
#include <cstdint>

#include "tilesim/core_coord.hpp"

namespace tilesim {

struct WorkSplit {
    uint32_t num_cores = 0;
    CoreRangeSet all_cores;
    CoreRangeSet core_group_1;
    CoreRangeSet core_group_2;
    uint32_t units_per_core_group_1 = 0;
    uint32_t units_per_core_group_2 = 0;
};

// The first `num_cores` cores of `grid` in tt-metal's order (columns first unless row_wise) as the
// fewest rectangles.
CoreRangeSet num_cores_to_corerangeset(uint32_t num_cores, CoreCoord grid_size, bool row_wise = false);

// The core with index i in the same order (columns first: {i / grid.y, i % grid.y}).
CoreCoord core_at_index(uint32_t i, CoreCoord grid_size, bool row_wise = false);

WorkSplit split_work_to_cores(CoreCoord grid_size, uint32_t units, bool row_wise = false);

}  // namespace tilesim
