#pragma once
// Host-side helpers over the bilinear taps of a channels-last map ([H, W, C], C floats per pixel): row
// pointers for the vector loops and the channel blocks of the backward scatters. The taps themselves
// (PixelTaps, pixel_taps, unnormalize_align_corners_false) are in kernels/common/pixel_taps.hpp, shared with
// the simulated kernels. Used by the deformable aggregation and the sample_sum / sample_dot CPU references.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/common/pixel_taps.hpp"

namespace tilesim::ops {

// Row pointers of the taps into a channels-last map, offset by `channel`; an outside tap points at
// `zero_row` (which must hold at least as many zeros as the caller reads).
inline void tap_rows(const PixelTaps& t, const float* map, int64_t channels, int64_t channel,
                     const float* zero_row, const float* rows[4]) {
    for (int i = 0; i < 4; ++i) rows[i] = t.pixel[i] < 0 ? zero_row : map + t.pixel[i] * channels + channel;
}

// Writable row pointers for a scatter; an outside tap is null (ChannelKernels::scatter4 skips it).
inline void tap_rows(const PixelTaps& t, float* map, int64_t channels, int64_t channel, float* rows[4]) {
    for (int i = 0; i < 4; ++i) rows[i] = t.pixel[i] < 0 ? nullptr : map + t.pixel[i] * channels + channel;
}

// Channel blocks for the deterministic backward scatters: each task owns channels [begin, end) of every
// pixel it writes, so no two tasks touch the same element. Blocks of 32 floats keep the vector loops full
// and still give enough tasks for a few threads.
struct ChannelBlock {
    int64_t begin, end;
};
inline std::vector<ChannelBlock> channel_blocks(int64_t channels, int64_t block = 32) {
    std::vector<ChannelBlock> blocks;
    for (int64_t c = 0; c < channels; c += block) blocks.push_back({c, std::min(channels, c + block)});
    return blocks;
}

}  // namespace tilesim::ops
