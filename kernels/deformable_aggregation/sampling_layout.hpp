#pragma once
// What the programs of deformable_aggregation, sample_sum and sample_dot and their factories share: the CB
// indices, the compile-time argument layout of the weighted row-sum compute kernel and of the output stick
// writer, and the block geometry. Dependency-free: included by the host factories and by the kernels.
#include <cstdint>

namespace sampling_kernels {

// CB indices (tt-metal's convention: inputs from c_0, outputs from c_16, intermediates from c_24).
enum SamplingCb : uint32_t {
    kIndexStickCb = 0,     // per unit, read first: sampling locations (deformable) or samples (sample_*)
    kWeightStickCb = 1,    // attention weights (deformable), depth weights (sample_sum), queries (sample_dot)
    kEncodingStickCb = 2,  // sample_dot: the positional encodings of the unit's depth samples
    kCountCb = 3,          // weighted row sum: number of blocks of the unit (one uint32 per page)
    kValueRowsCb = 4,      // row-major block of corner rows (8 samples x 4 corners; sample_dot: 4 corners)
    kWeightRowsCb = 5,     // row-major block of weights (sample_dot: the 4 bilinear weights, a scalar tile)
    kVectorRowsCb = 6,     // sample_dot: 32 rows of cat(queries, pe(depth))
    kScalerCb = 7,         // reduce scaler tile (1.0)
    kOutputCb = 16,
    kValueTilesCb = 24,   // tilized value block (sample_dot: tilized interpolated rows)
    kWeightTilesCb = 25,  // tilized weight block (sample_dot: tilized vector rows)
    kProductCb = 26,      // value x weight tiles
    kPartialCb = 27,      // column sums of the blocks so far
    kInterpRowsCb = 28,   // sample_dot: 32 interpolated rows, one page each
};

// Compile-time args of compute_weighted_row_sum.cpp.
enum WeightedSumComputeArg : uint32_t {
    kSumChannelTiles = 0,  // ceil(C / 32)
    kNumWeightedSumComputeArgs
};

// Compile-time args of writer_output_sticks.cpp.
enum OutputStickWriterArg : uint32_t {
    kWriterOutputCb = 0,  // CB holding one output stick per page
    kWriterStickBytes,    // C * element size
    kNumOutputStickWriterArgs
};

constexpr uint32_t kTileRows = 32;
constexpr uint32_t kCorners = 4;
constexpr uint32_t kSamplesPerBlock = kTileRows / kCorners;  // 8

}  // namespace sampling_kernels
