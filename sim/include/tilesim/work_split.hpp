#pragma once
// split_work_to_cores with tt-metal's exact semantics (tt_metal/common/work_split.cpp).
#include <cstdint>
#include <vector>

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
// The same, starting at `start_core` instead of {0, 0}: a partial first column (row when row_wise) from
// `start_core`, then full columns (rows), then a partial last one. Throws when fewer than `num_cores` cores
// follow `start_core` in the grid.
CoreRangeSet num_cores_to_corerangeset(CoreCoord start_core, uint32_t num_cores, CoreCoord grid_size,
                                       bool row_wise = false);

// The core with index i in the same order (columns first: {i / grid.y, i % grid.y}).
CoreCoord core_at_index(uint32_t i, CoreCoord grid_size, bool row_wise = false);

// Splits `units` over the first min(units, grid cores) cores: group 1 gets units / num_cores + 1 each
// (the first units % num_cores cores), group 2 the rest with units / num_cores each. 0 units -> 0 cores
// and empty sets. Throws when the grid has no core.
WorkSplit split_work_to_cores(CoreCoord grid_size, uint32_t units, bool row_wise = false);

// What each core of a split does, in the order program factories walk cores (core i = core_at_index(i)):
// core i starts at the sum of the units of cores 0..i-1.
struct CoreWork {
    CoreCoord core;
    uint32_t start = 0;  // first unit
    uint32_t count = 0;  // number of units
};
std::vector<CoreWork> assign_work(const WorkSplit& split, CoreCoord grid_size, bool row_wise = false);

}  // namespace tilesim
