// sample_dot: grid_sample fused with a dot product against the queries extended by a positional encoding
// of the sample's depth. Work is split by (b, q) rows: a row owns its outputs and its query, depth and
// sample gradients; the image gradient is scattered by (b, channel block) tasks (grid_sampling.hpp).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"
#include "ops/fused_grid_ops/grid_sampling.hpp"

namespace tilesim::ops {
namespace {

using detail::GridDims;
using Range = oneapi::tbb::blocked_range<int64_t>;

struct SampleDotDims : GridDims {
    int64_t heads, query_channels, octaves;
    // Offset of [b, hd, q, 0] in a [b, hd, q, n] array.
    int64_t head_row(int64_t b, int64_t hd, int64_t q, int64_t n) const {
        return ((b * heads + hd) * queries + q) * n;
    }
};

SampleDotDims validate_sample_dot(std::string_view op, const ArrayView<float>& images,
                                  const ArrayView<float>& samples, const ArrayView<float>& queries,
                                  const ArrayView<float>& depths, int64_t octaves) {
    SampleDotDims d{detail::validate_images_and_samples(op, images, samples), 0, 0, octaves};
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

// pe[2f + p] = sin(depth * 2π·2^f + p·π/2) and its derivative d pe / d depth, in the seed's order
// (f0 φ0, f0 φ1, f1 φ0, ...). Float arithmetic as PyTorch's float32 formulation: freq * depth + phase.
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

struct Sample {
    PixelTaps taps;
    std::vector<float> values;  // grid_sample(images, samples)[b, :, q, dd]
    std::vector<float> pe, dpe;
};

void sample_at(const SampleDotDims& d, const float* nhwc, const float* samples, const float* depths,
               int64_t b, int64_t q, int64_t dd, const float* zero_row, Sample& s) {
    s.taps = detail::grid_taps(samples + d.sample_offset(b, q, dd), d);
    const float* rows[4];
    tap_rows(s.taps, nhwc + b * d.pixels() * d.channels, d.channels, 0, zero_row, rows);
    channel_kernels().blend4(rows, s.taps.weight, d.channels, s.values.data());
    positional_encoding(depths[d.sample_offset(b, q, dd) / 2], d.octaves, s.pe.data(), s.dpe.data());
}

}  // namespace

HostArray<float> sample_dot_forward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& queries, const ArrayView<float>& depths,
                                        int64_t num_octaves) {
    const SampleDotDims d = validate_sample_dot("sample_dot", images, samples, queries, depths, num_octaves);
    const std::vector<float> nhwc = detail::to_channels_last(images, d);
    const std::vector<float> zero_row(static_cast<size_t>(d.channels), 0.f);
    HostArray<float> out({d.batch, d.heads, d.queries, d.depth});
    const ChannelKernels& k = channel_kernels();
    const int64_t cq = d.query_channels, npe = 2 * d.octaves;
    oneapi::tbb::parallel_for(Range(0, d.batch * d.queries), [&](const Range& r) {
        Sample s{{},
                 std::vector<float>(static_cast<size_t>(d.channels)),
                 std::vector<float>(npe),
                 std::vector<float>(npe)};
        for (int64_t row = r.begin(); row != r.end(); ++row) {
            const int64_t b = row / d.queries, q = row % d.queries;
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                sample_at(d, nhwc.data(), samples.data.data(), depths.data.data(), b, q, dd, zero_row.data(),
                          s);
                const float pe_dot = k.dot(s.values.data() + cq, s.pe.data(), npe);  // same for every head
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    out.data[static_cast<size_t>(d.head_row(b, hd, q, d.depth) + dd)] =
                        k.dot(s.values.data(), queries.data.data() + d.head_row(b, hd, q, cq), cq) + pe_dot;
                }
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
    const std::vector<float> nhwc = detail::to_channels_last(images, d);
    const std::vector<float> zero_row(static_cast<size_t>(d.channels), 0.f);
    SampleDotGrads g{HostArray<float>(images.shape), HostArray<float>(samples.shape),
                     HostArray<float>(queries.shape), HostArray<float>(depths.shape)};
    const ChannelKernels& k = channel_kernels();
    const int64_t cq = d.query_channels, npe = 2 * d.octaves;
    const float* qv = queries.data.data();
    const float* go = grad_output.data.data();
    // The encodings of every sample, kept from the first pass for the image-gradient scatter.
    std::vector<float> pe_all(depths.data.size() * static_cast<size_t>(npe));
    auto grad_out = [&](int64_t b, int64_t hd, int64_t q, int64_t dd) {
        return go[d.head_row(b, hd, q, d.depth) + dd];
    };
    // gv[c] = d loss / d sampled value = Σ_hd grad_output[b, hd, q, dd] * cat(queries, pe)[c], for c in
    // block.
    auto value_gradient = [&](int64_t b, int64_t q, int64_t dd, ChannelBlock block, const float* pe,
                              float* gv) {
        const int64_t query_end = std::min(block.end, cq);
        std::fill(gv, gv + (block.end - block.begin), 0.f);
        float grad_sum = 0.f;
        for (int64_t hd = 0; hd < d.heads; ++hd) {
            const float go_hd = grad_out(b, hd, q, dd);
            grad_sum += go_hd;
            if (block.begin < query_end) {
                k.axpy(go_hd, qv + d.head_row(b, hd, q, cq) + block.begin, query_end - block.begin, gv);
            }
        }
        for (int64_t c = std::max(block.begin, cq); c < block.end; ++c)
            gv[c - block.begin] = grad_sum * pe[c - cq];
        return grad_sum;
    };
    oneapi::tbb::parallel_for(Range(0, d.batch * d.queries), [&](const Range& r) {
        Sample s{{},
                 std::vector<float>(static_cast<size_t>(d.channels)),
                 std::vector<float>(npe),
                 std::vector<float>(npe)};
        std::vector<float> gv(static_cast<size_t>(d.channels));
        for (int64_t row = r.begin(); row != r.end(); ++row) {
            const int64_t b = row / d.queries, q = row % d.queries;
            for (int64_t dd = 0; dd < d.depth; ++dd) {
                sample_at(d, nhwc.data(), samples.data.data(), depths.data.data(), b, q, dd, zero_row.data(),
                          s);
                std::copy(s.pe.begin(), s.pe.end(), pe_all.begin() + d.sample_offset(b, q, dd) / 2 * npe);
                const float grad_sum = value_gradient(b, q, dd, {0, d.channels}, s.pe.data(), gv.data());
                for (int64_t hd = 0; hd < d.heads; ++hd) {
                    k.axpy(grad_out(b, hd, q, dd), s.values.data(), cq,
                           g.grad_queries.data.data() + d.head_row(b, hd, q, cq));
                }
                g.grad_depths.data[static_cast<size_t>(d.sample_offset(b, q, dd) / 2)] =
                    grad_sum * k.dot(s.values.data() + cq, s.dpe.data(), npe);
                float tap_grad[4];
                detail::tap_gradients(s.taps, nhwc.data() + b * d.pixels() * d.channels, gv.data(), d,
                                      tap_grad);
                detail::grid_point_gradient(s.taps, tap_grad, d,
                                            g.grad_samples.data.data() + d.sample_offset(b, q, dd));
            }
        }
    });
    g.grad_images.data = detail::scatter_image_gradients(
        d, samples.data.data(), [&](int64_t b, int64_t q, int64_t dd, ChannelBlock block, float* gv) {
            value_gradient(b, q, dd, block, pe_all.data() + d.sample_offset(b, q, dd) / 2 * npe, gv);
        });
    return g;
}

}  // namespace tilesim::ops
