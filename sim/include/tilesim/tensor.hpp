#pragma once
// Host tensors: a shape, a DataType, a Layout (ROW_MAJOR or TILE) and the bytes as the device stores
// them. TILE layout pads the last two dims to tile multiples and orders each 32x32 tile as four 16x16
// faces (face 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right), each face row-major.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tilesim/data_format.hpp"
#include "tilesim/error.hpp"

namespace tilesim {

enum class Layout { ROW_MAJOR, TILE };
std::string_view to_string(Layout l);

class Shape {
  public:
    Shape() = default;
    Shape(std::initializer_list<uint32_t> dims) : dims_(dims) {}
    explicit Shape(std::vector<uint32_t> dims) : dims_(std::move(dims)) {}
    size_t rank() const { return dims_.size(); }
    uint32_t operator[](size_t i) const { return dims_.at(i); }
    uint32_t& operator[](size_t i) { return dims_.at(i); }
    uint32_t back() const { return dims_.back(); }
    uint64_t volume() const;
    const std::vector<uint32_t>& dims() const { return dims_; }
    std::string str() const;  // "[2, 8, 8, 3]"
    friend bool operator==(const Shape&, const Shape&) = default;

  private:
    std::vector<uint32_t> dims_;
};

struct TileShape {
    uint32_t height = 32;
    uint32_t width = 32;
    uint32_t face_height = 16;
    uint32_t face_width = 16;
};

namespace detail {
// std::allocator, except that a resize leaves new elements default-initialised (for bytes: as they are)
// instead of zeroing them; Tensor::uninitialized uses it to skip a pass over memory about to be written.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() = default;
    template <class U>
    DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        if constexpr (sizeof...(Args) == 0)
            ::new (static_cast<void*>(p)) U;
        else
            ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};
}  // namespace detail

class Tensor {
  public:
    Tensor() = default;
    // A zero-filled tensor.
    Tensor(Shape shape, DataType dtype, Layout layout = Layout::ROW_MAJOR, TileShape tile = {});
    // A tensor whose bytes are left as the allocator gives them: for outputs that are written in full.
    static Tensor uninitialized(Shape shape, DataType dtype, Layout layout = Layout::ROW_MAJOR,
                                TileShape tile = {});
    // A ROW_MAJOR tensor holding `values` (logical order) converted to `dtype`.
    static Tensor from_floats(Shape shape, std::span<const float> values, DataType dtype = DataType::Float32);

    const Shape& shape() const { return shape_; }
    // Shape as stored: for TILE the last two dims rounded up to tile multiples.
    const Shape& padded_shape() const { return padded_shape_; }
    DataType dtype() const { return dtype_; }
    Layout layout() const { return layout_; }
    const TileShape& tile() const { return tile_; }
    uint64_t volume() const { return shape_.volume(); }

    std::span<std::byte> bytes() { return bytes_; }
    std::span<const std::byte> bytes() const { return bytes_; }
    // Typed view of the storage; throws unless sizeof(T) matches the dtype's element size.
    template <class T>
    std::span<T> data();
    template <class T>
    std::span<const T> data() const;

    // Values in logical row-major order, converted to float (untilized, padding dropped).
    std::vector<float> to_floats() const;
    Tensor to_dtype(DataType dtype) const;
    Tensor to_layout(Layout layout) const;  // tilize / untilize
    // Same storage, another shape of equal volume (ROW_MAJOR only).
    Tensor reshape(Shape shape) const;

  private:
    Shape shape_;
    Shape padded_shape_;
    DataType dtype_ = DataType::Float32;
    Layout layout_ = Layout::ROW_MAJOR;
    TileShape tile_;
    std::vector<std::byte, detail::DefaultInitAllocator<std::byte>> bytes_;

    Tensor(Shape shape, DataType dtype, Layout layout, TileShape tile, bool zero_fill);
};

// Tilize `rows` x `cols` row-major values (rows, cols multiples of the tile dims) into tiles, tile rows
// outer, each tile as four faces. Untilize is the inverse.
std::vector<float> tilize(std::span<const float> row_major, uint32_t rows, uint32_t cols,
                          TileShape tile = {});
std::vector<float> untilize(std::span<const float> tiled, uint32_t rows, uint32_t cols, TileShape tile = {});

template <class T>
std::span<T> Tensor::data() {
    if (dtype_ == DataType::Bfp8_b || sizeof(T) != element_size(dtype_)) {
        fail("Tensor::data<T>: a {}-byte element type does not match dtype {}", sizeof(T), dtype_);
    }
    return {reinterpret_cast<T*>(bytes_.data()), bytes_.size() / sizeof(T)};
}
template <class T>
std::span<const T> Tensor::data() const {
    return const_cast<Tensor*>(this)->data<T>();
}

}  // namespace tilesim

// fmt::format("{}", x) prints to_string(layout) ("ROW_MAJOR") and shape.str() ("[2, 8, 8, 3]"); width and
// alignment apply to the whole text.
template <>
struct fmt::formatter<tilesim::Layout> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(tilesim::Layout l, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(tilesim::to_string(l), ctx);
    }
};
template <>
struct fmt::formatter<tilesim::Shape> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tilesim::Shape& s, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(s.str(), ctx);
    }
};
