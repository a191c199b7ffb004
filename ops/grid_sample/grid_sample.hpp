#pragma once
// grid_sample, the op front end: PyTorch's arguments (mode, padding_mode, align_corners) plus where to
// run it (backend cpu | sim | cuda) and, for the simulated device, how (device config, memory layout,
// dtype, grid batching, precomputed grid, split reader).
#include <optional>
#include <string>

#include "ops/common/front_end.hpp"
#include "ops/grid_sample/grid_sample_device.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

using GridSampleResult = OpResult<ProgramSummary>;  // output: Float32, in the input's layout

// input [N, C, H, W] (or [N, H, W, C] with input_layout NHWC), grid [N, H_out, W_out, 2]: tensors (other
// dtypes are converted) or float32 views.
GridSampleResult grid_sample(const FloatInput& input, const FloatInput& grid,
                             const GridSampleArgs& args = {});

// F.affine_grid(theta [N, 2, 3], size [N, C, H, W], align_corners) -> [N, H, W, 2].
Tensor affine_grid(const FloatInput& theta, const Shape& size, bool align_corners);

}  // namespace tilesim::ops
