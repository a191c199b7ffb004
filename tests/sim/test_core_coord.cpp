#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "tilesim/core_coord.hpp"
#include "tilesim/error.hpp"

using tilesim::CoreCoord;
using tilesim::CoreRange;
using tilesim::CoreRangeSet;
using tilesim::InvalidArgument;

namespace {
CoreRange R(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1) {
    return CoreRange({x0, y0}, {x1, y1});
}

}  // namespace

TEST(CoreCoord, OrdersRowMajor) {
    EXPECT_LT((CoreCoord{5, 0}), (CoreCoord{0, 1}));
    EXPECT_LT((CoreCoord{0, 1}), (CoreCoord{1, 1}));
    EXPECT_EQ((CoreCoord{3, 4}).str(), "(x=3,y=4)");
}

TEST(CoreRange, RejectsEndBeforeStartOnEitherAxis) {
    EXPECT_THROW(R(2, 0, 1, 0), InvalidArgument);
    EXPECT_THROW(R(0, 3, 0, 2), InvalidArgument);
    EXPECT_THROW_MSG(R(2, 5, 1, 6), InvalidArgument,
                     "CoreRange: end (x=1,y=6) must not be before start (x=2,y=5) on either axis");
}

TEST(CoreRange, SizeContainsAndString) {
    const CoreRange r = R(1, 2, 3, 5);
    EXPECT_EQ(r.size(), 12u);
    EXPECT_TRUE(r.contains({1, 2}));
    EXPECT_TRUE(r.contains({3, 5}));
    EXPECT_FALSE(r.contains({0, 2}));
    EXPECT_FALSE(r.contains({3, 6}));
    EXPECT_EQ(r.str(), "[(x=1,y=2) - (x=3,y=5)]");
    EXPECT_EQ(CoreRange(CoreCoord{4, 4}).size(), 1u);
}

TEST(CoreRange, IntersectsOnSharedCoresOnly) {
    EXPECT_TRUE(R(0, 0, 3, 3).intersects(R(3, 3, 5, 5)));   // shares one corner core
    EXPECT_FALSE(R(0, 0, 3, 3).intersects(R(4, 0, 5, 3)));  // adjacent, not overlapping
    EXPECT_FALSE(R(0, 0, 3, 3).intersects(R(0, 4, 3, 5)));
    EXPECT_TRUE(R(2, 0, 2, 9).intersects(R(0, 4, 7, 4)));  // a cross
}

TEST(CoreRange, CoresAreRowMajor) {
    const std::vector<CoreCoord> expected{{1, 0}, {2, 0}, {1, 1}, {2, 1}, {1, 2}, {2, 2}};
    EXPECT_EQ(R(1, 0, 2, 2).cores(), expected);
}

TEST(CoreRangeSet, RejectsOverlapNamingBothRanges) {
    EXPECT_THROW_MSG(
        CoreRangeSet({R(0, 0, 1, 1), R(5, 5, 5, 5), R(1, 1, 2, 2)}), InvalidArgument,
        "CoreRangeSet: core ranges [(x=0,y=0) - (x=1,y=1)] (#0) and [(x=1,y=1) - (x=2,y=2)] (#2) overlap");
}

TEST(CoreRangeSet, CountsAndContains) {
    const CoreRangeSet s{R(0, 0, 3, 7), R(4, 0, 4, 3)};
    EXPECT_EQ(s.num_cores(), 36u);
    EXPECT_TRUE(s.contains(CoreCoord{4, 3}));
    EXPECT_FALSE(s.contains(CoreCoord{4, 4}));
    EXPECT_TRUE(s.contains(R(3, 2, 4, 3)));   // spans both ranges
    EXPECT_FALSE(s.contains(R(3, 3, 4, 4)));  // (4,4) is missing
    EXPECT_TRUE(CoreRangeSet().empty());
    EXPECT_EQ(CoreRangeSet().num_cores(), 0u);
}

TEST(CoreRangeSet, MergeJoinsRectanglesThatFormOne) {
    const CoreRangeSet a{R(0, 0, 3, 7), R(4, 0, 4, 3)};
    const CoreRangeSet b{R(4, 4, 4, 7), R(5, 0, 7, 7)};
    EXPECT_EQ(a.merge(b), (CoreRangeSet{R(0, 0, 7, 7)}));
    EXPECT_EQ(CoreRangeSet{R(0, 0, 2, 0)}.merge(CoreRangeSet{R(0, 1, 2, 3)}), (CoreRangeSet{R(0, 0, 2, 3)}));
}

TEST(CoreRangeSet, MergeKeepsNonRectangularUnionsAsRowBands) {
    const CoreRangeSet merged = CoreRangeSet{R(0, 0, 0, 3)}.merge(CoreRangeSet{R(1, 0, 1, 1)});
    EXPECT_EQ(merged, (CoreRangeSet{R(0, 0, 1, 1), R(0, 2, 0, 3)}));
    const CoreRangeSet apart = CoreRangeSet{R(5, 5, 6, 6)}.merge(CoreRangeSet{R(0, 0, 1, 1)});
    EXPECT_EQ(apart, (CoreRangeSet{R(0, 0, 1, 1), R(5, 5, 6, 6)}));
    EXPECT_EQ(CoreRangeSet().merge(CoreRangeSet()), CoreRangeSet());
}

TEST(CoreRangeSet, MergeRejectsOverlap) {
    EXPECT_THROW(CoreRangeSet{R(0, 0, 2, 2)}.merge(CoreRangeSet{R(2, 2, 3, 3)}), InvalidArgument);
}

TEST(CoreRangeSet, CoresRangeByRangeInEitherOrder) {
    const CoreRangeSet s{R(0, 0, 1, 1), R(2, 0, 2, 0)};
    const std::vector<CoreCoord> rows{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}};
    const std::vector<CoreCoord> cols{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}};
    EXPECT_EQ(s.cores(), rows);
    EXPECT_EQ(s.cores(false), cols);
}

TEST(CoreRangeSet, BoundingBoxAndString) {
    const CoreRangeSet s{R(4, 4, 4, 7), R(5, 0, 7, 7)};
    EXPECT_EQ(s.bounding_box(), R(4, 0, 7, 7));
    EXPECT_EQ(s.str(), "{[(x=4,y=4) - (x=4,y=7)], [(x=5,y=0) - (x=7,y=7)]}");
    EXPECT_EQ(CoreRangeSet().str(), "{}");
    EXPECT_THROW(CoreRangeSet().bounding_box(), InvalidArgument);
}
