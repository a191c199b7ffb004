#pragma once
// The timing model: a cost model, not cycle accuracy. Kept apart from the functional model (the runtime
// asks it what an action costs; it never touches data). Every constant comes from the DeviceSpec; the
// constants, formulas and what is left out are documented in docs/cost-model.md.
#include <cstdint>
#include <vector>
#include <span>

#include "tilesim/device_spec.hpp"

namespace tilesim {

// The matrix engine's operations, as the cost model prices them.
enum class MathOp {
    Datacopy,   // copy_tile: a tile to DEST
    AddSub,     // add_tiles, sub_tiles
    Mul,        // mul_tiles, mul_tiles_bcast_scalar
    ReduceSum,  // reduce_tile SUM / AVG (a multiply by the scaler)
    ReduceMax,  // reduce_tile MAX
    Matmul,     // a 32x32x32 multiply-accumulate
    SfpuUnary,  // abs_tile and other SFPU operations on a DEST tile: at the eltwise rate (no published
                // figure)
};
const char* to_string(MathOp op);

class CostModel {
  public:
    // `active_cores`: cores that move data in this program; they share the chip's DRAM bandwidth.
    CostModel(const DeviceSpec& spec, uint32_t active_cores);

    // What one transfer of this kernel costs (docs/cost-model.md, "NoC transfers"): a read or a write,
    // to/from DRAM or another core's L1. Its rate is the device's per-core cap for that kind, no more than
    // the NoC link, and for DRAM no more than this core's share of the chip's DRAM bandwidth.
    TransferCost transfer(bool read, bool dram) const;
    // A multicast write to `destinations` cores (`linked`: tt-metal's linked flag).
    TransferCost multicast(uint32_t destinations, bool linked) const;
    // How long one transfer of `bytes` holds the kernel's request port: max(issue, bytes / rate).
    static double port_cycles(const TransferCost& t, uint64_t bytes);
    // Flight time of a semaphore signal (an L1 write of one word).
    double signal_latency() const { return spec_->cost.l1_write.latency_cycles; }
    // One math operation on `tiles` tiles in DEST at a math fidelity (docs/cost-model.md, "Compute");
    // unpack/tilize and pack per tile.
    double math_cycles(MathOp op, MathFidelity fidelity, uint64_t tiles) const;
    double tilize_cycles(uint64_t tiles) const;
    double pack_cycles(uint64_t tiles) const;
    double cb_call_cycles() const { return cb_call_cycles_; }
    // The whole program cannot finish before all its DRAM bytes have crossed the chip's DRAM interface.
    double dram_bound_cycles(uint64_t dram_bytes) const;
    double dram_bytes_per_cycle() const { return dram_bytes_per_cycle_; }
    double dram_bytes_per_cycle_per_core() const { return dram_bytes_per_cycle_per_core_; }
    double noc_bytes_per_cycle() const { return noc_bytes_per_cycle_; }

  private:
    const DeviceSpec* spec_;
    double noc_bytes_per_cycle_;
    TransferCost dram_read_, dram_write_, l1_read_, l1_write_;
    double dram_bytes_per_cycle_;
    double dram_bytes_per_cycle_per_core_;
    double cb_call_cycles_;
};

// The occupancy of one CB over *simulated* time: the most pages pushed and not yet popped at any simulated
// instant. Host threads run kernels in any order, so counting pages at push time on the host would give a
// number that changes with the thread count; merging the push and pop clocks (each sorted, as one producer
// and one consumer stamp them in page order) does not. Only the consumer feeds it (no locking): it learns
// the push clocks of the pages it waited for and stamps its own pops; `finish` adds pages never popped.
class CbOccupancyTracker {
  public:
    // The consumer waited for pages up to (not including) `end_page`; `push_clock` is the CB's ring of
    // push clocks (slot = page % ring size), valid for every page pushed and not yet popped.
    void learn_pushes(uint64_t end_page, std::span<const double> push_clock);
    // The consumer popped `pages` pages at simulated clock `t`.
    void popped(uint64_t pages, double t);
    // End of the run: pages [pushes known, total_pushed) were never waited for; they count from their
    // push clocks on. Returns the high-water mark.
    uint32_t finish(uint64_t total_pushed, std::span<const double> push_clock);
    uint32_t high_water() const { return high_water_; }

  private:
    // Clocks not merged yet, in page order: a vector read from `head` (no allocation per page, as a
    // deque's block churn was in the profile of every CB handoff).
    struct ClockQueue {
        std::vector<double> clocks;
        size_t head = 0;
        bool empty() const { return head == clocks.size(); }
        double front() const { return clocks[head]; }
        void push(double t, uint64_t count = 1) { clocks.insert(clocks.end(), count, t); }
        void pop() {
            if (++head == clocks.size()) {
                clocks.clear();
                head = 0;
            } else if (head >= 4096 && head * 2 >= clocks.size()) {
                clocks.erase(clocks.begin(), clocks.begin() + static_cast<std::ptrdiff_t>(head));
                head = 0;
            }
        }
    };
    void merge(bool final_pass);
    void merge_when_long();
    ClockQueue pushes_, pops_;
    uint64_t pushes_known_ = 0;  // pages whose push clock was learned
    uint64_t merged_pushes_ = 0, merged_pops_ = 0;
    uint32_t high_water_ = 0;
};

}  // namespace tilesim
