#include "tilesim/buffer.hpp"

#include <cstring>

#include "tilesim/device.hpp"
#include "tilesim/error.hpp"

namespace tilesim {

std::string_view to_string(BufferType t) {
    return t == BufferType::DRAM ? "DRAM" : "L1";
}

std::string_view to_string(TensorMemoryLayout l) {
    switch (l) {
        case TensorMemoryLayout::INTERLEAVED:
            return "INTERLEAVED";
        case TensorMemoryLayout::HEIGHT_SHARDED:
            return "HEIGHT_SHARDED";
        case TensorMemoryLayout::WIDTH_SHARDED:
            return "WIDTH_SHARDED";
        case TensorMemoryLayout::BLOCK_SHARDED:
            return "BLOCK_SHARDED";
    }
    return "?";
}

std::vector<CoreCoord> ShardSpec::cores() const {
    return grid.cores(/*row_wise=*/orientation == ShardOrientation::ROW_MAJOR);
}

namespace {
uint32_t round_up(uint32_t v, uint32_t a) {
    return (v + a - 1) / a * a;
}
}  // namespace

Buffer::Buffer(Device& device, const BufferConfig& config) : device_(&device), config_(config) {
    const DeviceSpec& spec = device.spec();
    if (config.page_size == 0) fail("create_buffer: page_size must be > 0, got 0");
    if (config.size == 0) fail("create_buffer: size must be > 0, got 0");
    if (config.size % config.page_size != 0) {
        fail("create_buffer: size {} is not a multiple of page_size {}", config.size, config.page_size);
    }
    const uint64_t pages = config.size / config.page_size;
    if (pages > UINT32_MAX) fail("create_buffer: {} pages is more than 2^32-1", pages);
    num_pages_ = static_cast<uint32_t>(pages);
    aligned_page_size_ =
        round_up(config.page_size, config.type == BufferType::DRAM ? spec.dram_alignment : spec.l1_alignment);
    switch (config.layout) {
        case TensorMemoryLayout::INTERLEAVED: {
            if (config.shard) fail("create_buffer: an INTERLEAVED buffer takes no shard spec");
            if (config.type == BufferType::DRAM) {
                const uint64_t per_bank = (uint64_t(num_pages_) + spec.dram_banks - 1) / spec.dram_banks;
                address_ = device.dram_allocator().allocate(per_bank * aligned_page_size_);
            } else {
                for (uint32_t y = 0; y < spec.worker_grid.y; ++y) {
                    for (uint32_t x = 0; x < spec.worker_grid.x; ++x) l1_bank_cores_.push_back({x, y});
                }
                const uint64_t per_bank =
                    (uint64_t(num_pages_) + l1_bank_cores_.size() - 1) / l1_bank_cores_.size();
                address_ = device.l1_allocator().allocate(per_bank * aligned_page_size_, /*top_down=*/true);
            }
            break;
        }
        case TensorMemoryLayout::HEIGHT_SHARDED: {
            if (config.type != BufferType::L1)
                fail("create_buffer: HEIGHT_SHARDED buffers live in L1, got DRAM");
            if (!config.shard) fail("create_buffer: a HEIGHT_SHARDED buffer needs a shard spec");
            const ShardSpec& s = *config.shard;
            if (s.shape[0] == 0) fail("create_buffer: shard height must be > 0 pages, got 0");
            for (const CoreRange& r : s.grid.ranges()) {
                if (!device.is_worker_core(r.end)) {
                    fail("create_buffer: shard grid {} reaches outside the worker grid {}x{}", s.grid,
                         spec.worker_grid.x, spec.worker_grid.y);
                }
            }
            shard_cores_ = s.cores();
            const uint64_t shards = (uint64_t(num_pages_) + s.shape[0] - 1) / s.shape[0];
            if (shards > shard_cores_.size()) {
                fail("create_buffer: {} pages in shards of {} need {} cores, the shard grid {} has {}",
                     num_pages_, s.shape[0], shards, s.grid, shard_cores_.size());
            }
            address_ =
                device.l1_allocator().allocate(uint64_t(s.shape[0]) * aligned_page_size_, /*top_down=*/true);
            break;
        }
        default:
            fail(
                "create_buffer: memory layout {} is not supported; supported: INTERLEAVED (DRAM or L1), "
                "HEIGHT_SHARDED (L1)",
                to_string(config.layout));
    }
}

Buffer::~Buffer() {
    try {
        if (config_.type == BufferType::DRAM)
            device_->dram_allocator().free(address_);
        else
            device_->l1_allocator().free(address_);
    } catch (...) {  // never throw from a destructor
    }
}

uint32_t Buffer::pages_per_shard() const {
    return config_.shard ? config_.shard->shape[0] : 0;
}

PageLocation Buffer::page_location(uint32_t page) const {
    if (page >= num_pages_) fail("{}: page {} out of range (buffer has {} pages)", str(), page, num_pages_);
    PageLocation loc{config_.type, 0, {}, 0};
    if (config_.layout == TensorMemoryLayout::HEIGHT_SHARDED) {
        const uint32_t rows = config_.shard->shape[0];
        loc.core = shard_cores_[page / rows];
        loc.address = address_ + uint64_t(page % rows) * aligned_page_size_;
    } else if (config_.type == BufferType::DRAM) {
        const uint32_t banks = device_->spec().dram_banks;
        loc.bank = page % banks;
        loc.address = address_ + uint64_t(page / banks) * aligned_page_size_;
    } else {
        const auto banks = static_cast<uint32_t>(l1_bank_cores_.size());
        loc.core = l1_bank_cores_[page % banks];
        loc.address = address_ + uint64_t(page / banks) * aligned_page_size_;
    }
    return loc;
}

void Buffer::write_page(uint32_t page, std::span<const std::byte> data) {
    if (data.size() > config_.page_size)
        fail("{}: write of {} bytes into a {}-byte page", str(), data.size(), config_.page_size);
    const PageLocation loc = page_location(page);
    if (loc.type == BufferType::DRAM)
        device_->dram_bank(loc.bank).write(loc.address, data.data(), data.size());
    else
        std::memcpy(device_->l1(loc.core) + loc.address, data.data(), data.size());
}

void Buffer::read_page(uint32_t page, std::span<std::byte> data) const {
    if (data.size() > config_.page_size)
        fail("{}: read of {} bytes from a {}-byte page", str(), data.size(), config_.page_size);
    const PageLocation loc = page_location(page);
    if (loc.type == BufferType::DRAM)
        device_->dram_bank(loc.bank).read(loc.address, data.data(), data.size());
    else
        std::memcpy(data.data(), device_->l1(loc.core) + loc.address, data.size());
}

void Buffer::write(std::span<const std::byte> data) {
    if (data.size() != config_.size)
        fail("{}: write of {} bytes, expected {}", str(), data.size(), config_.size);
    for (uint32_t p = 0; p < num_pages_; ++p)
        write_page(p, data.subspan(uint64_t(p) * config_.page_size, config_.page_size));
}

void Buffer::read(std::span<std::byte> data) const {
    if (data.size() != config_.size)
        fail("{}: read of {} bytes, expected {}", str(), data.size(), config_.size);
    for (uint32_t p = 0; p < num_pages_; ++p)
        read_page(p, data.subspan(uint64_t(p) * config_.page_size, config_.page_size));
}

std::string Buffer::str() const {
    return fmt::format("{} {} buffer at {:#x} ({} pages of {} bytes)", to_string(config_.layout),
                       to_string(config_.type), address_, num_pages_, config_.page_size);
}

}  // namespace tilesim
