#pragma once
// Comparing a result with a reference the way kernel engineers report it: max abs error and Pearson
// correlation (PCC). NaNs must line up (a NaN in one and not the other is a mismatch).
#include <cstddef>
#include <span>

namespace tilesim {

struct Comparison {
    double max_abs_error = 0;
    double max_abs_reference = 0;
    double pcc = 1;
    size_t worst_index = 0;
    size_t mismatched_nans = 0;
    bool within(double max_abs, double min_pcc) const {
        return mismatched_nans == 0 && max_abs_error <= max_abs && pcc >= min_pcc;
    }
};

// Sizes must match (throws InvalidArgument otherwise).
Comparison compare(std::span<const float> actual, std::span<const float> expected);

}  // namespace tilesim
