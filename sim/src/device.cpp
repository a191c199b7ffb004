#include "tilesim/device.hpp"

#include <sys/mman.h>

#include "tilesim/error.hpp"

namespace tilesim {

Device::Device(DeviceSpec spec)
    : spec_(std::move(spec)),
      l1_allocator_(fmt::format("{} L1 (per core)", spec_.name), spec_.l1_size_bytes, spec_.l1_alignment),
      dram_allocator_(fmt::format("{} DRAM (per bank, {} banks)", spec_.name, spec_.dram_banks),
                      spec_.dram_bank_size_bytes, spec_.dram_alignment),
      l1_(spec_.num_worker_cores()) {
    dram_.reserve(spec_.dram_banks);
    for (uint32_t b = 0; b < spec_.dram_banks; ++b) {
        dram_.push_back(std::make_unique<DramBankStorage>(spec_.dram_bank_size_bytes));
    }
}

Device::~Device() = default;

std::shared_ptr<Buffer> Device::create_buffer(const BufferConfig& config) {
    return std::make_shared<Buffer>(*this, config);
}

void Device::L1Unmapper::operator()(std::byte* p) const {
    munmap(p, bytes);
}

std::byte* Device::l1(CoreCoord core) {
    if (!is_worker_core(core)) {
        fail("core {} is outside the worker grid {}x{} of {}", core, spec_.worker_grid.x, spec_.worker_grid.y,
             spec_.name);
    }
    auto& slot = l1_[core.y * spec_.worker_grid.x + core.x];
    if (!slot) {
        std::lock_guard lock(l1_mutex_);
        // An anonymous mapping: zero pages until touched (a core's L1 costs only the pages used), and
        // page-aligned, so L1 addresses keep their alignment in host memory (calloc's 16-byte offset
        // made every CB page straddle one more cache line than on the device).
        if (!slot) {
            void* p = mmap(nullptr, spec_.l1_size_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                           -1, 0);
            if (p == MAP_FAILED) throw std::bad_alloc();
            slot = std::unique_ptr<std::byte[], L1Unmapper>(static_cast<std::byte*>(p),
                                                            L1Unmapper{spec_.l1_size_bytes});
        }
    }
    return slot.get();
}

DramBankStorage& Device::dram_bank(uint32_t bank) {
    if (bank >= dram_.size())
        fail("DRAM bank {} does not exist ({} has {} banks)", bank, spec_.name, dram_.size());
    return *dram_[bank];
}

MemoryReport Device::memory_report() const {
    MemoryReport r;
    r.l1_size_per_core = spec_.l1_size_bytes;
    r.l1_buffers_bytes = l1_allocator_.used_bytes();
    r.l1_largest_free = l1_allocator_.largest_free_block();
    r.dram_size = spec_.dram_size_bytes();
    r.dram_allocated_bytes = dram_allocator_.used_bytes() * spec_.dram_banks;
    for (const auto& bank : dram_) r.dram_resident_bytes += bank->resident_bytes();
    return r;
}

std::string MemoryReport::str() const {
    return fmt::format(
        "L1: {} of {} bytes per core used by buffers (largest free block {}); DRAM: {} of {} bytes "
        "allocated, {} bytes resident on the host",
        l1_buffers_bytes, l1_size_per_core, l1_largest_free, dram_allocated_bytes, dram_size,
        dram_resident_bytes);
}

}  // namespace tilesim
