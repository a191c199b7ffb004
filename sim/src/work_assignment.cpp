#include "tilesim/work_split.hpp"

namespace tilesim {

std::vector<CoreWork> assign_work(const WorkSplit& split, CoreCoord grid_size, bool row_wise) {
    std::vector<CoreWork> out;
    out.reserve(split.num_cores);
    uint32_t start = 0;
    for (uint32_t i = 0; i < split.num_cores; ++i) {
        const CoreCoord core = core_at_index(i, grid_size, row_wise);
        const uint32_t n =
            split.core_group_1.contains(core) ? split.units_per_core_group_1 : split.units_per_core_group_2;
        out.push_back({core, start, n});
        start += n;
    }
    return out;
}

}  // namespace tilesim
