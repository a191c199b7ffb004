#include "ops/fused_grid_ops/grid_sampling.hpp"

namespace tilesim::ops::detail {

using Range = oneapi::tbb::blocked_range<int64_t>;

GridDims validate_images_and_samples(std::string_view op, const ArrayView<float>& images,
                                     const ArrayView<float>& samples) {
    check_rank(op, "images", images, 4, "[b, c, h, w]");
    GridDims d{images.shape[0], images.shape[1], images.shape[2], images.shape[3], 0, 0};
    if (d.height < 1 || d.width < 1) {
        fail("{}: images is {}, expected h >= 1 and w >= 1 (grid_sample needs non-empty spatial dimensions)",
             op, shape_str(images.shape));
    }
    check_rank(op, "samples", samples, 4, "[b, q, d, 2]");
    d.queries = samples.shape[1];
    d.depth = samples.shape[2];
    check_shape(op, "samples", samples, {d.batch, d.queries, d.depth, 2}, "[b (from images), q, d, 2]");
    return d;
}

std::vector<float> to_channels_last(const ArrayView<float>& images, const GridDims& d) {
    std::vector<float> out(images.data.size());
    const int64_t C = d.channels, HW = d.pixels();
    // One task per (b, image row): reads C strided rows of W floats, writes W contiguous pixels.
    oneapi::tbb::parallel_for(Range(0, d.batch * d.height), [&](const Range& r) {
        for (int64_t t = r.begin(); t != r.end(); ++t) {
            const int64_t b = t / d.height, y = t % d.height;
            const float* src = images.data.data() + b * C * HW + y * d.width;
            float* dst = out.data() + (b * HW + y * d.width) * C;
            for (int64_t c = 0; c < C; ++c) {
                for (int64_t x = 0; x < d.width; ++x) dst[x * C + c] = src[c * HW + x];
            }
        }
    });
    return out;
}

std::vector<float> to_channels_first(const std::vector<float>& channels_last, const GridDims& d) {
    std::vector<float> out(channels_last.size());
    const int64_t C = d.channels, HW = d.pixels();
    oneapi::tbb::parallel_for(Range(0, d.batch * C), [&](const Range& r) {
        for (int64_t t = r.begin(); t != r.end(); ++t) {
            const int64_t b = t / C, c = t % C;
            const float* src = channels_last.data() + b * HW * C + c;
            float* dst = out.data() + t * HW;
            for (int64_t p = 0; p < HW; ++p) dst[p] = src[p * C];
        }
    });
    return out;
}

}  // namespace tilesim::ops::detail
