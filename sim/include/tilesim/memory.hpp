#pragma once
// Storage and allocators of the simulated memories: an aligned first-fit allocator (used for L1 and for
// DRAM, where allocations are in lockstep across banks as in tt-metal) and lazily backed DRAM banks, so a
// 12 GB device costs only what is written.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tilesim {

// First-fit allocator over [0, size). Addresses are multiples of `alignment`.
class Allocator {
  public:
    Allocator(std::string name, uint64_t size, uint32_t alignment);
    // Lowest (bottom_up) or highest (top-down) free block that fits. Throws OutOfMemory naming the
    // allocator, the requested and the free bytes.
    uint64_t allocate(uint64_t size, bool top_down = false);
    void free(uint64_t address);  // throws InvalidArgument for an address that was not allocated
    uint64_t size() const { return size_; }
    uint64_t used_bytes() const;
    uint64_t free_bytes() const { return size_ - used_bytes(); }
    uint64_t largest_free_block() const;
    // Lowest allocated address, or size() when nothing is allocated.
    uint64_t lowest_allocated_address() const;
    const std::string& name() const { return name_; }

  private:
    std::string name_;
    uint64_t size_;
    uint32_t alignment_;
    std::map<uint64_t, uint64_t> allocated_;  // address -> aligned size
    mutable std::mutex mutex_;
};

// One DRAM bank's bytes, backed by 64 KiB chunks created on first write; reads of untouched chunks
// return zeros without allocating. Thread-safe for concurrent access to distinct or equal chunks.
class DramBankStorage {
  public:
    explicit DramBankStorage(uint64_t size);
    ~DramBankStorage();
    DramBankStorage(const DramBankStorage&) = delete;
    DramBankStorage& operator=(const DramBankStorage&) = delete;
    void read(uint64_t address, void* dst, uint64_t bytes) const;
    void write(uint64_t address, const void* src, uint64_t bytes);
    uint64_t size() const { return size_; }
    uint64_t resident_bytes() const;  // chunks materialised so far

    static constexpr uint64_t kChunkBytes = 64 * 1024;

  private:
    std::byte* chunk_for_write(uint64_t index);
    uint64_t size_;
    std::unique_ptr<std::atomic<std::byte*>[]> chunks_;
    uint64_t num_chunks_;
};

}  // namespace tilesim
