#pragma once
// sample_sum and sample_dot, the op front ends (the seed's fused_grid_ops; tilesim's op spec §6) on tilesim
// tensors, plus where to run them (backend cpu | sim | cuda) and, for the simulated device, how.
#include <optional>
#include <string>

#include "ops/common/backend.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_device.hpp"
#include "tilesim/run_report.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

struct FusedGridOpsArgs {
    Backend backend = Backend::Cpu;
    // BFloat16: images (and sample_dot's queries and encodings) are bf16 (cpu/cuda: images, queries and the
    // output rounded to bf16, math in fp32; sim: bf16 data, blocks and DEST). Samples, weights and depths
    // stay float32 on every backend.
    DataType dtype = DataType::Float32;
    // Simulated device only:
    std::string device = "wormhole_b0";    // config name or path
    uint32_t buffering_factor = 2;         // CB pages of the sample blocks in flight
    CoreCoord core_grid{0, 0};             // worker grid to use (0x0: the whole device)
    std::optional<bool> fp32_dest_acc_en;  // default: true for float32, false for bfloat16
    RunOptions run;
};

struct FusedGridOpsResult {
    Tensor output;                    // Float32: sample_sum [b, hd, q, c], sample_dot [b, hd, q, d]
    std::optional<RunReport> report;  // sim only
    std::optional<SamplingProgramInfo> program;  // sim only: work split, CBs, kernels
};

// images [b, c, h, w] (PyTorch layout), samples [b, q, d, 2], weights [b, hd, q, d]; Float32 ROW_MAJOR.
FusedGridOpsResult sample_sum(const Tensor& images, const Tensor& samples, const Tensor& weights,
                              const FusedGridOpsArgs& args = {});

// images [b, c, h, w], samples [b, q, d, 2], queries [b, hd, q, c - 2 * num_octaves], depths [b, q, d].
FusedGridOpsResult sample_dot(const Tensor& images, const Tensor& samples, const Tensor& queries,
                              const Tensor& depths, int64_t num_octaves, const FusedGridOpsArgs& args = {});

}  // namespace tilesim::ops
