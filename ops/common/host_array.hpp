#pragma once
// Host arrays for the CPU references: a row-major contiguous buffer and its shape, with the shape checks
// every reference runs on its inputs. Independent of tilesim::sim's Tensor so that the references stay
// usable without a simulated device (DESIGN.md: "reference CPU (no sim dependency)").
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tilesim/error.hpp"

namespace tilesim::ops {

// A read-only view of a row-major contiguous array and its shape.
template <class T>
struct ArrayView {
    std::span<const T> data;
    std::vector<int64_t> shape;
};

// An owning row-major array; converts to ArrayView so results feed straight into the next call.
template <class T>
struct HostArray {
    std::vector<int64_t> shape;
    std::vector<T> data;

    HostArray() = default;
    // Zero-filled array of the given shape.
    explicit HostArray(std::vector<int64_t> dims) : shape(std::move(dims)), data(volume_of(shape)) {}
    HostArray(std::vector<int64_t> dims, std::vector<T> values)
        : shape(std::move(dims)), data(std::move(values)) {}

    ArrayView<T> view() const { return {data, shape}; }
    operator ArrayView<T>() const { return view(); }  // NOLINT: implicit on purpose

    static size_t volume_of(const std::vector<int64_t>& dims) {
        size_t n = 1;
        for (int64_t d : dims) n *= static_cast<size_t>(d < 0 ? 0 : d);
        return n;
    }
};

// "[2, 8, 8, 3]"
inline std::string shape_str(std::span<const int64_t> shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

// Throws unless no dimension is negative and the view holds exactly the values its shape needs.
template <class T>
void check_storage(std::string_view op, std::string_view name, const ArrayView<T>& v) {
    size_t needed = 1;
    for (int64_t d : v.shape) {
        if (d < 0) fail("{}: {} has a negative dimension in its shape {}", op, name, shape_str(v.shape));
        needed *= static_cast<size_t>(d);
    }
    if (v.data.size() != needed) {
        fail("{}: {} holds {} values but its shape {} needs {}", op, name, v.data.size(), shape_str(v.shape),
             needed);
    }
}

// Throws "<op>: <name> must be <pattern>, got <shape>" unless the view has `rank` dimensions; then checks
// its storage.
template <class T>
void check_rank(std::string_view op, std::string_view name, const ArrayView<T>& v, size_t rank,
                std::string_view pattern) {
    if (v.shape.size() != rank) fail("{}: {} must be {}, got {}", op, name, pattern, shape_str(v.shape));
    check_storage(op, name, v);
}

// Throws "<op>: <name> must be <pattern> = <expected>, got <shape>" unless the shapes are equal; then
// checks its storage.
template <class T>
void check_shape(std::string_view op, std::string_view name, const ArrayView<T>& v,
                 const std::vector<int64_t>& expected, std::string_view pattern) {
    if (v.shape != expected) {
        fail("{}: {} must be {} = {}, got {}", op, name, pattern, shape_str(expected), shape_str(v.shape));
    }
    check_storage(op, name, v);
}

}  // namespace tilesim::ops
