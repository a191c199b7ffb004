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

namespace tilesim::testing {

struct Comparison {
    double max_abs_error = 0;
    double max_abs_reference = 0;
    double pcc = 1;
    size_t worst_index = 0;
    size_t mismatched_nans = 0;  // NaN in one and not the other
};

inline Comparison compare(std::span<const float> actual, std::span<const float> expected) {
    Comparison c;
    double sa = 0, se = 0, saa = 0, see = 0, sae = 0;
    size_t n = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        double a = actual[i], e = expected[i];
        if (std::isnan(a) || std::isnan(e)) {
            if (std::isnan(a) != std::isnan(e)) ++c.mismatched_nans;
            continue;
        }
        double d = std::abs(a - e);
        if (d > c.max_abs_error || std::isnan(d)) {
            c.max_abs_error = d;
            c.worst_index = i;
        }
        c.max_abs_reference = std::max(c.max_abs_reference, std::abs(e));
        sa += a; se += e; saa += a * a; see += e * e; sae += a * e; ++n;
    }
    if (n > 1) {
        double cov = sae - sa * se / n, va = saa - sa * sa / n, ve = see - se * se / n;
        if (va <= 1e-30 && ve <= 1e-30) c.pcc = 1;  // both constant
        else if (va <= 1e-30 || ve <= 1e-30) c.pcc = (c.max_abs_error == 0) ? 1 : 0;
        else c.pcc = cov / std::sqrt(va * ve);
    }
    return c;
}

inline ::testing::AssertionResult close(std::span<const float> actual, std::span<const float> expected,
                                        double max_abs, double min_pcc) {
    if (actual.size() != expected.size()) {
        return ::testing::AssertionFailure()
               << "size mismatch: actual " << actual.size() << ", expected " << expected.size();
    }
    Comparison c = compare(actual, expected);
    if (c.mismatched_nans == 0 && c.max_abs_error <= max_abs && c.pcc >= min_pcc) {
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
