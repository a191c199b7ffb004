#pragma once
// CPU reference of torch.nn.functional.grid_sample (2-D; forward and backward) and F.affine_grid, for both
// channel layouts. Multi-threaded with oneTBB, channel loops vectorised with Highway; results are
// bit-identical whatever the number of threads. Semantics are PyTorch 1.13's CPU kernel, element for
// element; the coordinate math and the NaN/inf rules are in grid_sample_math.hpp.
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/common/grid_sample_math.hpp"

namespace tilesim::ops {

enum class ChannelLayout { NCHW, NHWC };

struct GridSampleOptions {
    GridSampleMode mode = GridSampleMode::Bilinear;
    PaddingMode padding_mode = PaddingMode::Zeros;
    bool align_corners = false;
};

struct GridSampleShape {
    int64_t n, c, h, w, out_h, out_w;
};

// "bilinear" | "nearest" | "bicubic"; "zeros" | "border" | "reflection"; "nchw" | "nhwc" (PyTorch's
// spellings; the layout is case-insensitive). Anything else throws InvalidArgument listing the valid values.
GridSampleMode parse_grid_sample_mode(std::string_view text);
PaddingMode parse_padding_mode(std::string_view text);
ChannelLayout parse_channel_layout(std::string_view text);
std::string_view to_string(GridSampleMode mode);
std::string_view to_string(PaddingMode padding);
std::string_view to_string(ChannelLayout layout);

// Checks an input shape ([N, C, H, W] or [N, H, W, C] by layout) and a grid shape ([N, Ho, Wo, 2]) and
// returns the sizes; throws InvalidArgument naming the problem (rank, last grid dim, batch mismatch,
// non-positive dims, element counts that overflow int64).
GridSampleShape validate_grid_sample_shapes(const std::vector<int64_t>& input_shape,
                                            const std::vector<int64_t>& grid_shape, ChannelLayout layout);

// The input's shape in a layout: [n, c, h, w] or [n, h, w, c].
std::vector<int64_t> grid_sample_input_shape(const GridSampleShape& shape, ChannelLayout layout);
// The output's shape, in the input's layout: [n, c, out_h, out_w] or [n, out_h, out_w, c].
std::vector<int64_t> grid_sample_output_shape(const GridSampleShape& shape, ChannelLayout layout);

// input: NCHW [n, c, h, w] or NHWC [n, h, w, c]; grid [n, out_h, out_w, 2] holding (x, y) in [-1, 1];
// output (overwritten) in the input's layout. Buffers must not overlap.
void grid_sample_forward_cpu(const float* input, const float* grid, float* output,
                             const GridSampleShape& shape, ChannelLayout layout,
                             const GridSampleOptions& options);

// grad_input (same layout and shape as input) and grad_grid ([n, out_h, out_w, 2]) are overwritten.
// Deterministic: grad_grid is computed per output point; grad_input is scattered by tasks that each own a
// fixed block of 16 channels of one image (NCHW with few blocks: and a range of its pixels) and visit the
// output points in order, so every element receives its contributions in the same order whatever the
// thread count (no atomics, no partial buffers).
void grid_sample_backward_cpu(const float* grad_output, const float* input, const float* grid,
                              float* grad_input, float* grad_grid, const GridSampleShape& shape,
                              ChannelLayout layout, const GridSampleOptions& options);

// F.affine_grid(theta [n, 2, 3], size [n, c, h, w], align_corners) -> grid [n, h, w, 2] (overwritten).
void affine_grid_cpu(const float* theta, float* grid, int64_t n, int64_t h, int64_t w, bool align_corners);

}  // namespace tilesim::ops
