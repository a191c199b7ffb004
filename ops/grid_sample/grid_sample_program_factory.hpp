#pragma once
// Internal to the grid_sample op: the geometry every factory derives from the shapes, the device
// buffers, and the factories themselves. See grid_sample_device.hpp for the public entry point.
#include <memory>

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

Program interleaved_program(Device& device, const GridSampleGeometry& g, const GridSampleDeviceOptions& o,
                            const GridSampleBuffers& b, GridSampleProgramInfo& info);
Program sharded_program(Device& device, const GridSampleGeometry& g, const GridSampleDeviceOptions& o,
                        const GridSampleBuffers& b, GridSampleProgramInfo& info);

}  // namespace tilesim::ops::grid_sample_detail
