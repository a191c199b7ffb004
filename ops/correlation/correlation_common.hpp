#pragma once
// Types shared by the correlation family's CPU references (spatial correlation sampler, FlowNet
// correlation, RAFT pyramid and lookup): an NCHW float32 view, an owning result with its shape, the
// gradients of a two-input op, and an int-or-pair argument as PyTorch's `_pair` accepts it.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace tilesim::ops {

// Shape of an NCHW feature map.
struct NchwShape {
    int64_t n = 0, c = 0, h = 0, w = 0;
    int64_t volume() const { return n * c * h * w; }
    std::string str() const;  // "[2, 5, 9, 11]"
    friend bool operator==(const NchwShape&, const NchwShape&) = default;
};

// A read-only NCHW float32 tensor (contiguous, row-major).
struct NchwView {
    std::span<const float> data;
    NchwShape shape;
};

// An owning float32 tensor: row-major `data` of the given `shape` (the correlation ops' results).
struct CorrelationArray {
    std::vector<int64_t> shape;
    std::vector<float> data;
    std::string shape_str() const;
};

// Gradients of an op with two feature-map inputs, each NCHW like its input.
struct CorrelationGrads {
    std::vector<float> grad_input1;
    std::vector<float> grad_input2;
};

// An argument given as one int (both dims) or as (h, w), like PyTorch's `_pair`.
struct IntPair {
    int h = 0, w = 0;
    IntPair(int both) : h(both), w(both) {}  // NOLINT(google-explicit-constructor): int-or-pair argument
    IntPair(int h_, int w_) : h(h_), w(w_) {}
};

namespace detail {

// Throws InvalidArgument "<op>: <name> must have <shape.volume()> values for shape <shape>, got <n>"
// unless the span matches the shape, and "<op>: <name> must be non-empty" for a zero dim.
void check_view(const char* op, const char* name, const NchwView& view);

// "<a> and <b> must have the same shape" check.
void check_same_shape(const char* op, const char* name1, const NchwShape& s1, const char* name2,
                      const NchwShape& s2);

std::string shape_str(std::span<const int64_t> shape);

}  // namespace detail
}  // namespace tilesim::ops

// fmt::format("{}", shape) prints shape.str(), as tilesim::Shape does.
template <>
struct fmt::formatter<tilesim::ops::NchwShape> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tilesim::ops::NchwShape& s, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(s.str(), ctx);
    }
};
