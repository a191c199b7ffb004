// sample_sum: grid_sample fused with a weighted sum over the depth samples (sample_dot is in
// sample_dot_reference.cpp). Work is split by (b, q) rows: a row owns its outputs, its weight and sample
// gradients; the image gradient is scattered by (b, channel block) tasks (grid_sampling.hpp).
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"

#include <algorithm>

#include "ops/fused_grid_ops/grid_sampling.hpp"

namespace tilesim::ops {
namespace {

using detail::GridDims;
using Range = oneapi::tbb::blocked_range<int64_t>;

struct SampleSumDims : GridDims {
    int64_t heads;
    // Offset of [b, hd, q, 0] in a [b, hd, q, n] array.
    int64_t head_row(int64_t b, int64_t hd, int64_t q, int64_t n) const {
        return ((b * heads + hd) * queries + q) * n;
    }
};

SampleSumDims validate_sample_sum(std::string_view op, const ArrayView<float>& images,
                                  const ArrayView<float>& samples, const ArrayView<float>& weights) {
    SampleSumDims d{detail::validate_images_and_samples(op, images, samples), 0};
    check_rank(op, "weights", weights, 4, "[b, hd, q, d]");
    d.heads = weights.shape[1];
    check_shape(op, "weights", weights, {d.batch, d.heads, d.queries, d.depth},
                "[b (from images), hd, q, d (from samples)]");
    return d;
}

// s[c] = grid_sample(images, samples)[b, c, q, dd] from the channels-last images.
PixelTaps sample_channels(const SampleSumDims& d, const float* nhwc, const float* samples, int64_t b,
                          int64_t q, int64_t dd, const float* zero_row, float* s) {
    const PixelTaps t = detail::grid_taps(samples + d.sample_offset(b, q, dd), d);
    const float* rows[4];
    tap_rows(t, nhwc + b * d.pixels() * d.channels, d.channels, 0, zero_row, rows);
    channel_kernels().blend4(rows, t.weight, d.channels, s);
    return t;
}

}  // namespace

HostArray<float> sample_sum_forward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& weights) {
    const SampleSumDims d = validate_sample_sum("sample_sum", images, samples, weights);
    const std::vector<float> nhwc = detail::to_channels_last(images, d);
    const std::vector<float> zero_row(static_cast<size_t>(d.channels), 0.f);
    HostArray<float> out({d.batch, d.heads, d.queries, d.channels});
    const ChannelKernels& k = channel_kernels();
    oneapi::tbb::parallel_for(Range(0, d.batch * d.queries), [&](const Range& r) {
        std::vector<float> s(static_cast<size_t>(d.channels));
        for (int64_t row = r.begin(); row != r.end(); ++row) {
            const int64_t b = row / d.queries, q = row % d.queries;
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                sample_channels(d, nhwc.data(), samples.data.data(), b, q, dd, zero_row.data(), s.data());
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    k.axpy(weights.data[static_cast<size_t>(d.head_row(b, hd, q, d.depth) + dd)], s.data(),
                           d.channels, out.data.data() + d.head_row(b, hd, q, d.channels));
                }
            }
        }
    });
    return out;
}

SampleSumGrads sample_sum_backward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                       const ArrayView<float>& weights, const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "sample_sum_backward";
    const SampleSumDims d = validate_sample_sum(op, images, samples, weights);
    check_shape(op, "grad_output", grad_output, {d.batch, d.heads, d.queries, d.channels}, "[b, hd, q, c]");
    const std::vector<float> nhwc = detail::to_channels_last(images, d);
    const std::vector<float> zero_row(static_cast<size_t>(d.channels), 0.f);
    SampleSumGrads g{HostArray<float>(images.shape), HostArray<float>(samples.shape),
                     HostArray<float>(weights.shape)};
    const ChannelKernels& k = channel_kernels();
    const float* w = weights.data.data();
    const float* go = grad_output.data.data();
    // gv[c] = d loss / d sampled value = Σ_hd weights[b, hd, q, dd] * grad_output[b, hd, q, c]
    auto value_gradient = [&](int64_t b, int64_t q, int64_t dd, ChannelBlock block, float* gv) {
        std::fill(gv, gv + (block.end - block.begin), 0.f);
        for (int64_t hd = 0; hd < d.heads; ++hd) {
            k.axpy(w[d.head_row(b, hd, q, d.depth) + dd], go + d.head_row(b, hd, q, d.channels) + block.begin,
                   block.end - block.begin, gv);
        }
    };
    oneapi::tbb::parallel_for(Range(0, d.batch * d.queries), [&](const Range& r) {
        std::vector<float> s(static_cast<size_t>(d.channels)), gv(s.size());
        for (int64_t row = r.begin(); row != r.end(); ++row) {
            const int64_t b = row / d.queries, q = row % d.queries;
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                const PixelTaps t =
                    sample_channels(d, nhwc.data(), samples.data.data(), b, q, dd, zero_row.data(), s.data());
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    g.grad_weights.data[static_cast<size_t>(d.head_row(b, hd, q, d.depth) + dd)] =
                        k.dot(go + d.head_row(b, hd, q, d.channels), s.data(), d.channels);
                }
                value_gradient(b, q, dd, {0, d.channels}, gv.data());
                float tap_grad[4];
                detail::tap_gradients(t, nhwc.data() + b * d.pixels() * d.channels, gv.data(), d, tap_grad);
                detail::grid_point_gradient(t, tap_grad, d,
                                            g.grad_samples.data.data() + d.sample_offset(b, q, dd));
            }
        }
    });
    g.grad_images.data = detail::scatter_image_gradients(d, samples.data.data(), value_gradient);
    return g;
}

}  // namespace tilesim::ops
