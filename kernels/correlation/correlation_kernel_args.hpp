#pragma once
// Compile-time argument layouts of the correlation kernels and the constants they share with the program
// factories (dependency-free, so that factories include it without the kernel API): one enum per kernel,
// so that the indices cannot drift apart. The kernels take their data format from their CBs
// (get_dataformat), not from an argument.
#include <cstdint>

namespace correlation_kernels {

constexpr uint32_t kTileRows = 32, kFaceRows = 16, kTileValues = 1024;

// reader_patch_correlation.cpp
enum PatchReaderArg : uint32_t {
    kReaderIn1Cb = 0,   // row blocks of the in1 stick (replicated in 32 rows)
    kReaderIn2Cb,       // row blocks of 32 in2 sticks (one per displacement)
    kReaderScalarCb,    // the reduce scaler tile
    kReaderStickBytes,  // C * element size
    kReaderRowBytes,    // ceil(C / 32) * 32 * element size: one row of a row block
    kReaderHeight,      // the images as stored (unpadded)
    kReaderWidth,
    kReaderOutHeight,
    kReaderOutWidth,
    kReaderKernelH,
    kReaderKernelW,
    kReaderStrideH,
    kReaderStrideW,
    kReaderOriginH,  // int32: y of the window's first tap for output row 0 (e.g. -padding)
    kReaderOriginW,
    kReaderDilationH,
    kReaderDilationW,
    kReaderPatchH,
    kReaderPatchW,
    kReaderDilationPatchH,
    kReaderDilationPatchW,
    kReaderAbsDiff,     // 1: FlowNet's |a - b| (in1 outside the image still counts as zeros)
    kReaderScalerBits,  // float bits of the reduce scaler (1, or 1 / (k^2 C) for FlowNet)
    kNumPatchReaderArgs
};

// compute_patch_correlation.cpp
enum PatchComputeArg : uint32_t {
    kComputeIn1RowsCb = 0,
    kComputeIn1TilesCb,
    kComputeIn2RowsCb,
    kComputeIn2TilesCb,
    kComputeProductsCb,
    kComputeScalarCb,
    kComputePartialCb,  // partial sums between kernel-window positions (kernel windows > 1 only)
    kComputeOutCb,
    kComputeChannelTiles,
    kComputeRowBlocks,   // ceil(P / 32)
    kComputeWindowTaps,  // kernel_h * kernel_w
    kComputeAbsDiff,
    kNumPatchComputeArgs
};

// writer_patch_correlation.cpp
enum PatchWriterArg : uint32_t {
    kWriterOutCb = 0,
    kWriterDisplacements,  // P: values per output stick
    kWriterRowBlocks,
    kNumPatchWriterArgs
};

// reader_corr_lookup.cpp
enum CorrLookupReaderArg : uint32_t {
    kCorrLookupReaderF1Cb = 0,   // row blocks of the fmap1 stick (replicated in 32 rows)
    kCorrLookupReaderCellsCb,    // row blocks of 32 window cells (pooled fmap2 sticks)
    kCorrLookupReaderWeightsCb,  // the bilinear weights of every level, row 0 of a tile: element l * 4 + tap
    kCorrLookupReaderScalarCb,   // the reduce scaler tile (1 / sqrt(C))
    kCorrLookupReaderCoordsCb,   // one coords stick (x, y) per query, float32
    kCorrLookupReaderStickBytes,
    kCorrLookupReaderRowBytes,
    kCorrLookupReaderCoordsStickBytes,
    kCorrLookupReaderHeight,  // of fmap1 (= level 0)
    kCorrLookupReaderWidth,
    kCorrLookupReaderLevels,
    kCorrLookupReaderRadius,
    kCorrLookupReaderScalerBits,
    kCorrLookupReaderLevelDims,  // then 3 per level: height, width, first page in the pyramid buffer
};

// compute_corr_lookup.cpp
enum CorrLookupComputeArg : uint32_t {
    kCorrLookupComputeF1RowsCb = 0,
    kCorrLookupComputeF1TilesCb,
    kCorrLookupComputeCellsRowsCb,
    kCorrLookupComputeCellsTilesCb,
    kCorrLookupComputeProductsCb,
    kCorrLookupComputeScalarCb,
    kCorrLookupComputeCellsOutCb,  // one reduced tile per block of 32 cells (column 0 = their dot products)
    kCorrLookupComputeTapsCb,  // 4 rows per level: the cells each output samples through tap nw, ne, sw, se
    kCorrLookupComputeWeightsCb,
    kCorrLookupComputeOutCb,
    kCorrLookupComputeChannelTiles,
    kCorrLookupComputeRowBlocks,  // ceil((2r + 2)^2 / 32) per level
    kCorrLookupComputeLevels,
    kCorrLookupComputeOutTiles,  // ceil(L (2r + 1)^2 / 32)
    kCorrLookupComputeFaceCols,  // ceil(L (2r + 1)^2 / 16)
    kCorrLookupComputeTapsRowBytes,
    kNumCorrLookupComputeArgs
};

// writer_corr_lookup.cpp
enum CorrLookupWriterArg : uint32_t {
    kCorrLookupWriterCellsOutCb = 0,
    kCorrLookupWriterTapsCb,
    kCorrLookupWriterOutCb,
    kCorrLookupWriterLevels,
    kCorrLookupWriterRadius,
    kCorrLookupWriterRowBlocks,
    kCorrLookupWriterTapsRowBytes,
    kCorrLookupWriterFaceCols,
    kNumCorrLookupWriterArgs
};

// Bilinear taps of a lookup window, in the order of their rows in the taps CB and their weights: nw, ne,
// sw, se; tap t reads the cell (dy, dx) = (t / 2, t % 2) away from the sample's top-left cell.
constexpr uint32_t kBilinearTaps = 4;

// Element index of (row 0, column c) of a tile stored as four 16x16 faces (c < 32).
constexpr uint32_t row0_index(uint32_t c) {
    return (c / 16) * 256 + c % 16;
}

}  // namespace correlation_kernels
