#pragma once
// The patch-correlation loop that both the spatial correlation sampler and FlowNet's correlation are
// instances of, on channels-last images:
//   out[b, ph, pw, oh, ow] = sum_{i<kernel_h, j<kernel_w} term(a[b, y1, x1, :], b[b, y2, x2, :]) / divisor
//   y1 = oh * stride_h + origin_h + i * dilation_h,   y2 = y1 + (ph - (patch_h - 1) / 2) * dilation_patch_h
//   (same for x), a term is skipped when either position is outside [0, height) x [0, width),
//   term = dot product over channels, or sum of |a - b| (absolute_difference).
// The spatial sampler runs it on the unpadded images (origin = -padding, so out-of-image taps are
// skipped); FlowNet runs it on images zero-padded by pad_size (origin = max_displacement, so every tap
// is inside, and padded zeros take part in |a - b|).
#include <cstdint>

namespace tilesim::ops::detail {

struct CorrelationGeometry {
    int64_t batch = 0, channels = 0;
    int64_t height = 0, width = 0;  // of the channels-last images read (padded ones for FlowNet)
    int64_t pad = 0;                // zero border already in those images; gradients skip it
    int64_t out_h = 0, out_w = 0;
    int kernel_h = 1, kernel_w = 1;
    int stride_h = 1, stride_w = 1;
    int origin_h = 0, origin_w = 0;
    int dilation_h = 1, dilation_w = 1;
    int patch_h = 1, patch_w = 1;
    int dilation_patch_h = 1, dilation_patch_w = 1;  // >= 1: a patch row's valid shifts are contiguous
    bool absolute_difference = false;
    float divisor = 1.f;
};

// a, b: [batch, height, width, channels]; out: [batch, patch_h, patch_w, out_h, out_w].
void correlation_forward_nhwc(const CorrelationGeometry& g, const float* a, const float* b, float* out);

// grad_out: [batch, patch_h, patch_w, out_h, out_w]. grad_a, grad_b: zero-filled
// [batch, height - 2 pad, width - 2 pad, channels] (the unpadded region). Each gradient pixel is
// computed by one task, in a fixed order: deterministic for any number of threads.
void correlation_backward_nhwc(const CorrelationGeometry& g, const float* a, const float* b,
                               const float* grad_out, float* grad_a, float* grad_b);

}  // namespace tilesim::ops::detail
