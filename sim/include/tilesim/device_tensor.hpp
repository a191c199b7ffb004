#pragma once
// Tensors on the device: to_device puts a host tensor in a buffer (interleaved in DRAM or L1, or
// height-sharded in L1), from_device reads it back.
//  ROW_MAJOR: one page per stick (the last dim); `page_size` may pad each page (e.g. to whole faces).
//  TILE: one page per tile, in the tensor's data format.
#include <cstdint>
#include <memory>
#include <optional>

#include "tilesim/buffer.hpp"
#include "tilesim/device.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim {

struct MemoryConfig {
    TensorMemoryLayout memory_layout = TensorMemoryLayout::INTERLEAVED;
    BufferType buffer_type = BufferType::DRAM;
    std::optional<ShardSpec> shard_spec;  // HEIGHT_SHARDED: shard shape in pages (sticks) x elements
};

struct DeviceTensor {
    std::shared_ptr<Buffer> buffer;
    Shape shape;
    DataType dtype = DataType::Float32;
    Layout layout = Layout::ROW_MAJOR;
    uint32_t stick_bytes = 0;  // ROW_MAJOR: bytes of data in one page (last dim x element size)
    uint32_t num_sticks() const { return buffer->num_pages(); }
};

// `page_size` 0: the natural page (stick or tile). A larger page_size pads each ROW_MAJOR page.
DeviceTensor to_device(const Tensor& tensor, Device& device, const MemoryConfig& config = {},
                       uint32_t page_size = 0);
// An uninitialised device tensor of the given shape (e.g. an op's output).
DeviceTensor allocate_on_device(const Shape& shape, DataType dtype, Device& device,
                                const MemoryConfig& config = {}, uint32_t page_size = 0);
Tensor from_device(const DeviceTensor& tensor);

}  // namespace tilesim
