#pragma once
// Internal to the grid_sample op: the geometry every factory derives from the shapes, the device
// buffers, and the factories themselves, split by mode as tt-metal's are
// (grid_sample_bilinear_program_factory.cpp, grid_sample_nearest_program_factory.cpp). See
// grid_sample_device.hpp for the public entry point. The CB indices and argument order are tt-metal's
// (kernels/grid_sample/grid_sample_args.hpp, docs/porting-guide.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/grid_sample/grid_sample_args.hpp"
#include "ops/common/program_helpers.hpp"
#include "ops/grid_sample/grid_sample_device.hpp"
#include "tilesim/buffer.hpp"
#include "tilesim/program.hpp"

namespace tilesim::ops::grid_sample_detail {

struct GridSampleGeometry {
    uint32_t batch = 0, height = 0, width = 0, channels = 0, out_height = 0, out_width = 0;
    uint32_t batching = 1;               // K
    uint32_t grid_sticks = 0;            // N * H_out * W_out / K: the work units
    uint32_t grid_sticks_per_image = 0;  // H_out * W_out / K
    uint32_t element_bytes = 4;
    uint32_t stick_bytes = 0;        // C * element size
    uint32_t slot_bytes = 0;         // stick rounded up to the DRAM alignment (corner slot stride)
    uint32_t grid_stick_bytes = 0;   // values per grid stick * grid element size
    uint32_t grid_stick_stride = 0;  // grid stick rounded up to the DRAM alignment
    DataType grid_format = DataType::Float32;
    uint32_t channel_tiles = 0;  // ceil(C / 32)
    uint32_t face_cols = 0;      // ceil(C / 16)
    CoreCoord core_grid;         // the worker grid the work is split over
};

struct GridSampleBuffers {
    std::shared_ptr<Buffer> input, grid, output;
};

Program bilinear_interleaved_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                     const GridSampleBuffers& b, ProgramSummary& info);
Program bilinear_sharded_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                 const GridSampleBuffers& b, ProgramSummary& info);
Program nearest_interleaved_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                    const GridSampleBuffers& b, ProgramSummary& info);
Program nearest_sharded_program(Device& device, const GridSampleGeometry& g, const GridSampleArgs& o,
                                const GridSampleBuffers& b, ProgramSummary& info);

// ---- steps both factories share ----

// The split a height-sharded buffer implies: core i of `shard_cores` takes `shard_height` units from
// unit i * shard_height, the last used core what is left of `units`.
inline WorkSplit shard_split(const std::vector<CoreCoord>& shard_cores, uint32_t units,
                             uint32_t shard_height) {
    WorkSplit s;
    s.num_cores = (units + shard_height - 1) / shard_height;
    const uint32_t last = units - (s.num_cores - 1) * shard_height;
    const uint32_t full = last == shard_height ? s.num_cores : s.num_cores - 1;
    std::vector<CoreRange> all, group_1;
    for (uint32_t i = 0; i < s.num_cores; ++i) {
        all.emplace_back(shard_cores[i]);
        if (i < full) group_1.emplace_back(shard_cores[i]);
    }
    s.all_cores = CoreRangeSet(std::vector<CoreRange>{}).merge(CoreRangeSet(all));
    s.core_group_1 = CoreRangeSet(std::vector<CoreRange>{}).merge(CoreRangeSet(group_1));
    s.units_per_core_group_1 = shard_height;
    if (full < s.num_cores) {
        s.core_group_2 = CoreRangeSet(std::vector<CoreRange>{CoreRange(shard_cores[full])});
        s.units_per_core_group_2 = last;
    }
    return s;
}

// ttnn's DataType number of the grid (reader arg kGridDtype).
inline uint32_t grid_dtype_code(DataType t) {
    using namespace grid_sample_args;
    return t == DataType::Float32 ? kDtypeFloat32 : t == DataType::UInt16 ? kDtypeUint16 : kDtypeBfloat16;
}

// The reader compile-time args every grid_sample reader starts with (grid_sample_args::ReaderCt).
inline std::vector<uint32_t> common_reader_args(const GridSampleGeometry& g, const GridSampleArgs& o,
                                                uint32_t input_cb, uint32_t grid_cb, uint32_t scalar_cb,
                                                uint32_t grid_stick_stride) {
    return {input_cb,
            grid_cb,
            scalar_cb,
            g.slot_bytes,
            grid_stick_stride,
            g.height,
            g.width,
            g.batching,
            grid_dtype_code(g.grid_format),
            g.grid_sticks_per_image,
            o.precomputed_grid ? 1u : 0u};
}

// Reader defines: ALIGN_CORNERS (tilesim; tt-metal's factory at the matched commit has no align_corners).
inline std::map<std::string, std::string> reader_defines(const GridSampleArgs& o) {
    if (!o.align_corners) return {};
    return {{std::string("ALIGN_CORNERS"), std::string("1")}};
}

}  // namespace tilesim::ops::grid_sample_detail
