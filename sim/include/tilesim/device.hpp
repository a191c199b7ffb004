#pragma once
// A simulated device: its spec, every worker core's L1 (allocated when first used), the DRAM banks
// (lazily backed) and their allocators. Buffers are created through it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tilesim/buffer.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/memory.hpp"

namespace tilesim {

struct MemoryReport {
    uint64_t l1_size_per_core = 0;
    uint64_t l1_buffers_bytes = 0;  // per core, in lockstep (same on every core)
    uint64_t l1_largest_free = 0;
    uint64_t dram_size = 0;
    uint64_t dram_allocated_bytes = 0;  // across all banks
    uint64_t dram_resident_bytes = 0;   // host memory actually used to back DRAM
    std::string str() const;
};

class Device {
  public:
    explicit Device(DeviceSpec spec);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const DeviceSpec& spec() const { return spec_; }
    CoreCoord compute_with_storage_grid_size() const { return spec_.worker_grid; }
    bool is_worker_core(CoreCoord c) const { return c.x < spec_.worker_grid.x && c.y < spec_.worker_grid.y; }

    std::shared_ptr<Buffer> create_buffer(const BufferConfig& config);

    // A worker core's L1 bytes (l1_size_bytes long); throws for a core outside the worker grid.
    std::byte* l1(CoreCoord core);
    DramBankStorage& dram_bank(uint32_t bank);
    Allocator& l1_allocator() { return l1_allocator_; }      // lockstep over all cores (buffers)
    Allocator& dram_allocator() { return dram_allocator_; }  // lockstep over all banks
    MemoryReport memory_report() const;

  private:
    DeviceSpec spec_;
    Allocator l1_allocator_;
    Allocator dram_allocator_;
    struct L1Unmapper {  // a core's L1 is its own anonymous mapping (see Device::l1)
        uint64_t bytes = 0;
        void operator()(std::byte* p) const;
    };
    std::vector<std::unique_ptr<std::byte[], L1Unmapper>> l1_;
    std::vector<std::unique_ptr<DramBankStorage>> dram_;
    std::mutex l1_mutex_;
};

}  // namespace tilesim
