// grid_sample's option parsing and shape validation.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"
#include "ops/grid_sample/grid_sample_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

template <class Enum, size_t N>
Enum parse_enum(std::string_view text, const std::array<std::pair<std::string_view, Enum>, N>& names,
                std::string_view what, bool case_insensitive) {
    std::string key(text);
    if (case_insensitive) {
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
    }
    for (const auto& [name, value] : names) {
        if (key == name) return value;
    }
    std::string valid;
    for (const auto& [name, value] : names) valid += fmt::format("{}'{}'", valid.empty() ? "" : ", ", name);
    fail("grid_sample: unknown {} '{}'; expected one of {}", what, text, valid);
}

template <class Enum, size_t N>
std::string_view enum_name(Enum value, const std::array<std::pair<std::string_view, Enum>, N>& names) {
    for (const auto& [name, v] : names) {
        if (v == value) return name;
    }
    return "unknown";
}

constexpr std::array<std::pair<std::string_view, GridSampleMode>, 3> kModes{{
    {"bilinear", GridSampleMode::Bilinear},
    {"nearest", GridSampleMode::Nearest},
    {"bicubic", GridSampleMode::Bicubic},
}};
constexpr std::array<std::pair<std::string_view, PaddingMode>, 3> kPaddings{{
    {"zeros", PaddingMode::Zeros},
    {"border", PaddingMode::Border},
    {"reflection", PaddingMode::Reflection},
}};
constexpr std::array<std::pair<std::string_view, ChannelLayout>, 2> kLayouts{{
    {"nchw", ChannelLayout::NCHW},
    {"nhwc", ChannelLayout::NHWC},
}};

std::string shape_str(const std::vector<int64_t>& shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

// Product of the dims, or false when it does not fit in int64.
bool checked_volume(const std::vector<int64_t>& shape, int64_t& volume) {
    volume = 1;
    for (int64_t d : shape) {
        if (__builtin_mul_overflow(volume, d, &volume)) return false;
    }
    return true;
}

void check_dims(const std::vector<int64_t>& shape, std::string_view name, std::string_view expected) {
    if (shape.size() != 4) {
        fail("grid_sample: {} must be 4-D {}, got {} ({}-D)", name, expected, shape_str(shape), shape.size());
    }
    for (int64_t d : shape) {
        if (d <= 0)
            fail("grid_sample: {} {} must have positive dims, got {}", name, expected, shape_str(shape));
    }
    int64_t volume;
    if (!checked_volume(shape, volume)) {
        fail("grid_sample: {} {} has more elements than int64 can count", name, shape_str(shape));
    }
}

}  // namespace

GridSampleMode parse_grid_sample_mode(std::string_view text) {
    return parse_enum(text, kModes, "mode", false);
}
PaddingMode parse_padding_mode(std::string_view text) {
    return parse_enum(text, kPaddings, "padding_mode", false);
}
ChannelLayout parse_channel_layout(std::string_view text) {
    return parse_enum(text, kLayouts, "layout", true);
}
std::string_view to_string(GridSampleMode mode) {
    return enum_name(mode, kModes);
}
std::string_view to_string(PaddingMode padding) {
    return enum_name(padding, kPaddings);
}
std::string_view to_string(ChannelLayout layout) {
    return layout == ChannelLayout::NCHW ? "NCHW" : "NHWC";
}

GridSampleShape validate_grid_sample_shapes(const std::vector<int64_t>& input_shape,
                                            const std::vector<int64_t>& grid_shape, ChannelLayout layout) {
    const bool nchw = layout == ChannelLayout::NCHW;
    check_dims(input_shape, "input", nchw ? "[N, C, H, W] (NCHW)" : "[N, H, W, C] (NHWC)");
    if (grid_shape.size() != 4 || grid_shape[3] != 2) {
        fail("grid_sample: grid must be [N, Ho, Wo, 2], got {}", shape_str(grid_shape));
    }
    check_dims(grid_shape, "grid", "[N, Ho, Wo, 2]");
    if (grid_shape[0] != input_shape[0]) {
        fail("grid_sample: grid batch {} does not match input batch {} (input {}, grid {})", grid_shape[0],
             input_shape[0], shape_str(input_shape), shape_str(grid_shape));
    }
    GridSampleShape s{input_shape[0],
                      nchw ? input_shape[1] : input_shape[3],
                      nchw ? input_shape[2] : input_shape[1],
                      nchw ? input_shape[3] : input_shape[2],
                      grid_shape[1],
                      grid_shape[2]};
    int64_t volume;
    if (!checked_volume(grid_sample_output_shape(s, layout), volume)) {
        fail("grid_sample: output {} has more elements than int64 can count",
             shape_str(grid_sample_output_shape(s, layout)));
    }
    return s;
}

std::vector<int64_t> grid_sample_input_shape(const GridSampleShape& s, ChannelLayout layout) {
    if (layout == ChannelLayout::NCHW) return {s.n, s.c, s.h, s.w};
    return {s.n, s.h, s.w, s.c};
}

std::vector<int64_t> grid_sample_output_shape(const GridSampleShape& s, ChannelLayout layout) {
    if (layout == ChannelLayout::NCHW) return {s.n, s.c, s.out_h, s.out_w};
    return {s.n, s.out_h, s.out_w, s.c};
}

namespace detail {
void check_grid_sample_shape(const GridSampleShape& s, ChannelLayout layout) {
    validate_grid_sample_shapes(grid_sample_input_shape(s, layout), {s.n, s.out_h, s.out_w, 2}, layout);
}
}  // namespace detail

}  // namespace tilesim::ops
