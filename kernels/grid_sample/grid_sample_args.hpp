#pragma once
// grid_sample's argument layout, shared by the program factories and the kernels (dependency-free, so
// both sides include it). The order is tt-metal's grid_sample_program_factory.cpp at commit
// cd724d36e09d892b4dfb1795d79afcd163286233 (docs/porting-guide.md has the table); indices past tt-metal's
// are tilesim's additions, which tt-metal's own kernels never read.
#include <cstdint>

namespace grid_sample_args {

// Reader compile-time args (every grid_sample reader; nearest: kInputCb is the output CB).
enum ReaderCt : uint32_t {
    kInputCb = 0,          // input CB (corner sticks), c_1; the second reader of a split reader: c_2
    kGridCb = 1,           // grid CB, c_0
    kScalarCb = 2,         // scalar CB (4 bilinear weights); unused by nearest (kDummyCb)
    kInputStickBytes = 3,  // input stick, C * element size rounded up to the buffer alignment
    kGridStickBytes = 4,   // grid stick stride (aligned)
    kInputHeight = 5,
    kInputWidth = 6,
    kGridBatching = 7,      // K points per grid stick
    kGridDtype = 8,         // the grid's DataType as ttnn numbers it (kDtypeBfloat16, ...)
    kGridHw = 9,            // grid sticks of one image: H_out * W_out / K
    kPrecomputedGrid = 10,  // 1: grid sticks hold prepare_grid_sample_grid's words
    kNumCommonReaderArgs = 11,
    // Interleaved readers: then TensorAccessorArgs(input), TensorAccessorArgs(grid).
    // Sharded readers: these three, then TensorAccessorArgs(input).
    kSplitReader = 11,
    kReaderId = 12,
    kGridSticksPerCore = 13,
    kNumShardedReaderArgs = 14,
};

// ttnn's DataType numbering (the value tt-metal's factory passes as kGridDtype).
constexpr uint32_t kDtypeBfloat16 = 0, kDtypeFloat32 = 1, kDtypeUint16 = 6;

// Compute compile-time args (tt-metal's pool compute kernel, compute_pool_2d.cpp, as grid_sample calls it).
enum ComputeCt : uint32_t {
    kInNtilesC = 0,      // ceil(C / 32)
    kReductionSize = 1,  // 4 corners
    kComputeSplitReader = 2,
    kTotalInterpolations = 3,  // points of this core group; 0: runtime arg 0
    kChannels = 4,
    kInNblocksC = 5,
    kMaxRowsForReduction = 6,
    kInCb0 = 7,
    kInCb1 = 8,
    kScalarCb0 = 11,
    kScalarCb1 = 12,
    kOutCb = 15,
    kOneScalarPerCore = 17,
    kPreTilizeCb = 19,
    kIsOutputTiled = 20,
    kIsOutputBlockFormat = 21,
    kNumPoolComputeArgs = 22,
    kRowStrideBytes = 22,  // tilesim: stride between the corner sticks of an input CB page
    kNumComputeArgs = 23,
};

// Writer compile-time args: 0 output CB, 1 output stick bytes (aligned), 2 CB pages per stick, then
// TensorAccessorArgs(output). Runtime: 0 output address, 1 output sticks, 2 first output stick.
enum WriterCt : uint32_t { kOutputCb = 0, kOutputStickBytes = 1, kPagesPerStick = 2, kOutputAccessor = 3 };

constexpr uint32_t kDummyCb = 32;  // tt-metal's "unused CB" id

}  // namespace grid_sample_args
