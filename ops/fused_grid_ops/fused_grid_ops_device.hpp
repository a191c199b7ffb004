#pragma once
// sample_sum and sample_dot on the simulated device (tilesim's op spec §6): grid_sample (bilinear, zeros
// padding, align_corners=False) fused with a weighted sum over the depth samples, or with dot products.
//
// Programs (fused_grid_ops_device.cpp): images channels-last in DRAM, one page per pixel (c values);
// samples one page per (b, q) (d x (x, y), float32); one work unit per (b, hd, q), split across cores with
// split_work_to_cores.
//  - sample_sum: weights one page per unit (d floats); the reader (kernels/fused_grid_ops/
//    reader_sample_sum.cpp) builds blocks of 8 samples x 4 corner rows and weight rows (bilinear weight x
//    depth weight), reduced by the weighted row sum shared with deformable_aggregation
//    (kernels/deformable_aggregation/compute_weighted_row_sum.cpp); output [b * hd * q, c] sticks.
//  - sample_dot: queries one page per unit (c - 2 * num_octaves values), positional encodings one page per
//    (b, q) (d x 2 * num_octaves values, computed on the host); the compute kernel
//    (compute_sample_dot.cpp) interpolates each sample (grid_sample's pooling path), then multiplies 32
//    samples at a time with their cat(queries, pe) rows and reduces each row (REDUCE_ROW); the writer
//    (writer_sample_dot.cpp) writes the d dot products of the unit as one output stick [b * hd * q, d].
#include <cstdint>

#include "ops/deformable_aggregation/sampling_program_device.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::ops {

struct FusedGridDeviceResult {
    Tensor output;  // Float32: sample_sum [b, hd, q, c], sample_dot [b, hd, q, d]
    RunReport report;
    ProgramSummary info;
};

// images_nhwc [b, h, w, c] (channels-last), samples [b, q, d, 2] ((x, y) in [-1, 1]), weights [b, hd, q, d];
// Float32 ROW_MAJOR tensors (images rounded to opts.dtype on the device).
FusedGridDeviceResult sample_sum_device(Device& device, const Tensor& images_nhwc, const Tensor& samples,
                                        const Tensor& weights, const DeviceRunOptions& opts,
                                        const RunOptions& run = {});

// images_nhwc [b, h, w, c], samples [b, q, d, 2], queries [b, hd, q, c - 2 * num_octaves], depths [b, q, d].
FusedGridDeviceResult sample_dot_device(Device& device, const Tensor& images_nhwc, const Tensor& samples,
                                        const Tensor& queries, const Tensor& depths, int64_t num_octaves,
                                        const DeviceRunOptions& opts, const RunOptions& run = {});

// pe[2f + p] = sin(depth * 2π·2^f + p·π/2), f < num_octaves, p in {0, 1}: the seed's order (f0 φ0, f0 φ1,
// f1 φ0, ...), in the float arithmetic of the CPU reference (ops/fused_grid_ops/sample_dot_reference.cpp).
void sample_dot_positional_encoding(float depth, int64_t num_octaves, float* pe);
// Every sample's encoding: depths [b, q, d] -> [b, q, d, 2 * num_octaves].
Tensor sample_dot_encodings(const Tensor& depths, int64_t num_octaves);

}  // namespace tilesim::ops
