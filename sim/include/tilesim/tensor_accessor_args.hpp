#pragma once
// Host side of tt-metal's TensorAccessorArgs: the compile-time args a kernel's TensorAccessorArgs<N>()
// reads (one config word: bit 0 sharded, bit 1 DRAM), appended after the kernel's own args.
#include <cstdint>
#include <vector>

#include "tilesim/buffer.hpp"

namespace tilesim {

class TensorAccessorArgs {
  public:
    explicit TensorAccessorArgs(const Buffer& buffer);
    explicit TensorAccessorArgs(const Buffer* buffer) : TensorAccessorArgs(*buffer) {}
    void append_to(std::vector<uint32_t>& compile_time_args) const;
    std::vector<uint32_t> get_compile_time_args() const;

  private:
    uint32_t config_ = 0;
};

}  // namespace tilesim
