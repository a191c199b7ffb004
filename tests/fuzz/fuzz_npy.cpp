// libFuzzer target: the .npy reader must refuse any malformed file with InvalidArgument, never crash,
// hang or allocate what the header claims before checking it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "tilesim/error.hpp"
#include "tilesim/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const tilesim::Tensor t =
            tilesim::parse_npy({reinterpret_cast<const std::byte*>(data), size}, "fuzz");
        (void)t.to_floats();
    } catch (const tilesim::InvalidArgument&) {
    }
    return 0;
}
