// The cost model against Wormhole silicon: every published cell of ../shared/specs/wormhole-measured.md
// (one core reading N x S bytes from one DRAM bank, writing / reading another core's L1, DRAM writes,
// multicast 2x2 / 8x8 / linked, the chip's DRAM bandwidth) must be predicted within ±15%. The probes are
// kernel sources in tests/kernels/cost/ run through the public API (sim/src/calibration.cpp); each does
// only its transfers and one barrier, so its end cycle is the silicon tests' "first transfer to barrier
// return" with nothing to subtract.
#include <gtest/gtest.h>

#include <cmath>

#include "tilesim/calibration.hpp"
#include "tilesim/device_spec.hpp"

using namespace tilesim;

TEST(CostCalibration, EveryWormholeCellWithinFifteenPercentOfSilicon) {
    const std::vector<CalibrationCell> cells = run_calibration(load_device("wormhole_b0"));
    size_t checked = 0;
    for (const CalibrationCell& c : cells) {
        if (!c.silicon) continue;
        ++checked;
        EXPECT_LE(std::abs(c.deviation()), 0.15)
            << c.table << ", " << c.cell << ": model " << c.model << " vs silicon " << *c.silicon << " "
            << c.unit << " (" << c.source << ")";
    }
    // 30 DRAM-read, 25 L1-write and 20 L1-read cells, 2 DRAM writes, 10 multicast figures, the chip.
    EXPECT_EQ(checked, 88u);
    if (HasFailure()) std::printf("%s", format_calibration(cells).c_str());
}

TEST(CostCalibration, DevicesWithoutTablesGetModelNumbersOnly) {
    const std::vector<CalibrationCell> cells = run_calibration(load_device("grayskull"));
    ASSERT_FALSE(cells.empty());
    for (const CalibrationCell& c : cells) {
        EXPECT_FALSE(c.silicon.has_value()) << c.table << ", " << c.cell;
        EXPECT_GT(c.model, 0) << c.table << ", " << c.cell;
    }
    EXPECT_NE(format_calibration(cells).find("model numbers only"), std::string::npos);
}

TEST(CostCalibration, BlackholeChipDramBandwidthMatchesItsMeasurement) {
    const std::vector<CalibrationCell> cells = run_calibration(load_device("blackhole"));
    size_t checked = 0;
    for (const CalibrationCell& c : cells) {
        if (!c.silicon) continue;
        ++checked;
        EXPECT_LE(std::abs(c.deviation()), 0.15) << c.cell << ": model " << c.model << " vs " << *c.silicon;
    }
    EXPECT_EQ(checked, 1u);
}
