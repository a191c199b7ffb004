#pragma once
// grid_sample on the simulated device, modelled on tt-metal's ttnn.grid_sample: channels-last row-major
// tensors (input [N, H, W, C], grid [N, H_out, W_out, 2], output [N, H_out, W_out, C]), zero padding, both
// align_corners values; bilinear (reader / compute / writer) and nearest (reader only, writer when
// interleaved); interleaved or height-sharded grid and output; grid batching (K points per grid stick);
// precomputed grid; split reader (height-sharded bilinear).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/grid_sample_math.hpp"
#include "ops/common/front_end.hpp"
#include "ops/common/program_summary.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/device.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

enum class GridSampleMemory { Interleaved, HeightSharded };
std::string_view to_string(GridSampleMemory m);
GridSampleMemory parse_grid_sample_memory(std::string_view s);  // "interleaved" | "height_sharded"

// grid_sample's arguments: PyTorch's (mode, padding_mode, align_corners), the input's layout, where to run
// it and, on the simulated device, how its program is built.
struct GridSampleArgs : DeviceRunOptions {
    GridSampleMode mode = GridSampleMode::Bilinear;
    PaddingMode padding_mode = PaddingMode::Zeros;
    bool align_corners = false;
    // NCHW (PyTorch's default): the input is given and the output returned channels-first; the device
    // still holds channels-last sticks (as ttnn's grid_sample takes them) and the transposes happen on the
    // way to and from it. NHWC: channels-last in and out.
    ChannelLayout input_layout = ChannelLayout::NCHW;
    // Simulated device only:
    GridSampleMemory memory = GridSampleMemory::Interleaved;
    uint32_t grid_batching = 1;     // K: consecutive output points per grid stick (W_out % K == 0)
    bool precomputed_grid = false;  // prepare_grid_sample_grid on the host
    bool split_reader = false;      // height-sharded bilinear only
    uint32_t num_shard_cores = 0;   // height-sharded: cores to shard over (0: as many as useful)
    // Bilinear: name the kernels by their paths in a tt-metal source tree (the factory's layout is that of
    // tt-metal's grid_sample_program_factory.cpp, docs/porting-guide.md), so that with the tree's root on
    // TILESIM_KERNEL_PATH (CLI: --kernel-root) tt-metal's own kernel files run.
    bool tt_metal_kernel_paths = false;
};

struct GridSampleDeviceResult {
    Tensor output;  // Float32 [N, H_out, W_out, C]
    RunReport report;
    ProgramSummary info;  // facts: grid_sticks; height-sharded: shard_height
};

// input: [N, C, H, W] or [N, H, W, C] (opts.input_layout) float32 values (rounded to opts.dtype on the
// device); grid: [N, H_out, W_out, 2]. Runs with opts.run.
GridSampleDeviceResult grid_sample_device(Device& device, const Tensor& input, const Tensor& grid,
                                          const GridSampleArgs& opts);

// tt-metal's prepare_grid_sample_grid: grid [N, H_out, W_out, 2K] -> UInt16 words per point: bilinear
// [h0, w0 (int16), w_nw, w_ne, w_sw, w_se (bf16)] (6K per stick), nearest [h, w] or [-1, -1] (2K).
Tensor prepare_grid_sample_grid(const Tensor& grid, const Shape& input_shape_nhwc, GridSampleMode mode,
                                PaddingMode padding_mode, bool align_corners);

}  // namespace tilesim::ops
