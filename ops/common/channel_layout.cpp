#include "ops/common/channel_layout.hpp"

#include <algorithm>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/common/transpose_simd.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
// out[n][b][a] = in[n][a][b] for each of n planes of rows x cols values: parallel over column chunks,
// 32 x 32 blocks so that both the strided reads and the contiguous writes stay in cache.
Tensor transpose_planes(const Tensor& in, Shape out_shape, uint32_t n, uint32_t rows, uint32_t cols) {
    if (in.dtype() != DataType::Float32 || in.layout() != Layout::ROW_MAJOR) {
        fail("channel transpose: expected a ROW_MAJOR Float32 tensor, got {} {}", to_string(in.dtype()),
             to_string(in.layout()));
    }
    Tensor out(std::move(out_shape), DataType::Float32);
    const float* src = in.data<float>().data();
    float* dst = out.data<float>().data();
    const size_t plane = size_t(rows) * cols;
    constexpr uint32_t kBlock = 32;
    const uint32_t col_blocks = (cols + kBlock - 1) / kBlock;
    oneapi::tbb::parallel_for(
        oneapi::tbb::blocked_range<size_t>(0, size_t(n) * col_blocks, 16), [&](const auto& range) {
            for (size_t job = range.begin(); job < range.end(); ++job) {
                const float* s = src + (job / col_blocks) * plane;
                float* d = dst + (job / col_blocks) * plane;
                const uint32_t b0 = static_cast<uint32_t>(job % col_blocks) * kBlock,
                               b1 = std::min(cols, b0 + kBlock);
                for (uint32_t a0 = 0; a0 < rows; a0 += kBlock) {
                    const uint32_t a1 = std::min(rows, a0 + kBlock);
                    detail::transpose_block(s + size_t(a0) * cols + b0, cols, d + size_t(b0) * rows + a0,
                                            rows, a1 - a0, b1 - b0);
                }
            }
        });
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

Tensor round_to_bf16(const Tensor& t) {
    return t.to_dtype(DataType::BFloat16).to_dtype(DataType::Float32);
}

}  // namespace tilesim::ops
