#pragma once
// Pieces shared by the sample_sum and sample_dot CPU references: validation of images and samples,
// grid_sample from channels-last images (sampling reads whole channel vectors, so the images go
// channels-last once per call), the gradient of a grid point, the parallel loop over query rows and the
// deterministic scatter of image gradients.
#include <cstdint>
#include <string_view>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "kernels/fused_grid_ops/grid_taps.hpp"  // GridDims, grid_taps
#include "ops/deformable_aggregation/detail/channel_kernels.hpp"
#include "ops/deformable_aggregation/detail/channels_last_taps.hpp"
#include "ops/common/host_array.hpp"

namespace tilesim::ops::detail {

// Checks images [b, c, h, w] (h, w >= 1) and samples [b, q, d, 2]; heads is left 0. `op` prefixes the
// messages.
GridDims validate_images_and_samples(std::string_view op, const ArrayView<float>& images,
                                     const ArrayView<float>& samples);

// The images transposed to channels-last once per call, and grid_sample of one sample from them.
class ChannelsLastImages {
  public:
    ChannelsLastImages(const ArrayView<float>& images, const GridDims& d);
    // Image b as [h, w, c].
    const float* image(int64_t b) const { return nhwc_.data() + b * d_.pixels() * d_.channels; }
    // values[c] = grid_sample(images, samples)[b, c, q, dd]; returns the taps.
    PixelTaps sample(const float* samples, int64_t b, int64_t q, int64_t dd, float* values) const {
        const PixelTaps t = grid_taps(samples + 2 * d_.sample_index(b, q, dd), d_);
        const float* rows[4];
        tap_rows(t, image(b), d_.channels, 0, zero_row_.data(), rows);
        channel_kernels().blend4(rows, t.weight, d_.channels, values);
        return t;
    }
    // d loss / d samples[b, q, dd] (written to grad_xy) from grad_value[c] = d loss / d sampled value[c].
    void sample_gradient(const PixelTaps& t, int64_t b, const float* grad_value, float* grad_xy) const;

  private:
    const GridDims& d_;
    std::vector<float> nhwc_;
    std::vector<float> zero_row_;
};

// Runs body(b, q, scratch) for every (b, q) query row, rows split across threads; make_scratch() runs
// once per chunk of rows. A row owns everything indexed by (b, q): its outputs and its weight, query,
// depth and sample gradients.
template <class MakeScratch, class Body>
void for_each_query_row(const GridDims& d, MakeScratch&& make_scratch, Body&& body) {
    using Range = oneapi::tbb::blocked_range<int64_t>;
    oneapi::tbb::parallel_for(Range(0, d.batch * d.queries), [&](const Range& r) {
        auto scratch = make_scratch();
        for (int64_t row = r.begin(); row != r.end(); ++row) body(row / d.queries, row % d.queries, scratch);
    });
}

// [b, h, w, c] -> images layout [b, c, h, w]
std::vector<float> to_channels_first(const std::vector<float>& channels_last, const GridDims& d);

// Deterministic scatter of d loss / d images: one task per (batch, channel block) owns those elements and
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
                    const PixelTaps t = grid_taps(samples + 2 * d.sample_index(b, q, dd), d);
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
