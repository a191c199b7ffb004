#include "ops/correlation/correlation_common.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tilesim/error.hpp"

namespace tilesim::ops {

std::string NchwShape::str() const {
    return fmt::format("[{}, {}, {}, {}]", n, c, h, w);
}

std::string CorrelationArray::shape_str() const {
    return detail::shape_str(shape);
}

namespace detail {

std::string shape_str(std::span<const int64_t> shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

void check_view(const char* op, const char* name, const NchwView& view) {
    const NchwShape& s = view.shape;
    if (s.n <= 0 || s.c <= 0 || s.h <= 0 || s.w <= 0) {
        fail("{}: {} must be a non-empty [N, C, H, W] tensor, got {}", op, name, s);
    }
    if (static_cast<int64_t>(view.data.size()) != s.volume()) {
        fail("{}: {} has {} values but its shape {} needs {}", op, name, view.data.size(), s, s.volume());
    }
}

void check_same_shape(const char* op, const char* name1, const NchwShape& s1, const char* name2,
                      const NchwShape& s2) {
    if (!(s1 == s2)) {
        fail("{}: {} and {} must have the same shape, got {} and {}", op, name1, name2, s1, s2);
    }
}

}  // namespace detail
}  // namespace tilesim::ops
