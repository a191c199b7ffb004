// Highway implementation of ChannelKernels, compiled once per x86 target by foreach_target.h (this file
// includes itself for each target). Vector loops use unaligned loads and a scalar tail, so any channel
// count and any row address works; results do not depend on the thread that runs them.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/deformable_aggregation/channel_kernels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/deformable_aggregation/detail/channel_kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;

// Σ_i w[i] * rows[i][c .. c+lanes) in PyTorch's order: nw + ne + sw + se.
HWY_INLINE hn::Vec<D> blend_at(D d, const float* const* rows, const hn::Vec<D>* wv, int64_t c) {
    auto acc = hn::Mul(wv[0], hn::LoadU(d, rows[0] + c));
    acc = hn::MulAdd(wv[1], hn::LoadU(d, rows[1] + c), acc);
    acc = hn::MulAdd(wv[2], hn::LoadU(d, rows[2] + c), acc);
    return hn::MulAdd(wv[3], hn::LoadU(d, rows[3] + c), acc);
}

HWY_INLINE float blend_scalar(const float* const* rows, const float* w, int64_t c) {
    return w[0] * rows[0][c] + w[1] * rows[1][c] + w[2] * rows[2][c] + w[3] * rows[3][c];
}

void Blend4(const float* const* rows, const float* w, int64_t n, float* out) {
    const D d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    const hn::Vec<D> wv[4] = {hn::Set(d, w[0]), hn::Set(d, w[1]), hn::Set(d, w[2]), hn::Set(d, w[3])};
    int64_t c = 0;
    for (; c + lanes <= n; c += lanes) hn::StoreU(blend_at(d, rows, wv, c), d, out + c);
    for (; c < n; ++c) out[c] = blend_scalar(rows, w, c);
}

void GroupedBlend4Accumulate(const float* const* rows, const float* w, const float* group_weight,
                             int64_t groups, int64_t group_size, float* out) {
    const D d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    const hn::Vec<D> wv[4] = {hn::Set(d, w[0]), hn::Set(d, w[1]), hn::Set(d, w[2]), hn::Set(d, w[3])};
    for (int64_t g = 0; g < groups; ++g) {
        const auto gw = hn::Set(d, group_weight[g]);
        const int64_t end = (g + 1) * group_size;
        int64_t c = g * group_size;
        for (; c + lanes <= end; c += lanes) {
            // SparseDrive: out += bilinear value * group weight (value first, then the weight).
            hn::StoreU(hn::MulAdd(blend_at(d, rows, wv, c), gw, hn::LoadU(d, out + c)), d, out + c);
        }
        for (; c < end; ++c) out[c] += blend_scalar(rows, w, c) * group_weight[g];
    }
}

void GroupedAxpy(const float* group_weight, const float* x, int64_t groups, int64_t group_size, float* out) {
    const D d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    for (int64_t g = 0; g < groups; ++g) {
        const auto gw = hn::Set(d, group_weight[g]);
        const int64_t end = (g + 1) * group_size;
        int64_t c = g * group_size;
        for (; c + lanes <= end; c += lanes) {
            hn::StoreU(hn::MulAdd(hn::LoadU(d, x + c), gw, hn::LoadU(d, out + c)), d, out + c);
        }
        for (; c < end; ++c) out[c] += x[c] * group_weight[g];
    }
}

void Axpy(float a, const float* x, int64_t n, float* out) {
    GroupedAxpy(&a, x, 1, n, out);
}

HWY_INLINE float dot_range(const float* x, const float* y, int64_t begin, int64_t end) {
    const D d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    auto acc = hn::Zero(d);
    int64_t c = begin;
    for (; c + lanes <= end; c += lanes) acc = hn::MulAdd(hn::LoadU(d, x + c), hn::LoadU(d, y + c), acc);
    float sum = hn::GetLane(hn::SumOfLanes(d, acc));
    for (; c < end; ++c) sum += x[c] * y[c];
    return sum;
}

float Dot(const float* x, const float* y, int64_t n) {
    return dot_range(x, y, 0, n);
}

void GroupedDot(const float* x, const float* y, int64_t groups, int64_t group_size, float* out) {
    for (int64_t g = 0; g < groups; ++g) out[g] = dot_range(x, y, g * group_size, (g + 1) * group_size);
}

void Scatter4(float* const* rows, const float* w, const float* v, int64_t n) {
    const D d;
    const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
    for (int i = 0; i < 4; ++i) {
        float* HWY_RESTRICT row = rows[i];
        if (row == nullptr) continue;
        const auto wv = hn::Set(d, w[i]);
        int64_t c = 0;
        for (; c + lanes <= n; c += lanes) {
            hn::StoreU(hn::MulAdd(wv, hn::LoadU(d, v + c), hn::LoadU(d, row + c)), d, row + c);
        }
        for (; c < n; ++c) row[c] += w[i] * v[c];
    }
}

ChannelKernels GetChannelKernels() {
    return {&Blend4, &GroupedBlend4Accumulate, &GroupedAxpy, &Axpy, &Dot, &GroupedDot, &Scatter4};
}

}  // namespace tilesim::ops::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops {

HWY_EXPORT(GetChannelKernels);

const ChannelKernels& channel_kernels() {
    static const ChannelKernels kernels = HWY_DYNAMIC_DISPATCH(GetChannelKernels)();
    return kernels;
}

}  // namespace tilesim::ops
#endif  // HWY_ONCE
