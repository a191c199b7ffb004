#pragma once
// Vectorised inner loops over the channels of channels-last feature maps, shared by the CPU references of
// deformable aggregation and of sample_sum / sample_dot. Written with Highway and dispatched once per
// process to the best instruction set of the CPU (SSE4 / AVX2 / AVX-512), so that the references run at
// the speed the machine allows without -march flags. Each function processes one sample's channels:
// the callers' loops over samples stay in plain C++ and pass whole channel vectors here.
//
// The four-tap functions take the bilinear taps in PyTorch's corner order (nw, ne, sw, se), see
// kernels/common/bilinear.hpp; a tap outside the map points at a row of zeros (reads) or is null (writes).
#include <cstdint>

namespace tilesim::ops {

struct ChannelKernels {
    // out[c] = Σ_i w[i] * rows[i][c]
    void (*blend4)(const float* const* rows, const float* w, int64_t n, float* out);
    // out[c] += group_weight[c / group_size] * Σ_i w[i] * rows[i][c], c < groups * group_size
    void (*grouped_blend4_accumulate)(const float* const* rows, const float* w, const float* group_weight,
                                      int64_t groups, int64_t group_size, float* out);
    // out[c] += group_weight[c / group_size] * x[c]
    void (*grouped_axpy)(const float* group_weight, const float* x, int64_t groups, int64_t group_size,
                         float* out);
    // out[c] += a * x[c]
    void (*axpy)(float a, const float* x, int64_t n, float* out);
    // Σ_c x[c] * y[c]
    float (*dot)(const float* x, const float* y, int64_t n);
    // out[g] = Σ_{c in group g} x[c] * y[c]
    void (*grouped_dot)(const float* x, const float* y, int64_t groups, int64_t group_size, float* out);
    // rows[i][c] += w[i] * v[c] for each non-null rows[i]
    void (*scatter4)(float* const* rows, const float* w, const float* v, int64_t n);
};

// The kernels compiled for the best instruction set this CPU supports (chosen on first use).
const ChannelKernels& channel_kernels();

}  // namespace tilesim::ops
