// fmt::formatter specialisations of the public value types: "{}" prints what str() / to_string() give,
// so error messages can pass the value itself.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "tilesim/core_coord.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/error.hpp"
#include "tilesim/tensor.hpp"

using namespace tilesim;

TEST(Formatters, ShapePrintsItsDimsInBrackets) {
    EXPECT_EQ(fmt::format("{}", Shape{2, 8, 8, 3}), "[2, 8, 8, 3]");
    EXPECT_EQ(fmt::format("{}", Shape{}), "[]");
}

TEST(Formatters, DataTypePrintsItsParseableName) {
    EXPECT_EQ(fmt::format("{}", DataType::BFloat16), "bfloat16");
    EXPECT_EQ(fmt::format("{}", DataType::Bfp8_b), "bfp8_b");
    EXPECT_EQ(parse_data_type(fmt::format("{}", DataType::Float16)), DataType::Float16);
}

TEST(Formatters, LayoutPrintsTtMetalsName) {
    EXPECT_EQ(fmt::format("{}", Layout::ROW_MAJOR), to_string(Layout::ROW_MAJOR));
    EXPECT_EQ(fmt::format("{}", Layout::TILE), to_string(Layout::TILE));
}

TEST(Formatters, CoreCoordRangeAndSetPrintTheirStr) {
    const CoreCoord c{3, 4};
    const CoreRange r({1, 2}, {3, 5});
    const CoreRangeSet s{CoreRange({0, 0}, {1, 0}), CoreRange({4, 4})};
    EXPECT_EQ(fmt::format("{}", c), "(x=3,y=4)");
    EXPECT_EQ(fmt::format("{}", r), "[(x=1,y=2) - (x=3,y=5)]");
    EXPECT_EQ(fmt::format("{}", s), s.str());
}

TEST(Formatters, WidthAndAlignmentApplyToTheWholeText) {
    EXPECT_EQ(fmt::format("{:>12}", CoreCoord{1, 2}), "   (x=1,y=2)");
    EXPECT_EQ(fmt::format("{:<10}|", DataType::Float32), "float32   |");
    EXPECT_EQ(fmt::format("{:^8}", Shape{4}), "  [4]   ");
}

TEST(Formatters, FailMessagesTakeTheValuesThemselves) {
    try {
        fail("op: input must be {} in {}, got {} on core {}", Layout::ROW_MAJOR, DataType::Float32,
             Shape{2, 3}, CoreCoord{0, 1});
        FAIL() << "fail() did not throw";
    } catch (const InvalidArgument& e) {
        EXPECT_EQ(std::string(e.what()),
                  fmt::format("op: input must be {} in float32, got [2, 3] on core (x=0,y=1)",
                              to_string(Layout::ROW_MAJOR)));
    }
}
