#pragma once
// RAFT's correlation lookup on the simulated device, the AlternateCorrBlock way (spec ops.md §4): the
// all-pairs volume is never built. The host average-pools fmap2 into the pyramid levels (channels-last,
// all levels in one interleaved DRAM buffer); per query pixel (the work unit) the reader fetches the
// (2r+2)^2 pooled fmap2 sticks of the window at each level, the compute takes their dot products with
// the query's fmap1 stick and applies the bilinear weights, and the writer writes the query's output
// stick of L (2r+1)^2 values. Output [B, L (2r+1)^2, H, W], as corr_lookup_alternate_cpu.
//
// Limits of this formulation (refused with a message): L <= 8 (4 tap rows per level in one weighted
// reduction of at most 32 rows) and L (2r+1)^2 <= 512 (the output stick in at most 16 DEST tiles);
// RAFT's 4 levels of radius 4 need 324.
#include "ops/correlation/correlation_program_device.hpp"
#include "ops/correlation/corr_lookup_reference.hpp"

namespace tilesim::ops {

// fmap1, fmap2: [B, H, W, C] (channels-last); coords: [B, H, W, 2] holding (x, y) in level-0 pixels.
// Coordinates stay float32 on the device whatever opts.dtype (bf16 cannot address a pixel of a
// 128-wide map to better than half a pixel).
CorrelationDeviceResult corr_lookup_device(Device& device, const Tensor& fmap1_nhwc, const Tensor& fmap2_nhwc,
                                           const Tensor& coords_nhwc, int num_levels, int radius,
                                           const DeviceRunOptions& opts = {}, const RunOptions& run = {});

// The program the factory builds for feature maps of shape `fmap` (NCHW sizes), without running it: its
// work split, CBs and L1 use per core (throws OutOfMemory when the CBs do not fit L1).
ProgramSummary corr_lookup_device_plan(Device& device, const NchwShape& fmap, int num_levels, int radius,
                                       const DeviceRunOptions& opts = {});

// AlternateCorrBlock's pooled fmap2: level 0 is fmap2, level l + 1 = avg_pool2d(level l, 2, stride 2) (odd
// sizes floor), each channels-last [B, h_l, w_l, C]; all levels concatenated ([sum_l B h_l w_l, C]). With
// round_levels_to_bf16, each level is rounded to bfloat16 before the next is pooled from it (what a
// device pooling program with a bf16 output would store).
Tensor corr_lookup_pooled_pyramid_nhwc(const Tensor& fmap2_nhwc, int num_levels,
                                       bool round_levels_to_bf16 = false);

}  // namespace tilesim::ops
