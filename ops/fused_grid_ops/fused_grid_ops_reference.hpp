#pragma once
// CPU references of the fused grid ops sample_sum and sample_dot (the seed `fused_grid_ops`; tilesim's
// op spec §6): grid_sample (bilinear, zeros padding, align_corners=False) fused with a weighted sum over
// the depth samples, or with a dot product against queries extended by a positional encoding of depth.
// Multi-threaded with oneTBB; results do not depend on the thread count.
//
// Shapes: images [b, c, h, w]; samples [b, q, d, 2] as grid_sample's grid ((x, y) in [-1, 1]);
// weights [b, hd, q, d]; queries [b, hd, q, c - 2 * num_octaves]; depths [b, q, d].
#include <cstdint>

#include "ops/common/host_array.hpp"

namespace tilesim::ops {

// out[b, hd, q, c] = Σ_d weights[b, hd, q, d] * grid_sample(images, samples)[b, c, q, d]  -> [b, hd, q, c]
HostArray<float> sample_sum_forward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& weights);

struct SampleSumGrads {
    HostArray<float> grad_images;   // [b, c, h, w]
    HostArray<float> grad_samples;  // [b, q, d, 2]
    HostArray<float> grad_weights;  // [b, hd, q, d]
};

// grad_output [b, hd, q, c].
SampleSumGrads sample_sum_backward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                       const ArrayView<float>& weights, const ArrayView<float>& grad_output);

// out[b, hd, q, d] = Σ_c grid_sample(images, samples)[b, c, q, d] * cat(queries[b, hd, q, :],
// pe(depths[b, q, d]))[c], with pe = sin(depth * 2π·2^f + φ) for f < num_octaves, φ in {0, π/2}, in the
// order (f0 φ0, f0 φ1, f1 φ0, ...)  -> [b, hd, q, d]
HostArray<float> sample_dot_forward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                        const ArrayView<float>& queries, const ArrayView<float>& depths,
                                        int64_t num_octaves);

struct SampleDotGrads {
    HostArray<float> grad_images;   // [b, c, h, w]
    HostArray<float> grad_samples;  // [b, q, d, 2]
    HostArray<float> grad_queries;  // [b, hd, q, c - 2 * num_octaves]
    HostArray<float> grad_depths;   // [b, q, d]
};

// grad_output [b, hd, q, d].
SampleDotGrads sample_dot_backward_cpu(const ArrayView<float>& images, const ArrayView<float>& samples,
                                       const ArrayView<float>& queries, const ArrayView<float>& depths,
                                       int64_t num_octaves, const ArrayView<float>& grad_output);

}  // namespace tilesim::ops
