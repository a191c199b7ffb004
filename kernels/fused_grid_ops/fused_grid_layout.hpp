#pragma once
// Compile-time argument layouts of the sample_sum and sample_dot kernels and their batching constants,
// shared with the program factories (ops/fused_grid_ops/fused_grid_ops_device.cpp). Dependency-free.
#include <cstdint>

namespace fused_grid_kernels {

// Compile-time args of reader_sample_sum.cpp and reader_sample_dot.cpp. The data format of the images,
// queries, encodings and blocks is the value CB's (get_dataformat(kValueRowsCb)); samples and depth
// weights are float32.
enum FusedReaderArg : uint32_t {
    kChannels = 0,   // c (images' channels)
    kStickBytes,     // c * element size: one pixel of an image
    kRowBytes,       // ceil(c / 32) * 32 * element size: one row of a block
    kHeight,         // h
    kWidth,          // w
    kQueries,        // q
    kHeads,          // hd
    kDepth,          // d: samples per query
    kQueryBytes,     // sample_dot: (c - 2 * num_octaves) * element size (0: no query channels)
    kEncodingBytes,  // sample_dot: 2 * num_octaves * element size per sample (0: no encoding)
    kNumFusedReaderArgs
};

// Compile-time args of compute_sample_dot.cpp and writer_sample_dot.cpp.
enum SampleDotArg : uint32_t {
    kDotChannelTiles = 0,  // ceil(c / 32)
    kDotDepth,             // d: outputs per unit
    kDotOutputStickBytes,  // d * element size
    kNumSampleDotArgs
};

constexpr uint32_t kSamplesPerDotBlock = 32;  // one interpolated sample per tile row
constexpr uint32_t kSamplesPerDotBatch = 8;   // samples the reader reads per barrier (divides 32)

}  // namespace fused_grid_kernels
