// sample_sum: grid_sample fused with a weighted sum over the depth samples (sample_dot is in
// sample_dot_reference.cpp). Work is split by (b, q) rows: a row owns its outputs, its weight and sample
// gradients; the image gradient is scattered by (b, channel block) tasks (grid_sampling.hpp).
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"

#include <algorithm>

#include "ops/fused_grid_ops/detail/grid_sampling.hpp"

namespace tilesim::ops {
namespace {

using detail::GridDims;

GridDims validate_sample_sum(std::string_view op, const ArrayView<float>& images,
                             const ArrayView<float>& samples, const ArrayView<float>& weights) {
    GridDims d = detail::validate_images_and_samples(op, images, samples);
    check_rank(op, "weights", weights, 4, "[b, hd, q, d]");
    d.heads = weights.shape[1];
    check_shape(op, "weights", weights, {d.batch, d.heads, d.queries, d.depth},
                "[b (from images), hd, q, d (from samples)]");
    return d;
}

std::vector<float> channel_buffer(const GridDims& d) {
    return std::vector<float>(static_cast<size_t>(d.channels));
}

// gv[c] = d loss / d sampled value = Σ_hd weights[b, hd, q, dd] * grad_output[b, hd, q, c], c in block.
void value_gradient(const GridDims& d, const float* weights, const float* grad_output, int64_t b, int64_t q,
                    int64_t dd, ChannelBlock block, float* gv) {
    std::fill(gv, gv + (block.end - block.begin), 0.f);
    for (int64_t hd = 0; hd < d.heads; ++hd) {
        channel_kernels().axpy(weights[d.head_row(b, hd, q, d.depth) + dd],
                               grad_output + d.head_row(b, hd, q, d.channels) + block.begin,
                               block.end - block.begin, gv);
    }
}

}  // namespace

HostArray<float> sample_sum_forward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& weights) {
    const GridDims d = validate_sample_sum("sample_sum", images, samples, weights);
    const detail::ChannelsLastImages nhwc(images, d);
    HostArray<float> out({d.batch, d.heads, d.queries, d.channels});
    const float* w = weights.data.data();
    detail::for_each_query_row(
        d, [&] { return channel_buffer(d); },
        [&](int64_t b, int64_t q, std::vector<float>& s) {
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                nhwc.sample(samples.data.data(), b, q, dd, s.data());
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    channel_kernels().axpy(w[d.head_row(b, hd, q, d.depth) + dd], s.data(), d.channels,
                                           out.data.data() + d.head_row(b, hd, q, d.channels));
                }
            }
        });
    return out;
}

SampleSumGrads sample_sum_backward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                       const ArrayView<float>& weights, const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "sample_sum_backward";
    const GridDims d = validate_sample_sum(op, images, samples, weights);
    check_shape(op, "grad_output", grad_output, {d.batch, d.heads, d.queries, d.channels}, "[b, hd, q, c]");
    const detail::ChannelsLastImages nhwc(images, d);
    SampleSumGrads g{HostArray<float>(images.shape), HostArray<float>(samples.shape),
                     HostArray<float>(weights.shape)};
    const float* w = weights.data.data();
    const float* go = grad_output.data.data();
    detail::for_each_query_row(
        d, [&] { return std::make_pair(channel_buffer(d), channel_buffer(d)); },
        [&](int64_t b, int64_t q, auto& scratch) {
            auto& [s, gv] = scratch;
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                const PixelTaps t = nhwc.sample(samples.data.data(), b, q, dd, s.data());
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    g.grad_weights.data[static_cast<size_t>(d.head_row(b, hd, q, d.depth) + dd)] =
                        channel_kernels().dot(go + d.head_row(b, hd, q, d.channels), s.data(), d.channels);
                }
                value_gradient(d, w, go, b, q, dd, {0, d.channels}, gv.data());
                nhwc.sample_gradient(t, b, gv.data(),
                                     g.grad_samples.data.data() + 2 * d.sample_index(b, q, dd));
            }
        });
    g.grad_images.data = detail::scatter_image_gradients(
        d, samples.data.data(), [&](int64_t b, int64_t q, int64_t dd, ChannelBlock block, float* gv) {
            value_gradient(d, w, go, b, q, dd, block, gv);
        });
    return g;
}

}  // namespace tilesim::ops
