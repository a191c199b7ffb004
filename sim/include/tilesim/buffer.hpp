#pragma once
// Device buffers, as in tt-metal: a device allocation with a page size and a memory layout.
//  INTERLEAVED: page i lives in bank i % banks at address + (i / banks) * aligned_page_size (DRAM banks,
//    or for L1 buffers one bank per worker core, cores in row-major order).
//  HEIGHT_SHARDED (L1): a ShardSpec puts consecutive blocks of `shard rows` pages (one page = one row)
//    in consecutive cores of the shard grid, in the spec's orientation.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tilesim/core_coord.hpp"

namespace tilesim {

class Device;

enum class BufferType { DRAM, L1 };
enum class TensorMemoryLayout { INTERLEAVED, HEIGHT_SHARDED, WIDTH_SHARDED, BLOCK_SHARDED };
enum class ShardOrientation { ROW_MAJOR, COL_MAJOR };
std::string_view to_string(BufferType t);
std::string_view to_string(TensorMemoryLayout l);

struct ShardSpec {
    CoreRangeSet grid;
    std::array<uint32_t, 2> shape{0, 0};  // {rows (pages), columns (elements)} of one shard
    ShardOrientation orientation = ShardOrientation::ROW_MAJOR;
    // Cores holding shards 0, 1, ... in order: row-major orientation walks each range row by row,
    // column-major walks columns (as tt-metal's corerange_to_cores).
    std::vector<CoreCoord> cores() const;
};

struct BufferConfig {
    uint64_t size = 0;       // bytes (num_pages * page_size)
    uint32_t page_size = 0;  // bytes of one page as seen by kernels
    BufferType type = BufferType::DRAM;
    TensorMemoryLayout layout = TensorMemoryLayout::INTERLEAVED;
    std::optional<ShardSpec> shard;  // required for HEIGHT_SHARDED
};

struct PageLocation {
    BufferType type;
    uint32_t bank = 0;     // DRAM bank (type == DRAM)
    CoreCoord core;        // L1 core (type == L1)
    uint64_t address = 0;  // byte offset in that bank / core's L1
};

class Buffer {
  public:
    Buffer(Device& device, const BufferConfig& config);  // use Device::create_buffer
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    Device& device() const { return *device_; }
    uint32_t address() const { return static_cast<uint32_t>(address_); }
    uint64_t size() const { return config_.size; }
    uint32_t page_size() const { return config_.page_size; }
    // Page size rounded up to the buffer type's alignment: the stride between a bank's pages.
    uint32_t aligned_page_size() const { return aligned_page_size_; }
    uint32_t num_pages() const { return num_pages_; }
    BufferType buffer_type() const { return config_.type; }
    TensorMemoryLayout buffer_layout() const { return config_.layout; }
    bool is_dram() const { return config_.type == BufferType::DRAM; }
    const std::optional<ShardSpec>& shard_spec() const { return config_.shard; }
    // For a sharded buffer: the cores holding shards, in shard order.
    const std::vector<CoreCoord>& shard_cores() const { return shard_cores_; }
    uint32_t pages_per_shard() const;

    PageLocation page_location(uint32_t page) const;
    void write_page(uint32_t page, std::span<const std::byte> data);  // data.size() <= page_size
    void read_page(uint32_t page, std::span<std::byte> data) const;
    // All pages, concatenated without padding (size() bytes).
    void write(std::span<const std::byte> data);
    void read(std::span<std::byte> data) const;
    std::string str() const;

  private:
    Device* device_;
    BufferConfig config_;
    uint64_t address_ = 0;
    uint32_t aligned_page_size_ = 0;
    uint32_t num_pages_ = 0;
    std::vector<CoreCoord> shard_cores_;
    std::vector<CoreCoord> l1_bank_cores_;
};

}  // namespace tilesim
