#include "ops/fused_grid_ops/detail/grid_sampling.hpp"

namespace tilesim::ops::detail {

using Range = oneapi::tbb::blocked_range<int64_t>;

GridDims validate_images_and_samples(std::string_view op, const ArrayView<float>& images,
                                     const ArrayView<float>& samples) {
    check_rank(op, "images", images, 4, "[b, c, h, w]");
    GridDims d{images.shape[0], images.shape[1], images.shape[2], images.shape[3], 0, 0, 0};
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

ChannelsLastImages::ChannelsLastImages(const ArrayView<float>& images, const GridDims& d)
    : d_(d), nhwc_(images.data.size()), zero_row_(static_cast<size_t>(d.channels), 0.f) {
    const int64_t C = d.channels, HW = d.pixels();
    // One task per (b, image row): reads C strided rows of W floats, writes W contiguous pixels.
    oneapi::tbb::parallel_for(Range(0, d.batch * d.height), [&](const Range& r) {
        for (int64_t t = r.begin(); t != r.end(); ++t) {
            const int64_t b = t / d.height, y = t % d.height;
            const float* src = images.data.data() + b * C * HW + y * d.width;
            float* dst = nhwc_.data() + (b * HW + y * d.width) * C;
            for (int64_t c = 0; c < C; ++c) {
                for (int64_t x = 0; x < d.width; ++x) dst[x * C + c] = src[c * HW + x];
            }
        }
    });
}

void ChannelsLastImages::sample_gradient(const PixelTaps& t, int64_t b, const float* grad_value,
                                         float* grad_xy) const {
    float gx = 0.f, gy = 0.f;
    for (int i = 0; i < 4; ++i) {
        if (t.pixel[i] < 0) continue;  // a tap outside the image reads 0: no gradient
        const float tap_grad =
            channel_kernels().dot(grad_value, image(b) + t.pixel[i] * d_.channels, d_.channels);
        gx += t.dweight_dx[i] * tap_grad;
        gy += t.dweight_dy[i] * tap_grad;
    }
    // PyTorch (align_corners=False): x = ((gx + 1) * W - 1) / 2, so d x / d gx = W / 2.
    grad_xy[0] = gx * static_cast<float>(d_.width) * 0.5f;
    grad_xy[1] = gy * static_cast<float>(d_.height) * 0.5f;
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
