#pragma once
// Pieces shared by the sample_sum and sample_dot CPU references: validation of images and samples, the
// NCHW <-> NHWC transposes (sampling reads whole channel vectors, so the images go channels-last once per
// call), the taps of a grid coordinate, and the deterministic scatter of image gradients.
#include <cstdint>
#include <string_view>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/deformable_aggregation/channel_kernels.hpp"
#include "ops/deformable_aggregation/channels_last_taps.hpp"
#include "ops/deformable_aggregation/host_array.hpp"

namespace tilesim::ops::detail {

struct GridDims {
    int64_t batch, channels, height, width;  // images [b, c, h, w]
    int64_t queries, depth;                  // samples [b, q, d, 2]

    int64_t pixels() const { return height * width; }
    // Offset of samples[b, q, d, 0]; also (divided by 2) of depths[b, q, d].
    int64_t sample_offset(int64_t b, int64_t q, int64_t d) const {
        return ((b * queries + q) * depth + d) * 2;
    }
};

// Checks images [b, c, h, w] (h, w >= 1) and samples [b, q, d, 2]; `op` prefixes the messages.
GridDims validate_images_and_samples(std::string_view op, const ArrayView<float>& images,
                                     const ArrayView<float>& samples);

// images [b, c, h, w] -> [b, h, w, c]
std::vector<float> to_channels_last(const ArrayView<float>& images, const GridDims& d);
// [b, h, w, c] -> images layout [b, c, h, w]
std::vector<float> to_channels_first(const std::vector<float>& channels_last, const GridDims& d);

// grid_sample's taps (bilinear, zeros padding, align_corners=False) of the grid point xy = (x, y) in
// [-1, 1]; NaN or far-outside points read nothing.
inline PixelTaps grid_taps(const float* xy, const GridDims& d) {
    return pixel_taps(unnormalize_align_corners_false(xy[1], d.height),
                      unnormalize_align_corners_false(xy[0], d.width), d.height, d.width);
}

// d loss / d grid point from d loss / d value of each tap, with d x / d gx = W / 2 (align_corners=False).
inline void grid_point_gradient(const PixelTaps& t, const float tap_grad[4], const GridDims& d,
                                float* grad_xy) {
    float gx = 0.f, gy = 0.f;
    for (int i = 0; i < 4; ++i) {
        gx += t.dweight_dx[i] * tap_grad[i];
        gy += t.dweight_dy[i] * tap_grad[i];
    }
    grad_xy[0] = gx * static_cast<float>(d.width) * 0.5f;
    grad_xy[1] = gy * static_cast<float>(d.height) * 0.5f;
}

// tap_grad[i] = Σ_c grad_value[c] * tap_i[c] (0 for a tap outside the image).
inline void tap_gradients(const PixelTaps& t, const float* image_nhwc, const float* grad_value,
                          const GridDims& d, float tap_grad[4]) {
    const ChannelKernels& k = channel_kernels();
    for (int i = 0; i < 4; ++i) {
        tap_grad[i] =
            t.pixel[i] < 0 ? 0.f : k.dot(grad_value, image_nhwc + t.pixel[i] * d.channels, d.channels);
    }
}

// Deterministic scatter of d loss / d image: one task per (batch, channel block) owns those elements and
// visits every sample of its batch in order; fill(b, q, dd, block, v) writes the sample's d loss / d value
// for the block's channels into v. Returns the gradient in the images' [b, c, h, w] layout.
template <class Fill>
std::vector<float> scatter_image_gradients(const GridDims& d, const float* samples, Fill&& fill) {
    std::vector<float> grad(static_cast<size_t>(d.batch * d.pixels() * d.channels), 0.f);
    const auto blocks = channel_blocks(d.channels);
    const auto n_blocks = static_cast<int64_t>(blocks.size());
    const ChannelKernels& k = channel_kernels();
    using Range = oneapi::tbb::blocked_range<int64_t>;
    oneapi::tbb::parallel_for(Range(0, d.batch * n_blocks, 1), [&](const Range& r) {
        std::vector<float> v(static_cast<size_t>(blocks.empty() ? 0 : blocks[0].end - blocks[0].begin));
        for (int64_t task = r.begin(); task != r.end(); ++task) {
            const int64_t b = task / n_blocks;
            const ChannelBlock block = blocks[static_cast<size_t>(task % n_blocks)];
            float* image_grad = grad.data() + b * d.pixels() * d.channels;
            for (int64_t q = 0; q < d.queries; ++q) {
                for (int64_t dd = 0; dd < d.depth; ++dd) {
                    const PixelTaps t = grid_taps(samples + d.sample_offset(b, q, dd), d);
                    fill(b, q, dd, block, v.data());
                    float* rows[4];
                    tap_rows(t, image_grad, d.channels, block.begin, rows);
                    k.scatter4(rows, t.weight, v.data(), block.end - block.begin);
                }
            }
        }
    });
    return to_channels_first(grad, d);
}

}  // namespace tilesim::ops::detail
