// split_work_to_cores against tt-metal's algorithm. The expected sets in the table were derived by hand
// from tt-metal's num_cores_to_corerangeset (partial first line, full lines, partial last line) and
// split_work_to_cores (group 2 starts at the core after group 1's last core).
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "tilesim/error.hpp"
#include "tilesim/work_split.hpp"

using tilesim::CoreCoord;
using tilesim::CoreRange;
using tilesim::CoreRangeSet;
using tilesim::split_work_to_cores;

namespace {
CoreRange R(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1) {
    return CoreRange({x0, y0}, {x1, y1});
}

struct Case {
    CoreCoord grid;
    uint32_t units;
    bool row_wise;
    uint32_t num_cores;
    CoreRangeSet all;
    CoreRangeSet g1;
    CoreRangeSet g2;
    uint32_t u1;
    uint32_t u2;
};

std::string describe(const Case& c) {
    return fmt::format("grid {}x{}, {} units, row_wise={}", c.grid.x, c.grid.y, c.units, c.row_wise);
}

const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        // The spec's worked example.
        {{8, 8},
         100,
         false,
         64,
         {R(0, 0, 7, 7)},
         {R(0, 0, 3, 7), R(4, 0, 4, 3)},
         {R(4, 4, 4, 7), R(5, 0, 7, 7)},
         2,
         1},
        {{8, 8},
         100,
         true,
         64,
         {R(0, 0, 7, 7)},
         {R(0, 0, 7, 3), R(0, 4, 3, 4)},
         {R(4, 4, 7, 4), R(0, 5, 7, 7)},
         2,
         1},
        {{8, 8}, 0, false, 0, {}, {}, {}, 0, 0},
        {{8, 8}, 1, false, 1, {R(0, 0, 0, 0)}, {R(0, 0, 0, 0)}, {}, 1, 0},
        {{8, 8}, 5, false, 5, {R(0, 0, 0, 4)}, {R(0, 0, 0, 4)}, {}, 1, 0},
        {{8, 8}, 5, true, 5, {R(0, 0, 4, 0)}, {R(0, 0, 4, 0)}, {}, 1, 0},
        {{8, 8}, 8, false, 8, {R(0, 0, 0, 7)}, {R(0, 0, 0, 7)}, {}, 1, 0},
        {{8, 8}, 20, false, 20, {R(0, 0, 1, 7), R(2, 0, 2, 3)}, {R(0, 0, 1, 7), R(2, 0, 2, 3)}, {}, 1, 0},
        {{8, 8}, 20, true, 20, {R(0, 0, 7, 1), R(0, 2, 3, 2)}, {R(0, 0, 7, 1), R(0, 2, 3, 2)}, {}, 1, 0},
        {{8, 8}, 64, false, 64, {R(0, 0, 7, 7)}, {R(0, 0, 7, 7)}, {}, 1, 0},
        {{8, 8}, 128, true, 64, {R(0, 0, 7, 7)}, {R(0, 0, 7, 7)}, {}, 2, 0},
        {{8, 8}, 65, false, 64, {R(0, 0, 7, 7)}, {R(0, 0, 0, 0)}, {R(0, 1, 0, 7), R(1, 0, 7, 7)}, 2, 1},
        {{8, 8}, 65, true, 64, {R(0, 0, 7, 7)}, {R(0, 0, 0, 0)}, {R(1, 0, 7, 0), R(0, 1, 7, 7)}, 2, 1},
        {{8, 8}, 127, false, 64, {R(0, 0, 7, 7)}, {R(0, 0, 6, 7), R(7, 0, 7, 6)}, {R(7, 7, 7, 7)}, 2, 1},
        {{7, 5}, 12, false, 12, {R(0, 0, 1, 4), R(2, 0, 2, 1)}, {R(0, 0, 1, 4), R(2, 0, 2, 1)}, {}, 1, 0},
        {{7, 5}, 12, true, 12, {R(0, 0, 6, 0), R(0, 1, 4, 1)}, {R(0, 0, 6, 0), R(0, 1, 4, 1)}, {}, 1, 0},
        {{7, 5}, 35, false, 35, {R(0, 0, 6, 4)}, {R(0, 0, 6, 4)}, {}, 1, 0},
        {{7, 5}, 36, false, 35, {R(0, 0, 6, 4)}, {R(0, 0, 0, 0)}, {R(0, 1, 0, 4), R(1, 0, 6, 4)}, 2, 1},
        {{7, 5}, 50, false, 35, {R(0, 0, 6, 4)}, {R(0, 0, 2, 4)}, {R(3, 0, 6, 4)}, 2, 1},
        {{7, 5},
         50,
         true,
         35,
         {R(0, 0, 6, 4)},
         {R(0, 0, 6, 1), R(0, 2, 0, 2)},
         {R(1, 2, 6, 2), R(0, 3, 6, 4)},
         2,
         1},
        {{13, 10}, 1000, false, 130, {R(0, 0, 12, 9)}, {R(0, 0, 8, 9)}, {R(9, 0, 12, 9)}, 8, 7},
        {{13, 10},
         1000,
         true,
         130,
         {R(0, 0, 12, 9)},
         {R(0, 0, 12, 5), R(0, 6, 11, 6)},
         {R(12, 6, 12, 6), R(0, 7, 12, 9)},
         8,
         7},
        {{13, 10}, 77, false, 77, {R(0, 0, 6, 9), R(7, 0, 7, 6)}, {R(0, 0, 6, 9), R(7, 0, 7, 6)}, {}, 1, 0},
        {{13, 10}, 260, false, 130, {R(0, 0, 12, 9)}, {R(0, 0, 12, 9)}, {}, 2, 0},
        // A group 2 that is a partial column then exactly one full column.
        {{12, 9},
         200,
         false,
         108,
         {R(0, 0, 11, 8)},
         {R(0, 0, 9, 8), R(10, 0, 10, 1)},
         {R(10, 2, 10, 8), R(11, 0, 11, 8)},
         2,
         1},
        {{1, 1}, 0, true, 0, {}, {}, {}, 0, 0},
        {{1, 1}, 1, false, 1, {R(0, 0, 0, 0)}, {R(0, 0, 0, 0)}, {}, 1, 0},
        {{1, 1}, 7, true, 1, {R(0, 0, 0, 0)}, {R(0, 0, 0, 0)}, {}, 7, 0},
        {{8, 1}, 5, false, 5, {R(0, 0, 4, 0)}, {R(0, 0, 4, 0)}, {}, 1, 0},
        {{8, 1}, 5, true, 5, {R(0, 0, 4, 0)}, {R(0, 0, 4, 0)}, {}, 1, 0},
        {{1, 8}, 20, false, 8, {R(0, 0, 0, 7)}, {R(0, 0, 0, 3)}, {R(0, 4, 0, 7)}, 3, 2},
        {{5, 3}, 16, true, 15, {R(0, 0, 4, 2)}, {R(0, 0, 0, 0)}, {R(1, 0, 4, 0), R(0, 1, 4, 2)}, 2, 1},
    };
    return table;
}
}  // namespace

TEST(SplitWorkToCores, MatchesHandDerivedTable) {
    for (const Case& c : cases()) {
        SCOPED_TRACE(describe(c));
        const auto s = split_work_to_cores(c.grid, c.units, c.row_wise);
        EXPECT_EQ(s.num_cores, c.num_cores);
        EXPECT_EQ(s.all_cores, c.all) << s.all_cores.str();
        EXPECT_EQ(s.core_group_1, c.g1) << s.core_group_1.str();
        EXPECT_EQ(s.core_group_2, c.g2) << s.core_group_2.str();
        EXPECT_EQ(s.units_per_core_group_1, c.u1);
        EXPECT_EQ(s.units_per_core_group_2, c.u2);
    }
}

TEST(SplitWorkToCores, TableHasAtLeastTwentyCases) {
    EXPECT_GE(cases().size(), 20u);
}

// Invariants over a sweep: groups cover all_cores in the fill order, every unit is assigned once.
TEST(SplitWorkToCores, GroupsFollowTheFillOrderAndCoverEveryUnit) {
    for (uint32_t gx : {1u, 2u, 3u, 7u, 8u, 13u}) {
        for (uint32_t gy : {1u, 4u, 5u, 10u}) {
            for (uint32_t units : {0u, 1u, 2u, 3u, 9u, 31u, 64u, 99u, 130u, 131u, 517u}) {
                for (bool row_wise : {false, true}) {
                    SCOPED_TRACE(fmt::format("grid {}x{} units {} row_wise {}", gx, gy, units, row_wise));
                    const auto s = split_work_to_cores({gx, gy}, units, row_wise);
                    ASSERT_EQ(s.num_cores, std::min(units, gx * gy));
                    ASSERT_EQ(s.core_group_1.num_cores() + s.core_group_2.num_cores(), s.num_cores);
                    ASSERT_EQ(s.all_cores.num_cores(), s.num_cores);
                    EXPECT_EQ(s.core_group_1.num_cores() * s.units_per_core_group_1 +
                                  s.core_group_2.num_cores() * s.units_per_core_group_2,
                              units);
                    EXPECT_LE(s.all_cores.ranges().size(), 3u);
                    auto order = s.core_group_1.cores(row_wise);
                    for (auto c : s.core_group_2.cores(row_wise)) order.push_back(c);
                    // Ranges are listed in fill order and each is iterated in the fill direction (column-
                    // major when column-wise), so the concatenation must be exactly the fill order.
                    std::vector<CoreCoord> fill;
                    for (uint32_t i = 0; i < s.num_cores; ++i)
                        fill.push_back(tilesim::core_at_index(i, {gx, gy}, row_wise));
                    EXPECT_EQ(order, fill);
                }
            }
        }
    }
}

TEST(CoreAtIndex, ColumnsFirstByDefault) {
    EXPECT_EQ(tilesim::core_at_index(0, {8, 8}), (CoreCoord{0, 0}));
    EXPECT_EQ(tilesim::core_at_index(9, {8, 8}), (CoreCoord{1, 1}));
    EXPECT_EQ(tilesim::core_at_index(12, {7, 5}), (CoreCoord{2, 2}));
    EXPECT_EQ(tilesim::core_at_index(12, {7, 5}, true), (CoreCoord{5, 1}));
    EXPECT_THROW(tilesim::core_at_index(35, {7, 5}), tilesim::InvalidArgument);
}

TEST(NumCoresToCoreRangeSet, StartsAtAGivenCore) {
    EXPECT_EQ(tilesim::num_cores_to_corerangeset({4, 4}, 28, {8, 8}),
              (CoreRangeSet{R(4, 4, 4, 7), R(5, 0, 7, 7)}));
    EXPECT_EQ(tilesim::num_cores_to_corerangeset({2, 1}, 3, {8, 8}, true), (CoreRangeSet{R(2, 1, 4, 1)}));
    EXPECT_EQ(tilesim::num_cores_to_corerangeset(0, {8, 8}), CoreRangeSet());
}

TEST(NumCoresToCoreRangeSet, RefusesMoreCoresThanFollowTheStart) {
    EXPECT_THROW(tilesim::num_cores_to_corerangeset(65, {8, 8}), tilesim::InvalidArgument);
    EXPECT_THROW(tilesim::num_cores_to_corerangeset({4, 4}, 29, {8, 8}), tilesim::InvalidArgument);
    EXPECT_THROW(tilesim::num_cores_to_corerangeset({8, 0}, 1, {8, 8}), tilesim::InvalidArgument);
}

TEST(SplitWorkToCores, RejectsAnEmptyGridNamingIt) {
    EXPECT_THROW_MSG(split_work_to_cores({0, 8}, 10), tilesim::InvalidArgument,
                     "split_work_to_cores: grid_size must have at least one core, got 0x8");
    EXPECT_THROW(split_work_to_cores({8, 0}, 0), tilesim::InvalidArgument);
}
