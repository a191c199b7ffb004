#include "ops/common/channel_layout.hpp"

#include <oneapi/tbb/blocked_range2d.h>
#include <oneapi/tbb/parallel_for.h>

#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
// out[n][a][b] = in[n][b][a] for each of n planes of a x b values: a blocked 2-D transpose per plane.
Tensor transpose_planes(const Tensor& in, Shape out_shape, uint32_t n, uint32_t rows, uint32_t cols) {
    if (in.dtype() != DataType::Float32 || in.layout() != Layout::ROW_MAJOR) {
        fail("channel transpose: expected a ROW_MAJOR Float32 tensor, got {} {}", to_string(in.dtype()), to_string(in.layout()));
    }
    Tensor out(std::move(out_shape), DataType::Float32);
    const float* src = in.data<float>().data();
    float* dst = out.data<float>().data();
    const size_t plane = size_t(rows) * cols;
    for (uint32_t i = 0; i < n; ++i) {
        const float* s = src + i * plane;
        float* d = dst + i * plane;
        oneapi::tbb::parallel_for(oneapi::tbb::blocked_range2d<uint32_t>(0, rows, 32, 0, cols, 32), [&](const auto& r) {
            for (uint32_t a = r.rows().begin(); a < r.rows().end(); ++a)
                for (uint32_t b = r.cols().begin(); b < r.cols().end(); ++b) d[size_t(b) * rows + a] = s[size_t(a) * cols + b];
        });
    }
    return out;
}
}  // namespace

Tensor nchw_to_nhwc(const Tensor& t) {
    const Shape& s = t.shape();
    if (s.rank() != 4) fail("nchw_to_nhwc: expected [N, C, H, W], got {}", s.str());
    // Each image is a C x (H*W) matrix; its transpose is (H*W) x C.
    return transpose_planes(t, Shape{s[0], s[2], s[3], s[1]}, s[0], s[1], s[2] * s[3]);
}

Tensor nhwc_to_nchw(const Tensor& t) {
    const Shape& s = t.shape();
    if (s.rank() != 4) fail("nhwc_to_nchw: expected [N, H, W, C], got {}", s.str());
    return transpose_planes(t, Shape{s[0], s[3], s[1], s[2]}, s[0], s[1] * s[2], s[3]);
}

Tensor round_to_bf16(const Tensor& t) { return t.to_dtype(DataType::BFloat16).to_dtype(DataType::Float32); }

}  // namespace tilesim::ops
