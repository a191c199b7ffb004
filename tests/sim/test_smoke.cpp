#include <gtest/gtest.h>
#include "tilesim/error.hpp"
TEST(Smoke, FailFormatsTheMessage) {
    try {
        tilesim::fail("grid_sample: grid must be [N, Ho, Wo, 2], got {}", "[2, 8, 8, 3]");
        FAIL();
    } catch (const tilesim::InvalidArgument& e) {
        EXPECT_STREQ(e.what(), "grid_sample: grid must be [N, Ho, Wo, 2], got [2, 8, 8, 3]");
    }
}
