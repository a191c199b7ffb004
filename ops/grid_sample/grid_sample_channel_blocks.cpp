// Channel blocks of NCHW tensors for the grid_sample CPU reference (forward and backward): blocks of 16
// channels copied channels-last inside the block, and the buffers that hold them.
#include <algorithm>
#include <memory>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"

namespace tilesim::ops::detail {

float* call_scratch(int slot, size_t floats, std::unique_ptr<float[]>& own) {
    // Kept by the calling thread up to 64 MiB each: fresh pages would cost a page fault per 4 KiB on every
    // call. Larger buffers are made for the call and released with `own`.
    constexpr size_t kKeptFloats = size_t{16} << 20;
    thread_local std::unique_ptr<float[]> kept[kScratchSlots];
    thread_local size_t kept_floats[kScratchSlots] = {};
    if (floats > kKeptFloats) {
        own.reset(new float[floats]);
        return own.get();
    }
    if (kept_floats[slot] < floats) {
        kept[slot].reset(new float[floats]);
        kept_floats[slot] = floats;
    }
    return kept[slot].get();
}

void copy_to_channel_blocks(const float* x, int64_t n, int64_t c, int64_t plane, int64_t blocks, float* out) {
    constexpr int64_t B = kChannelBlockWidth, kPixelChunk = 4096;
    const int64_t chunks = (plane + kPixelChunk - 1) / kPixelChunk;
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int64_t>(0, n * blocks * chunks),
                              [&](const oneapi::tbb::blocked_range<int64_t>& r) {
                                  for (int64_t i = r.begin(); i < r.end(); ++i) {
                                      const int64_t nb = i / chunks, p0 = i % chunks * kPixelChunk;
                                      const int64_t image = nb / blocks, c0 = nb % blocks * B;
                                      block_channels(x + (image * c + c0) * plane + p0, plane,
                                                     std::min(B, c - c0), std::min(kPixelChunk, plane - p0),
                                                     out + (nb * plane + p0) * B);
                                  }
                              });
}

}  // namespace tilesim::ops::detail
