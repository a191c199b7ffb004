#include "tilesim/tensor_accessor_args.hpp"

#include "tilesim/error.hpp"

namespace tilesim {

TensorAccessorArgs::TensorAccessorArgs(const Buffer& buffer) {
    if (buffer.buffer_layout() != TensorMemoryLayout::INTERLEAVED) {
        fail("TensorAccessorArgs: buffer at {:#x} is {}; tilesim's TensorAccessor covers interleaved buffers",
             buffer.address(), to_string(buffer.buffer_layout()));
    }
    config_ = buffer.buffer_type() == BufferType::DRAM ? 2u : 0u;  // tt-metal ArgConfig::IsDram
}

void TensorAccessorArgs::append_to(std::vector<uint32_t>& compile_time_args) const {
    compile_time_args.push_back(config_);
}

std::vector<uint32_t> TensorAccessorArgs::get_compile_time_args() const {
    return {config_};
}

}  // namespace tilesim
