#pragma once
// The timing model: a cost model, not cycle accuracy. Kept apart from the functional model (the runtime
// asks it what an action costs; it never touches data). Every constant comes from the DeviceSpec and
// is documented in docs/cost-model.md.
#include <cstdint>

#include "tilesim/device_spec.hpp"

namespace tilesim {

class CostModel {
public:
    // `active_cores`: cores that move data in this program; they share the chip's DRAM bandwidth.
    CostModel(const DeviceSpec& spec, uint32_t active_cores);

    // Cycles the NoC port of one core is busy moving `bytes` (DRAM transfers are limited to this core's
    // share of the chip's DRAM bandwidth, when that is lower than the NoC link).
    double transfer_cycles(uint64_t bytes, bool dram) const;
    // Fixed latency from issue to completion of one read / write.
    double read_latency(bool dram) const;
    double write_latency(bool dram) const;
    // One compute operation on `tiles` tiles at a math fidelity; unpack/tilize and pack per tile.
    double tile_op_cycles(MathFidelity fidelity, uint64_t tiles) const;
    double tilize_cycles(uint64_t tiles) const;
    double pack_cycles(uint64_t tiles) const;
    double cb_call_cycles() const { return cb_call_cycles_; }
    // The whole program cannot finish before all its DRAM bytes have crossed the chip's DRAM interface.
    double dram_bound_cycles(uint64_t dram_bytes) const;
    double dram_bytes_per_cycle() const { return dram_bytes_per_cycle_; }

private:
    const DeviceSpec* spec_;
    double noc_bytes_per_cycle_;
    double dram_bytes_per_cycle_;
    double dram_bytes_per_cycle_per_core_;
    double cb_call_cycles_;
};

}  // namespace tilesim
