#pragma once
// Calibration of the cost model against published silicon measurements: small probe programs (one core
// reading N x S bytes from one DRAM bank, writing / reading another core's L1, multicasts, twelve
// bank-local readers) run through the public API, each next to the silicon figure where one is published
// (../shared/specs/wormhole-measured.md). Used by tests/sim/test_cost_calibration.cpp and
// `tilesim calibrate`; the table is in docs/cost-model.md.
#include <optional>
#include <string>
#include <vector>

#include "tilesim/device_spec.hpp"

namespace tilesim {

struct CalibrationCell {
    std::string table;              // e.g. "one core reads one DRAM bank"
    std::string cell;               // e.g. "N=16 S=2048"
    std::string unit;               // "cycles", "cycles/transaction", "B/cycle", "GB/s"
    double model = 0;               // the simulator's prediction
    std::optional<double> silicon;  // the published measurement, when there is one for this device
    std::string source;             // where the silicon figure comes from
    // (model - silicon) / silicon; 0 without a silicon figure.
    double deviation() const { return silicon ? (model - *silicon) / *silicon : 0.0; }
};

// Runs every probe on `device` and returns one cell per measurement. Silicon figures are attached for the
// devices they were measured on (wormhole_b0 tables; blackhole: the chip's DRAM read bandwidth).
std::vector<CalibrationCell> run_calibration(const DeviceSpec& device);

// The cells as a text table (model, silicon, deviation) with the largest deviation at the end.
std::string format_calibration(const std::vector<CalibrationCell>& cells);

}  // namespace tilesim
