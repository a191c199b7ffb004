#pragma once
// grid_sample, the op front end: PyTorch's arguments (mode, padding_mode, align_corners) plus where to
// run it (backend cpu | sim | cuda) and, for the simulated device, how (device config, memory layout,
// dtype, grid batching, precomputed grid, split reader).
#include <optional>
#include <string>

#include "ops/common/backend.hpp"
#include "ops/grid_sample/grid_sample_device.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

struct GridSampleArgs {
    GridSampleMode mode = GridSampleMode::Bilinear;
    PaddingMode padding_mode = PaddingMode::Zeros;
    bool align_corners = false;
    ChannelLayout input_layout = ChannelLayout::NCHW;  // PyTorch's default; tt-metal's ttnn uses NHWC
    Backend backend = Backend::Cpu;
    DataType dtype = DataType::Float32;  // BFloat16: inputs rounded to bf16 (cpu/cuda compute in fp32)
    // Simulated device only:
    std::string device = "wormhole_b0";  // config name or path
    GridSampleMemory memory = GridSampleMemory::Interleaved;
    uint32_t grid_batching = 1;
    bool precomputed_grid = false;
    bool split_reader = false;
    uint32_t num_shard_cores = 0;
    uint32_t buffering_factor = 2;  // CB pages per item in flight
    CoreCoord core_grid{0, 0};      // worker grid to use (0x0: the whole device)
    bool tt_metal_kernel_paths =
        false;  // bilinear: kernels by their tt-metal paths (GridSampleDeviceOptions)
    RunOptions run;
};

struct GridSampleResult {
    Tensor output;                                 // Float32, in the input's layout
    std::optional<RunReport> report;               // sim only
    std::optional<GridSampleProgramInfo> program;  // sim only: work split, CBs, kernels
};

// input [N, C, H, W] (or [N, H, W, C] with input_layout NHWC), grid [N, H_out, W_out, 2]; Float32 tensors.
GridSampleResult grid_sample(const Tensor& input, const Tensor& grid, const GridSampleArgs& args = {});

// F.affine_grid(theta [N, 2, 3], size [N, C, H, W], align_corners) -> [N, H, W, 2].
Tensor affine_grid(const Tensor& theta, const Shape& size, bool align_corners);

}  // namespace tilesim::ops
