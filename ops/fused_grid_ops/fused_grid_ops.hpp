#pragma once
// sample_sum and sample_dot, the op front ends (the seed's fused_grid_ops; tilesim's op spec §6) on tilesim
// tensors, plus where to run them (backend cpu | sim | cuda) and, for the simulated device, how.
#include <optional>
#include <string>

#include "ops/common/front_end.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_device.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

// Output: Float32, sample_sum [b, hd, q, c], sample_dot [b, hd, q, d]. Options: BFloat16 makes the images
// (and sample_dot's queries and encodings) bf16 (cpu/cuda: images, queries and the output rounded to bf16,
// math in fp32; sim: bf16 data, blocks and DEST); samples, weights and depths stay float32 on every backend.
// buffering_factor: CB pages of the sample blocks in flight.
using FusedGridOpsResult = OpResult<ProgramSummary>;

// images [b, c, h, w] (PyTorch layout), samples [b, q, d, 2], weights [b, hd, q, d].
FusedGridOpsResult sample_sum(const FloatInput& images, const FloatInput& samples, const FloatInput& weights,
                              const DeviceRunOptions& options = {});

// images [b, c, h, w], samples [b, q, d, 2], queries [b, hd, q, c - 2 * num_octaves], depths [b, q, d].
FusedGridOpsResult sample_dot(const FloatInput& images, const FloatInput& samples, const FloatInput& queries,
                              const FloatInput& depths, int64_t num_octaves,
                              const DeviceRunOptions& options = {});

}  // namespace tilesim::ops
