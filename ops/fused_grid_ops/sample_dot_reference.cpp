// sample_dot: grid_sample fused with a dot product against the queries extended by a positional encoding
// of the sample's depth. Work is split by (b, q) rows: a row owns its outputs and its query, depth and
// sample gradients; the image gradient is scattered by (b, channel block) tasks (grid_sampling.hpp).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"
#include "ops/fused_grid_ops/detail/grid_sampling.hpp"

namespace tilesim::ops {
namespace {

using detail::GridDims;

struct SampleDotDims : GridDims {
    int64_t query_channels, octaves;
    int64_t encodings() const { return 2 * octaves; }
};

SampleDotDims validate_sample_dot(std::string_view op, const ArrayView<float>& images,
                                  const ArrayView<float>& samples, const ArrayView<float>& queries,
                                  const ArrayView<float>& depths, int64_t octaves) {
    SampleDotDims d{detail::validate_images_and_samples(op, images, samples), 0, octaves};
    if (octaves < 0 || 2 * octaves > d.channels) {
        fail("{}: num_octaves = {} must be in [0, c / 2] with c = {} (images' channels)", op, octaves,
             d.channels);
    }
    d.query_channels = d.channels - 2 * octaves;
    check_rank(op, "queries", queries, 4, "[b, hd, q, c - 2 * num_octaves]");
    d.heads = queries.shape[1];
    check_shape(op, "queries", queries, {d.batch, d.heads, d.queries, d.query_channels},
                "[b (from images), hd, q (from samples), c - 2 * num_octaves]");
    check_shape(op, "depths", depths, {d.batch, d.queries, d.depth}, "[b, q, d] (from samples)");
    return d;
}

// pe[2f + p] = sin(depth * 2π·2^f + p·π/2) and, when dpe is not null, d pe / d depth; in the seed's order
// (f0 φ0, f0 φ1, f1 φ0, ...). Float arithmetic as PyTorch's float32 formulation: depth * freq + phase.
void positional_encoding(float depth, int64_t octaves, float* pe, float* dpe) {
    constexpr auto two_pi = static_cast<float>(2 * std::numbers::pi);
    constexpr auto half_pi = static_cast<float>(std::numbers::pi / 2);
    for (int64_t f = 0; f < octaves; ++f) {
        const float freq = two_pi * std::ldexp(1.f, static_cast<int>(f));
        for (int p = 0; p < 2; ++p) {
            const float arg = depth * freq + (p == 0 ? 0.f : half_pi);
            pe[2 * f + p] = std::sin(arg);
            if (dpe != nullptr) dpe[2 * f + p] = freq * std::cos(arg);
        }
    }
}

// Per-thread buffers: the sampled channels, d loss / d sampled value, the encoding and its derivative.
struct Scratch {
    std::vector<float> values, grad_values, pe, dpe;
    explicit Scratch(const SampleDotDims& d)
        : values(static_cast<size_t>(d.channels)),
          grad_values(values.size()),
          pe(static_cast<size_t>(d.encodings())),
          dpe(pe.size()) {}
};

// gv[c] = d loss / d sampled value = Σ_hd grad_output[b, hd, q, dd] * cat(queries[b, hd, q], pe)[c] for c
// in block; returns Σ_hd grad_output[b, hd, q, dd].
float value_gradient(const SampleDotDims& d, const float* queries, const float* grad_output, int64_t b,
                     int64_t q, int64_t dd, ChannelBlock block, const float* pe, float* gv) {
    const int64_t cq = d.query_channels, query_end = std::min(block.end, cq);
    std::fill(gv, gv + (block.end - block.begin), 0.f);
    float grad_sum = 0.f;
    for (int64_t hd = 0; hd < d.heads; ++hd) {
        const float g = grad_output[d.head_row(b, hd, q, d.depth) + dd];
        grad_sum += g;
        if (block.begin < query_end) {
            channel_kernels().axpy(g, queries + d.head_row(b, hd, q, cq) + block.begin,
                                   query_end - block.begin, gv);
        }
    }
    for (int64_t c = std::max(block.begin, cq); c < block.end; ++c)
        gv[c - block.begin] = grad_sum * pe[c - cq];
    return grad_sum;
}

}  // namespace

HostArray<float> sample_dot_forward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& queries, const ArrayView<float>& depths,
                                        int64_t num_octaves) {
    const SampleDotDims d = validate_sample_dot("sample_dot", images, samples, queries, depths, num_octaves);
    const detail::ChannelsLastImages nhwc(images, d);
    HostArray<float> out({d.batch, d.heads, d.queries, d.depth});
    const ChannelKernels& k = channel_kernels();
    const int64_t cq = d.query_channels;
    detail::for_each_query_row(
        d, [&] { return Scratch(d); },
        [&](int64_t b, int64_t q, Scratch& s) {
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                nhwc.sample(samples.data.data(), b, q, dd, s.values.data());
                positional_encoding(depths.data[static_cast<size_t>(d.sample_index(b, q, dd))], d.octaves,
                                    s.pe.data(), nullptr);
                const float pe_dot = k.dot(s.values.data() + cq, s.pe.data(), d.encodings());  // every head
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    out.data[static_cast<size_t>(d.head_row(b, hd, q, d.depth) + dd)] =
                        k.dot(s.values.data(), queries.data.data() + d.head_row(b, hd, q, cq), cq) + pe_dot;
                }
            }
        });
    return out;
}

SampleDotGrads sample_dot_backward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                       const ArrayView<float>& queries, const ArrayView<float>& depths,
                                       int64_t num_octaves, const ArrayView<float>& grad_output) {
    constexpr std::string_view op = "sample_dot_backward";
    const SampleDotDims d = validate_sample_dot(op, images, samples, queries, depths, num_octaves);
    check_shape(op, "grad_output", grad_output, {d.batch, d.heads, d.queries, d.depth}, "[b, hd, q, d]");
    const detail::ChannelsLastImages nhwc(images, d);
    SampleDotGrads g{HostArray<float>(images.shape), HostArray<float>(samples.shape),
                     HostArray<float>(queries.shape), HostArray<float>(depths.shape)};
    const ChannelKernels& k = channel_kernels();
    const int64_t cq = d.query_channels, npe = d.encodings();
    const float* go = grad_output.data.data();
    // Every sample's encoding, kept from the first pass for the image-gradient scatter.
    std::vector<float> pe_all(depths.data.size() * static_cast<size_t>(npe));
    detail::for_each_query_row(
        d, [&] { return Scratch(d); },
        [&](int64_t b, int64_t q, Scratch& s) {
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                const int64_t i = d.sample_index(b, q, dd);
                const PixelTaps t = nhwc.sample(samples.data.data(), b, q, dd, s.values.data());
                positional_encoding(depths.data[static_cast<size_t>(i)], d.octaves, s.pe.data(),
                                    s.dpe.data());
                std::copy(s.pe.begin(), s.pe.end(), pe_all.begin() + i * npe);
                const float grad_sum = value_gradient(d, queries.data.data(), go, b, q, dd, {0, d.channels},
                                                      s.pe.data(), s.grad_values.data());
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    k.axpy(go[d.head_row(b, hd, q, d.depth) + dd], s.values.data(), cq,
                           g.grad_queries.data.data() + d.head_row(b, hd, q, cq));
                }
                g.grad_depths.data[static_cast<size_t>(i)] =
                    grad_sum * k.dot(s.values.data() + cq, s.dpe.data(), npe);
                nhwc.sample_gradient(t, b, s.grad_values.data(), g.grad_samples.data.data() + 2 * i);
            }
        });
    g.grad_images.data = detail::scatter_image_gradients(
        d, samples.data.data(), [&](int64_t b, int64_t q, int64_t dd, ChannelBlock block, float* gv) {
            value_gradient(d, queries.data.data(), go, b, q, dd, block,
                           pe_all.data() + d.sample_index(b, q, dd) * npe, gv);
        });
    return g;
}

}  // namespace tilesim::ops
