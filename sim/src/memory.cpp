#include "tilesim/memory.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "tilesim/error.hpp"

namespace tilesim {

namespace {
uint64_t round_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}
}  // namespace

Allocator::Allocator(std::string name, uint64_t size, uint32_t alignment)
    : name_(std::move(name)), size_(size), alignment_(alignment) {}

uint64_t Allocator::allocate(uint64_t size, bool top_down) {
    if (size == 0) fail("{}: cannot allocate 0 bytes", name_);
    const uint64_t need = round_up(size, alignment_);
    std::lock_guard lock(mutex_);
    // Walk the gaps between allocations (first fit from the chosen end).
    std::vector<std::pair<uint64_t, uint64_t>> gaps;  // [begin, end)
    uint64_t cursor = 0;
    for (const auto& [addr, len] : allocated_) {
        if (addr > cursor) gaps.emplace_back(cursor, addr);
        cursor = addr + len;
    }
    if (cursor < size_) gaps.emplace_back(cursor, size_);
    if (top_down) std::reverse(gaps.begin(), gaps.end());
    for (const auto& [begin, end] : gaps) {
        if (end - begin < need) continue;
        const uint64_t addr = top_down ? (end - need) / alignment_ * alignment_ : begin;
        if (addr < begin) continue;
        allocated_.emplace(addr, need);
        return addr;
    }
    uint64_t used = 0, largest = 0;
    for (const auto& [addr, len] : allocated_) used += len;
    for (const auto& [b, e] : gaps) largest = std::max(largest, e - b);
    throw OutOfMemory(
        fmt::format("{}: out of memory: requested {} bytes ({} aligned to {}), {} of {} bytes free, "
                    "largest free block {} bytes",
                    name_, size, need, alignment_, size_ - used, size_, largest));
}

void Allocator::free(uint64_t address) {
    std::lock_guard lock(mutex_);
    if (allocated_.erase(address) == 0)
        fail("{}: free of address {:#x}, which is not allocated", name_, address);
}

uint64_t Allocator::used_bytes() const {
    std::lock_guard lock(mutex_);
    uint64_t used = 0;
    for (const auto& [addr, len] : allocated_) used += len;
    return used;
}

uint64_t Allocator::largest_free_block() const {
    std::lock_guard lock(mutex_);
    uint64_t cursor = 0, largest = 0;
    for (const auto& [addr, len] : allocated_) {
        largest = std::max(largest, addr - cursor);
        cursor = addr + len;
    }
    return std::max(largest, size_ - cursor);
}

uint64_t Allocator::lowest_allocated_address() const {
    std::lock_guard lock(mutex_);
    return allocated_.empty() ? size_ : allocated_.begin()->first;
}

DramBankStorage::DramBankStorage(uint64_t size)
    : size_(size), num_chunks_((size + kChunkBytes - 1) / kChunkBytes) {
    chunks_ = std::make_unique<std::atomic<std::byte*>[]>(num_chunks_);
    for (uint64_t i = 0; i < num_chunks_; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
}

namespace {
// Chunks start on a page: a page of the bank then never straddles two host cache lines more than it must
// (malloc's 16-byte alignment made every 256-byte stick touch five lines instead of four).
constexpr std::align_val_t kChunkAlignment{4096};
void free_chunk(std::byte* chunk) {
    ::operator delete(chunk, kChunkAlignment);
}
}  // namespace

DramBankStorage::~DramBankStorage() {
    for (uint64_t i = 0; i < num_chunks_; ++i) {
        if (std::byte* chunk = chunks_[i].load(std::memory_order_relaxed)) free_chunk(chunk);
    }
}

std::byte* DramBankStorage::chunk_for_write(uint64_t index) {
    std::byte* p = chunks_[index].load(std::memory_order_acquire);
    if (p) return p;
    auto* fresh = static_cast<std::byte*>(::operator new(kChunkBytes, kChunkAlignment));
    std::memset(fresh, 0, kChunkBytes);  // unwritten DRAM reads as zeros
    if (chunks_[index].compare_exchange_strong(p, fresh, std::memory_order_acq_rel)) return fresh;
    free_chunk(fresh);  // another thread created it first
    return p;
}

void DramBankStorage::read(uint64_t address, void* dst, uint64_t bytes) const {
    auto* out = static_cast<std::byte*>(dst);
    while (bytes > 0) {
        const uint64_t index = address / kChunkBytes, offset = address % kChunkBytes;
        const uint64_t n = std::min(bytes, kChunkBytes - offset);
        const std::byte* chunk = chunks_[index].load(std::memory_order_acquire);
        if (chunk)
            std::memcpy(out, chunk + offset, n);
        else
            std::memset(out, 0, n);
        out += n;
        address += n;
        bytes -= n;
    }
}

void DramBankStorage::write(uint64_t address, const void* src, uint64_t bytes) {
    const auto* in = static_cast<const std::byte*>(src);
    while (bytes > 0) {
        const uint64_t index = address / kChunkBytes, offset = address % kChunkBytes;
        const uint64_t n = std::min(bytes, kChunkBytes - offset);
        std::memcpy(chunk_for_write(index) + offset, in, n);
        in += n;
        address += n;
        bytes -= n;
    }
}

uint64_t DramBankStorage::resident_bytes() const {
    uint64_t n = 0;
    for (uint64_t i = 0; i < num_chunks_; ++i)
        n += chunks_[i].load(std::memory_order_relaxed) ? kChunkBytes : 0;
    return n;
}

}  // namespace tilesim
