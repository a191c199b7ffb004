// split_work_to_cores and num_cores_to_corerangeset with tt-metal's semantics
// (tt_metal/common/work_split.cpp): cores are taken columns first (rows first when row_wise) and each
// set is the fewest rectangles: a partial first column, a block of full columns, a partial last column.
#include "tilesim/work_split.hpp"

#include <algorithm>

#include "tilesim/error.hpp"

namespace tilesim {
namespace {

void check_grid(CoreCoord grid, const char* who) {
    if (grid.x == 0 || grid.y == 0)
        fail("{}: grid_size must have at least one core, got {}x{}", who, grid.x, grid.y);
}

// The algorithm is written once for "lines" (columns when column-wise, rows when row-wise): `along` is
// the position inside a line, `across` the line index. to_core() maps back to (x, y).
struct LineView {
    bool row_wise;
    uint32_t line_len;  // cores per line
    uint32_t num_lines;
    CoreCoord to_core(uint32_t along, uint32_t across) const {
        return row_wise ? CoreCoord{along, across} : CoreCoord{across, along};
    }
};

}  // namespace

CoreCoord core_at_index(uint32_t i, CoreCoord grid, bool row_wise) {
    check_grid(grid, "core_at_index");
    if (uint64_t(i) >= uint64_t(grid.x) * grid.y) {
        fail("core_at_index: index {} is outside the {}x{} grid ({} cores)", i, grid.x, grid.y,
             uint64_t(grid.x) * grid.y);
    }
    return row_wise ? CoreCoord{i % grid.x, i / grid.x} : CoreCoord{i / grid.y, i % grid.y};
}

CoreRangeSet num_cores_to_corerangeset(CoreCoord start, uint32_t num_cores, CoreCoord grid, bool row_wise) {
    check_grid(grid, "num_cores_to_corerangeset");
    if (start.x >= grid.x || start.y >= grid.y) {
        fail("num_cores_to_corerangeset: start core {} is outside the {}x{} grid", start, grid.x, grid.y);
    }
    const LineView v{row_wise, row_wise ? grid.x : grid.y, row_wise ? grid.y : grid.x};
    uint32_t along = row_wise ? start.x : start.y;
    uint32_t across = row_wise ? start.y : start.x;
    const uint64_t available = uint64_t(v.num_lines - 1 - across) * v.line_len + (v.line_len - along);
    if (num_cores > available) {
        fail("num_cores_to_corerangeset: {} cores requested but only {} follow {} in the {}x{} grid",
             num_cores, available, start, grid.x, grid.y);
    }
    std::vector<CoreRange> ranges;
    uint32_t left = num_cores;
    // Partial first line, only when the request runs past its end (otherwise it is the last line below).
    if (along != 0 && left > v.line_len - along) {
        ranges.emplace_back(v.to_core(along, across), v.to_core(v.line_len - 1, across));
        left -= v.line_len - along;
        along = 0;
        ++across;
    }
    // Full lines. tt-metal tests `left > line_len`; a single full line then comes out of the last step as
    // the same rectangle.
    if (left > v.line_len) {
        const uint32_t lines = left / v.line_len;
        ranges.emplace_back(v.to_core(0, across), v.to_core(v.line_len - 1, across + lines - 1));
        left -= lines * v.line_len;
        across += lines;
    }
    if (left > 0) ranges.emplace_back(v.to_core(along, across), v.to_core(along + left - 1, across));
    return CoreRangeSet(std::move(ranges));
}

CoreRangeSet num_cores_to_corerangeset(uint32_t num_cores, CoreCoord grid, bool row_wise) {
    return num_cores_to_corerangeset(CoreCoord{0, 0}, num_cores, grid, row_wise);
}

WorkSplit split_work_to_cores(CoreCoord grid, uint32_t units, bool row_wise) {
    check_grid(grid, "split_work_to_cores");
    WorkSplit s;
    if (units == 0) return s;  // newer tt-metal: no cores, empty sets
    const uint64_t max_cores = uint64_t(grid.x) * grid.y;
    s.num_cores = static_cast<uint32_t>(std::min<uint64_t>(units, max_cores));
    s.all_cores = s.num_cores == max_cores ? CoreRangeSet({CoreRange({0, 0}, {grid.x - 1, grid.y - 1})})
                                           : num_cores_to_corerangeset(s.num_cores, grid, row_wise);
    s.units_per_core_group_1 = units / s.num_cores;
    const uint32_t num_more = units % s.num_cores;
    if (num_more == 0) {
        s.core_group_1 = s.all_cores;
        return s;
    }
    // Only reachable with more units than cores, so all_cores is the whole grid. Group 2 starts at the
    // core after group 1's last core in the fill order.
    s.core_group_1 = num_cores_to_corerangeset(num_more, grid, row_wise);
    s.core_group_2 = num_cores_to_corerangeset(core_at_index(num_more, grid, row_wise),
                                               s.num_cores - num_more, grid, row_wise);
    s.units_per_core_group_2 = s.units_per_core_group_1;
    s.units_per_core_group_1 += 1;
    return s;
}

}  // namespace tilesim
