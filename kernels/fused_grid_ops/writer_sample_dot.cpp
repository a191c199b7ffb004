// sample_dot writer: per unit (b, hd, q), per group of up to 32 depth samples, the compute kernel packs a
// tile whose column 0 holds the group's dot products (row r = sample r). The writer gathers column 0 into
// the start of the same CB page (element (r, 0) of a tile in face order lies at or after position r, so an
// ascending in-place copy is safe) and writes those values to the unit's output stick at the group's offset.
#include <algorithm>
#include <cstdint>

#include "kernels/deformable_aggregation/sampling_layout.hpp"
#include "kernels/fused_grid_ops/fused_grid_layout.hpp"

using namespace sampling_kernels;
using namespace fused_grid_kernels;

namespace {

// Element (r, 0) of the tile at `tile` to element r, for r < n.
template <class T>
void gather_column0(uint32_t tile, uint32_t n) {
    volatile tt_l1_ptr T* values = reinterpret_cast<volatile tt_l1_ptr T*>(tile);
    for (uint32_t r = 0; r < n; ++r) values[r] = values[(r / 16) * 512 + (r % 16) * 16];  // face 0 or 2
}

}  // namespace

void kernel_main() {
    // Runtime args: 0 output address, 1 number of units, 2 first unit (= output page).
    // Compile-time args: see SampleDotArg.
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_units = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    constexpr uint32_t depth = get_compile_time_arg_val(kDotDepth);
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(kDotOutputStickBytes);
    const bool fp32 = get_dataformat(kOutputCb) == DataFormat::Float32;
    const uint32_t esize = fp32 ? 4 : 2;
    const InterleavedAddrGen<true> out{.bank_base_address = out_addr, .page_size = stick_bytes};
    for (uint32_t u = start; u < start + num_units; ++u) {
        for (uint32_t first = 0; first < depth; first += kSamplesPerDotBlock) {
            const uint32_t n = std::min(kSamplesPerDotBlock, depth - first);
            cb_wait_front(kOutputCb, 1);
            if (fp32) {
                gather_column0<uint32_t>(get_read_ptr(kOutputCb), n);
            } else {
                gather_column0<uint16_t>(get_read_ptr(kOutputCb), n);
            }
            noc_async_write(get_read_ptr(kOutputCb), get_noc_addr(u, out, first * esize), n * esize);
            noc_async_write_barrier();
            cb_pop_front(kOutputCb, 1);
        }
    }
}
