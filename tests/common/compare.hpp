#pragma once
// Comparison of a result with a reference: max abs error and Pearson correlation (PCC), as kernel
// engineers report them. Use EXPECT_CLOSE(actual, expected, max_abs, min_pcc).
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tilesim/compare.hpp"

namespace tilesim::testing {

using tilesim::compare;
using tilesim::Comparison;

inline ::testing::AssertionResult close(std::span<const float> actual, std::span<const float> expected,
                                        double max_abs, double min_pcc) {
    if (actual.size() != expected.size()) {
        return ::testing::AssertionFailure()
               << "size mismatch: actual " << actual.size() << ", expected " << expected.size();
    }
    Comparison c = compare(actual, expected);
    if (c.within(max_abs, min_pcc)) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << fmt::format(
               "max abs error {:.3g} (limit {:.3g}) at index {}: actual {} expected {}; PCC {:.6f} (min {}); "
               "{} NaN mismatches; |reference| max {:.3g}",
               c.max_abs_error, max_abs, c.worst_index, actual[c.worst_index], expected[c.worst_index], c.pcc,
               min_pcc, c.mismatched_nans, c.max_abs_reference);
}

}  // namespace tilesim::testing

// Passes when every element is within max_abs, NaNs line up, and PCC >= min_pcc.
#define EXPECT_CLOSE(actual, expected, max_abs, min_pcc) \
    EXPECT_TRUE(::tilesim::testing::close((actual), (expected), (max_abs), (min_pcc)))
#define ASSERT_CLOSE(actual, expected, max_abs, min_pcc) \
    ASSERT_TRUE(::tilesim::testing::close((actual), (expected), (max_abs), (min_pcc)))
