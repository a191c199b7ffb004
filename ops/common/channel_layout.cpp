#include "ops/common/channel_layout.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/common/detail/transpose_simd.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
Tensor transpose_planes(const Tensor& in, Shape out_shape, uint32_t n, uint32_t rows, uint32_t cols) {
    if (in.dtype() != DataType::Float32 || in.layout() != Layout::ROW_MAJOR) {
        fail("channel transpose: expected a ROW_MAJOR Float32 tensor, got {} {}", in.dtype(), in.layout());
    }
    Tensor out = Tensor::uninitialized(std::move(out_shape), DataType::Float32);  // written in full
    detail::transpose_planes(in.data<float>().data(), out.data<float>().data(), n, rows, cols);
    return out;
}
}  // namespace

Tensor nchw_to_nhwc(const Tensor& t) {
    const Shape& s = t.shape();
    if (s.rank() != 4) fail("nchw_to_nhwc: expected [N, C, H, W], got {}", s);
    // Each image is a C x (H*W) matrix; its transpose is (H*W) x C.
    return transpose_planes(t, Shape{s[0], s[2], s[3], s[1]}, s[0], s[1], s[2] * s[3]);
}

Tensor nhwc_to_nchw(const Tensor& t) {
    const Shape& s = t.shape();
    if (s.rank() != 4) fail("nhwc_to_nchw: expected [N, H, W, C], got {}", s);
    return transpose_planes(t, Shape{s[0], s[3], s[1], s[2]}, s[0], s[1] * s[2], s[3]);
}

namespace {
constexpr uint32_t kPixelBlock = 64;  // pixels transposed at a time (64 x C floats per thread)

// Calls body(n, first_pixel, pixels) for blocks of pixels of every image, on oneTBB's threads.
template <class Body>
void for_each_pixel_block(uint32_t images, uint64_t pixels, Body body) {
    const uint64_t blocks = (pixels + kPixelBlock - 1) / kPixelBlock;
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<uint64_t>(0, images * blocks, 8),
                              [&](const auto& r) {
                                  for (uint64_t job = r.begin(); job < r.end(); ++job) {
                                      const uint64_t first = (job % blocks) * kPixelBlock;
                                      body(static_cast<uint32_t>(job / blocks), first,
                                           std::min<uint64_t>(kPixelBlock, pixels - first));
                                  }
                              });
}
}  // namespace

DeviceTensor to_device_nhwc(const Tensor& nchw, Device& device, const MemoryConfig& config) {
    const Shape& s = nchw.shape();
    if (s.rank() != 4) fail("to_device_nhwc: expected [N, C, H, W], got {}", s);
    if (nchw.dtype() != DataType::Float32 || nchw.layout() != Layout::ROW_MAJOR) {
        fail("to_device_nhwc: expected a ROW_MAJOR float32 tensor, got {} {}", nchw.dtype(), nchw.layout());
    }
    const uint32_t channels = s[1];
    const uint64_t pixels = uint64_t(s[2]) * s[3];
    DeviceTensor t = allocate_on_device(Shape{s[0], s[2], s[3], s[1]}, DataType::Float32, device, config);
    const float* src = nchw.data<float>().data();
    const uint32_t page_bytes = channels * 4;  // the natural page: one stick, no padding
    for_each_pixel_block(s[0], pixels, [&](uint32_t n, uint64_t first, uint64_t count) {
        thread_local std::vector<float> block;
        block.resize(size_t(kPixelBlock) * channels);
        detail::transpose_block(src + size_t(n) * channels * pixels + first, pixels, block.data(), channels,
                                channels, count);
        for (uint64_t i = 0; i < count; ++i) {
            const auto* page = reinterpret_cast<const std::byte*>(block.data() + i * channels);
            t.buffer->write_page(static_cast<uint32_t>(n * pixels + first + i), {page, page_bytes});
        }
    });
    return t;
}

Tensor from_device_nchw(const DeviceTensor& nhwc) {
    const Shape& s = nhwc.shape;
    if (s.rank() != 4 || nhwc.dtype != DataType::Float32 || nhwc.layout != Layout::ROW_MAJOR) {
        fail("from_device_nchw: expected a ROW_MAJOR float32 [N, H, W, C] device tensor, got {} {} {}", s,
             nhwc.dtype, nhwc.layout);
    }
    const uint32_t channels = s[3];
    const uint64_t pixels = uint64_t(s[1]) * s[2];
    Tensor out = Tensor::uninitialized(Shape{s[0], s[3], s[1], s[2]}, DataType::Float32);  // written in full
    float* dst = out.data<float>().data();
    for_each_pixel_block(s[0], pixels, [&](uint32_t n, uint64_t first, uint64_t count) {
        thread_local std::vector<float> block;
        block.resize(size_t(kPixelBlock) * channels);
        auto bytes = std::as_writable_bytes(std::span(block));
        for (uint64_t i = 0; i < count; ++i) {  // read_page reads the stick, none of the padding
            nhwc.buffer->read_page(static_cast<uint32_t>(n * pixels + first + i),
                                   bytes.subspan(i * nhwc.stick_bytes, nhwc.stick_bytes));
        }
        detail::transpose_block(block.data(), channels, dst + size_t(n) * channels * pixels + first, pixels,
                                count, channels);
    });
    return out;
}

Tensor round_to_bf16(const Tensor& t) {
    return t.to_dtype(DataType::BFloat16).to_dtype(DataType::Float32);
}

}  // namespace tilesim::ops
