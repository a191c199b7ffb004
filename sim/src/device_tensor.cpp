#include "tilesim/device_tensor.hpp"

#include <cstring>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "tilesim/error.hpp"

namespace tilesim {

namespace {
uint32_t natural_page(const Shape& shape, DataType dtype, Layout layout, const TileShape& tile) {
    if (layout == Layout::TILE) {
        const uint32_t values = tile.height * tile.width;
        return dtype == DataType::Bfp8_b ? static_cast<uint32_t>(bfp8_bytes_for(values))
                                         : values * element_size(dtype);
    }
    return shape.back() * element_size(dtype);
}

DeviceTensor allocate(const Shape& shape, DataType dtype, Layout layout, Device& device,
                      const MemoryConfig& config, uint32_t page_size, uint64_t num_pages, uint32_t natural) {
    if (shape.rank() == 0 || shape.volume() == 0) fail("to_device: tensor shape {} has no elements", shape);
    if (page_size == 0) page_size = natural;
    if (page_size < natural)
        fail("to_device: page_size {} is smaller than one stick/tile ({} bytes)", page_size, natural);
    if (config.memory_layout != TensorMemoryLayout::INTERLEAVED && layout != Layout::ROW_MAJOR) {
        fail("to_device: sharded tensors must be ROW_MAJOR (one page per stick), got {}", layout);
    }
    BufferConfig bc{num_pages * page_size, page_size, config.buffer_type, config.memory_layout,
                    config.shard_spec};
    DeviceTensor t;
    t.buffer = device.create_buffer(bc);
    t.shape = shape;
    t.dtype = dtype;
    t.layout = layout;
    t.stick_bytes = natural;
    return t;
}
}  // namespace

namespace {
// Pages never overlap (and DRAM bank chunks are created with a compare-exchange): copy ranges of them on
// oneTBB's threads, in chunks large enough that small tensors stay on the calling thread.
template <class Body>
void for_each_page_range(uint64_t num_pages, Body body) {
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<uint64_t>(0, num_pages, 1024),
                              [&](const auto& r) { body(r.begin(), r.end()); });
}
}  // namespace

DeviceTensor allocate_on_device(const Shape& shape, DataType dtype, Device& device,
                                const MemoryConfig& config, uint32_t page_size) {
    check_device_data_type(dtype, "allocate_on_device");
    if (dtype == DataType::Bfp8_b)
        fail("allocate_on_device: Bfp8_b needs TILE layout; ROW_MAJOR tensors take Float32 or BFloat16");
    const uint32_t natural = natural_page(shape, dtype, Layout::ROW_MAJOR, {});
    return allocate(shape, dtype, Layout::ROW_MAJOR, device, config, page_size, shape.volume() / shape.back(),
                    natural);
}

DeviceTensor to_device(const Tensor& tensor, Device& device, const MemoryConfig& config, uint32_t page_size) {
    check_device_data_type(tensor.dtype(), "to_device");  // a Float16 host tensor: convert it first
    const Shape& storage = tensor.layout() == Layout::TILE ? tensor.padded_shape() : tensor.shape();
    const uint32_t natural = natural_page(storage, tensor.dtype(), tensor.layout(), tensor.tile());
    const uint64_t num_pages = tensor.bytes().size() / natural;
    DeviceTensor t = allocate(tensor.shape(), tensor.dtype(), tensor.layout(), device, config, page_size,
                              num_pages, natural);
    const auto bytes = tensor.bytes();
    const bool padded = t.buffer->page_size() != natural;
    for_each_page_range(num_pages, [&](uint64_t begin, uint64_t end) {
        std::vector<std::byte> page(padded ? t.buffer->page_size()
                                           : 0);  // padded pages: zeros after the data
        for (uint64_t p = begin; p < end; ++p) {
            if (!padded) {  // pages are the tensor's sticks/tiles as they are
                t.buffer->write_page(static_cast<uint32_t>(p), bytes.subspan(p * natural, natural));
                continue;
            }
            std::memcpy(page.data(), bytes.data() + p * natural, natural);
            t.buffer->write_page(static_cast<uint32_t>(p), page);
        }
    });
    return t;
}

Tensor from_device(const DeviceTensor& t) {
    Tensor out = Tensor::uninitialized(t.shape, t.dtype, t.layout);  // every page is read into it
    auto bytes = out.bytes();
    const uint64_t num_pages = bytes.size() / t.stick_bytes;
    // read_page reads a page's leading bytes: only the data, none of the padding.
    for_each_page_range(num_pages, [&](uint64_t begin, uint64_t end) {
        for (uint64_t p = begin; p < end; ++p)
            t.buffer->read_page(static_cast<uint32_t>(p), bytes.subspan(p * t.stick_bytes, t.stick_bytes));
    });
    return out;
}

}  // namespace tilesim
