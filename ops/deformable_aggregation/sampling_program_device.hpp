#pragma once
// What the simulated programs of deformable_aggregation, sample_sum and sample_dot share: their options,
// the description of the program a factory built (work split, CBs, kernels), and the host-side pieces
// every factory uses (row geometry of the blocks, CB creation, the weighted row-sum compute and writer
// kernels). Kernels: kernels/deformable_aggregation/ (the weighted row sum, its readers' common header)
// and kernels/fused_grid_ops/.
//
// Data on the device: feature maps / images channels-last in DRAM, one stick (page) per pixel, in the
// chosen dtype; coordinates and weights float32 (the readers do scalar math on them, and bf16 coordinates
// would move a sample by up to 1/256 of the map); outputs in the chosen dtype.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/common/front_end.hpp"
#include "ops/common/program_helpers.hpp"
#include "ops/common/program_summary.hpp"
#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/work_split.hpp"

namespace tilesim::ops {

namespace sampling_detail {

// Channel geometry of the row-major blocks: one row = one stick padded with zeros to whole tiles.
struct ChannelGeometry {
    uint32_t channels = 0;
    uint32_t element_bytes = 4;
    uint32_t stick_bytes = 0;    // C * element size
    uint32_t channel_tiles = 0;  // ceil(C / 32)
    uint32_t row_bytes = 0;      // channel_tiles * 32 * element size
    uint32_t tile_bytes = 0;     // 1024 * element size
    DataType dtype = DataType::Float32;
    DataType intermediate =
        DataType::Float32;  // products and partial sums: Float32 when DEST accumulates in fp32
};

// Checks the options (dtype, buffering, core grid) and the channel count (C <= 512: a unit's sums live in
// DEST's 16 tiles); `op` prefixes the messages, e.g. "sample_sum (sim)".
void validate_options(const Device& device, const DeviceRunOptions& o, std::string_view op,
                      uint64_t channels);
ChannelGeometry channel_geometry(uint32_t channels, const DeviceRunOptions& o);

// The CBs (count, blocks, scaler, tiles, products, partial sums, output stick) and the compute and writer
// kernels of the weighted row sum; the caller adds its reader, its own stick CBs and the runtime args.
struct WeightedSumKernels {
    KernelHandle compute = 0;
    KernelHandle writer = 0;
};
WeightedSumKernels add_weighted_row_sum(Program& program, const CoreRangeSet& cores, const ChannelGeometry& g,
                                        const DeviceRunOptions& o);
// Runtime args of the weighted row-sum compute and writer for one core's units.
void set_weighted_row_sum_args(Program& program, const WeightedSumKernels& k, const CoreWork& w,
                               uint32_t output_address);

}  // namespace sampling_detail
}  // namespace tilesim::ops
