// The progress line long CLI commands (tilesim sweep) show: the bar a terminal redraws, and its ETA.
#include <gtest/gtest.h>

#include "tools/progress.hpp"

namespace {

TEST(Progress, BarShowsDoneStepsTheCurrentOneAndAnEta) {
    tilesim::cli::Progress p(4, /*plain_lines=*/false, /*enabled=*/false);  // no redraw thread
    EXPECT_EQ(p.bar(0.5), "[........................] 0/4  (0.5 s)");
    p.step("point 0");
    p.done("point 0");
    p.step("point 1");
    // One of four steps done in 2 s: three more take 6 s.
    EXPECT_EQ(p.bar(2.0), "[######..................] 1/4 point 1 (2.0 s ETA 6 s)");
    for (int i = 1; i < 4; ++i) {
        p.done("point");
        p.step("point");
    }
    EXPECT_EQ(p.bar(8.0), "[########################] 4/4 point (8.0 s)");  // no ETA when done
}

}  // namespace
