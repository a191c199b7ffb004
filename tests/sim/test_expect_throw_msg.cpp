// EXPECT_THROW_MSG (tests/common/expect_throw_msg.hpp) passes only on the right type with the right words,
// and its failures name what was thrown.
#include <stdexcept>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "common/expect_throw_msg.hpp"
#include "tilesim/error.hpp"

namespace {
void throw_invalid() {
    throw tilesim::InvalidArgument("op: grid must be [N, Ho, Wo, 2], got [2, 8, 8, 3]");
}
void throw_runtime() {
    throw std::runtime_error("plain runtime error");
}
void throw_int() {
    throw 7;
}
void no_throw() {}
}  // namespace

TEST(ExpectThrowMsg, PassesOnTheTypeOrASubclassWithTheFragment) {
    EXPECT_THROW_MSG(throw_invalid(), tilesim::InvalidArgument, "got [2, 8, 8, 3]");
    EXPECT_THROW_MSG(throw_invalid(), tilesim::Error, "grid must be [N, Ho, Wo, 2]");
    EXPECT_THROW_MSG(throw_invalid(), std::exception, "op: grid");
}

TEST(ExpectThrowMsg, FailsAndSaysWhatWasThrown) {
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(throw_invalid(), tilesim::InvalidArgument, "got [9]"),
                            "which does not contain");
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(throw_runtime(), tilesim::InvalidArgument, "plain"),
                            "threw std::runtime_error (not a tilesim::InvalidArgument) with message");
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(throw_int(), tilesim::InvalidArgument, "x"),
                            "not derived from std::exception");
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(no_throw(), tilesim::InvalidArgument, "x"), "threw nothing");
}
