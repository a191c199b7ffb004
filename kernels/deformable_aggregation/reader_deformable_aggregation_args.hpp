#pragma once
// Compile-time argument layout of reader_deformable_aggregation.cpp, shared with its program factory.
#include <cstdint>

namespace deformable_kernels {

enum DeformableReaderArg : uint32_t {
    kChannels = 0,        // C
    kStickBytes,          // C * element size: one pixel of mc_ms_feat
    kRowBytes,            // ceil(C / 32) * 32 * element size: one row of a block
    kAnchorsPerBatch,     // num_anchor
    kPts,                 // num_pts
    kCams,                // num_cams
    kScales,              // num_scale
    kGroups,              // num_groups
    kNumFeat,             // num_feat: pixels of one batch in mc_ms_feat
    kLocationStickBytes,  // num_pts * num_cams * 2 * 4
    kWeightStickBytes,    // num_pts * num_cams * num_scale * num_groups * 4
    kFirstMapArg,         // then (H, W, start) of map cam * num_scale + scale, for every map
};
// The data format of the features and blocks is the value CB's (get_dataformat(kValueRowsCb)); locations
// and weights are float32.

}  // namespace deformable_kernels
