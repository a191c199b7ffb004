#include "tilesim/cost_model.hpp"

#include <algorithm>

namespace tilesim {

CostModel::CostModel(const DeviceSpec& spec, uint32_t active_cores)
    : spec_(&spec),
      noc_bytes_per_cycle_(spec.cost.noc_bytes_per_cycle),
      // GB/s over cycles/s: bytes per AI-clock cycle for the whole chip.
      dram_bytes_per_cycle_(spec.cost.dram_bandwidth_gb_per_s * 1e9 / (spec.clock_mhz * 1e6)),
      dram_bytes_per_cycle_per_core_(dram_bytes_per_cycle_ / std::max<uint32_t>(1, active_cores)),
      cb_call_cycles_(spec.cost.cb_call_cycles) {}

double CostModel::transfer_cycles(uint64_t bytes, bool dram) const {
    const double bw = dram ? std::min(noc_bytes_per_cycle_, dram_bytes_per_cycle_per_core_) : noc_bytes_per_cycle_;
    return static_cast<double>(bytes) / bw;
}

double CostModel::read_latency(bool dram) const {
    return spec_->cost.noc_read_latency_cycles + (dram ? spec_->cost.dram_read_latency_cycles : 0);
}

double CostModel::write_latency(bool /*dram*/) const { return spec_->cost.noc_write_latency_cycles; }

double CostModel::tile_op_cycles(MathFidelity fidelity, uint64_t tiles) const {
    return static_cast<double>(spec_->cost.cycles_for(fidelity)) * static_cast<double>(tiles);
}

double CostModel::tilize_cycles(uint64_t tiles) const {
    return static_cast<double>(spec_->cost.tilize_cycles_per_tile) * static_cast<double>(tiles);
}

double CostModel::pack_cycles(uint64_t tiles) const {
    return static_cast<double>(spec_->cost.pack_cycles_per_tile) * static_cast<double>(tiles);
}

double CostModel::dram_bound_cycles(uint64_t dram_bytes) const {
    return static_cast<double>(dram_bytes) / dram_bytes_per_cycle_;
}

}  // namespace tilesim
