#include "tilesim/cost_model.hpp"

#include <algorithm>

namespace tilesim {

CostModel::CostModel(const DeviceSpec& spec, uint32_t active_cores)
    : spec_(&spec),
      noc_bytes_per_cycle_(spec.cost.noc_bytes_per_cycle),
      // GB/s over cycles/s: bytes per AI-clock cycle for the whole chip.
      dram_bytes_per_cycle_(spec.cost.dram_achieved_gb_per_s * 1e9 / (spec.clock_mhz * 1e6)),
      dram_bytes_per_cycle_per_core_(dram_bytes_per_cycle_ / std::max<uint32_t>(1, active_cores)),
      cb_call_cycles_(spec.cost.cb_call_cycles) {
    // Each kind's rate, capped by the NoC link and (DRAM) by this core's share of the chip.
    auto capped = [&](TransferCost t, bool dram) {
        t.bytes_per_cycle = std::min(t.bytes_per_cycle, noc_bytes_per_cycle_);
        if (dram) t.bytes_per_cycle = std::min(t.bytes_per_cycle, dram_bytes_per_cycle_per_core_);
        return t;
    };
    dram_read_ = capped(spec.cost.dram_read, true);
    dram_write_ = capped(spec.cost.dram_write, true);
    l1_read_ = capped(spec.cost.l1_read, false);
    l1_write_ = capped(spec.cost.l1_write, false);
}

TransferCost CostModel::transfer(bool read, bool dram) const {
    return dram ? (read ? dram_read_ : dram_write_) : (read ? l1_read_ : l1_write_);
}

TransferCost CostModel::multicast(uint32_t destinations, bool linked) const {
    TransferCost t = spec_->cost.multicast.at(destinations, linked);
    t.bytes_per_cycle = std::min(t.bytes_per_cycle, noc_bytes_per_cycle_);
    return t;
}

double CostModel::port_cycles(const TransferCost& t, uint64_t bytes) {
    return std::max(t.issue_cycles, static_cast<double>(bytes) / t.bytes_per_cycle);
}

const char* to_string(MathOp op) {
    switch (op) {
        case MathOp::Datacopy:
            return "datacopy";
        case MathOp::AddSub:
            return "eltwise add/sub";
        case MathOp::Mul:
            return "eltwise mul";
        case MathOp::ReduceSum:
            return "reduce sum";
        case MathOp::ReduceMax:
            return "reduce max";
        case MathOp::Matmul:
            return "matmul";
        case MathOp::SfpuUnary:
            return "sfpu unary";
    }
    return "?";
}

double CostModel::math_cycles(MathOp op, MathFidelity fidelity, uint64_t tiles) const {
    const MatrixEngineCost& m = spec_->cost.matrix_engine;
    constexpr double kTileValues = 32 * 32;
    const double phases = MatrixEngineCost::phases(fidelity);
    double per_tile = 0;
    switch (op) {
        case MathOp::Datacopy:
        case MathOp::AddSub:
        case MathOp::SfpuUnary:
            per_tile = kTileValues / m.eltwise_values_per_cycle;
            break;
        case MathOp::Mul:
            per_tile = phases * kTileValues / m.eltwise_values_per_cycle;
            break;
        case MathOp::ReduceSum:
            per_tile = phases * kTileValues / m.reduce_values_per_cycle;
            break;
        case MathOp::ReduceMax:
            per_tile = kTileValues / m.reduce_values_per_cycle;
            break;
        case MathOp::Matmul:
            per_tile = m.matmul_cycles(fidelity);
            break;
    }
    return per_tile * static_cast<double>(tiles);
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

// ---- CB occupancy in simulated time ---------------------------------------------------------------------

void CbOccupancyTracker::learn_pushes(uint64_t end_page, std::span<const double> push_clock) {
    if (push_clock.empty()) return;
    for (; pushes_known_ < end_page; ++pushes_known_)
        pushes_.push(push_clock[pushes_known_ % push_clock.size()]);
    merge_when_long();
}

void CbOccupancyTracker::popped(uint64_t pages, double t) {
    pops_.push(t, pages);
    merge_when_long();
}

// Merging after every call cost more than the handoff itself; merging in batches gives the same result
// (the replay only depends on the two sorted sequences) and bounds the memory.
void CbOccupancyTracker::merge_when_long() {
    constexpr size_t kBatch = 256;
    if (pushes_.clocks.size() - pushes_.head >= kBatch || pops_.clocks.size() - pops_.head >= kBatch)
        merge(false);
}

uint32_t CbOccupancyTracker::finish(uint64_t total_pushed, std::span<const double> push_clock) {
    learn_pushes(total_pushed, push_clock);
    merge(true);
    return high_water_;
}

// Replays push and pop events in simulated-time order. A pop and a push at the same clock count the pop
// first: the producer's reservation waited for that pop, so the page slot was free when it pushed. An
// event is replayed only once the next event of the other kind is known (its clock could be earlier),
// except in the final pass, when no further events will come.
void CbOccupancyTracker::merge(bool final_pass) {
    for (;;) {
        const bool have_push = !pushes_.empty(), have_pop = !pops_.empty();
        bool take_push;
        if (have_push && have_pop) {
            take_push = pushes_.front() < pops_.front();
        } else if (final_pass && (have_push || have_pop)) {
            take_push = have_push;
        } else {
            return;
        }
        if (take_push) {
            pushes_.pop();
            ++merged_pushes_;
            // (with checks off a kernel may pop pages it never waited for: never count below zero)
            if (merged_pushes_ > merged_pops_) {
                high_water_ = std::max(high_water_, static_cast<uint32_t>(merged_pushes_ - merged_pops_));
            }
        } else {
            pops_.pop();
            ++merged_pops_;
        }
    }
}

}  // namespace tilesim
