#pragma once
// Predicted cycles of one op with CB buffering factor 1, 2 and 4 (the pages of its streamed CBs): deeper
// buffering may let a reader run ahead of the kernel that drains its CB, never hold it back. These are the
// simulator's deterministic predictions, not host timings.
#include <array>
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tilesim/run_report.hpp"

namespace tilesim::testing {

struct BufferingRun {
    uint32_t buffering_factor = 0;
    double cycles = 0;
    uint64_t l1_cb_bytes = 0;  // on the first core: grows with the factor when the factor reaches the program
    Bound bound = Bound::None;
};
using BufferingRuns = std::array<BufferingRun, 3>;  // factors 1, 2, 4

// `run(factor)` runs the op on the simulated device with that buffering factor and returns its result.
template <class Run>
BufferingRuns run_with_buffering_1_2_4(Run&& run) {
    BufferingRuns runs;
    for (uint32_t i = 0; i < 3; ++i) {
        const uint32_t factor = 1u << i;
        const auto r = run(factor);
        EXPECT_TRUE(r.report.has_value() && !r.report->cores.empty());
        if (!r.report || r.report->cores.empty()) return runs;
        runs[i] = {factor, r.report->predicted_cycles, r.report->cores.front().l1_cb_bytes, r.report->bound};
    }
    return runs;
}

inline std::string describe(const BufferingRuns& r) {
    return fmt::format("buffering 1/2/4 -> {}/{}/{} cycles ({}, {}, {} B of CBs per core)", r[0].cycles,
                       r[1].cycles, r[2].cycles, r[0].l1_cb_bytes, r[1].l1_cb_bytes, r[2].l1_cb_bytes);
}

// Deeper is never slower, and the factor reached the program (its CBs grow with it).
inline void expect_deeper_buffering_never_slower(const BufferingRuns& r, const std::string& what) {
    EXPECT_LT(r[0].l1_cb_bytes, r[1].l1_cb_bytes) << what << ": " << describe(r);
    EXPECT_LT(r[1].l1_cb_bytes, r[2].l1_cb_bytes) << what << ": " << describe(r);
    EXPECT_LE(r[1].cycles, r[0].cycles) << what << ": " << describe(r);
    EXPECT_LE(r[2].cycles, r[1].cycles) << what << ": " << describe(r);
}

}  // namespace tilesim::testing
