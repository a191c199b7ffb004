// Host tensors: storage in ROW_MAJOR or TILE layout, dtype conversions, tilize/untilize.
#include "tilesim/tensor.hpp"

#include <cstring>

#include <fmt/ranges.h>

#include "tile_layout.hpp"
#include "tilesim/error.hpp"

namespace tilesim {
namespace {

using detail::MatrixGeometry;

uint64_t round_up(uint64_t v, uint64_t m) {
    return (v + m - 1) / m * m;
}

void check_tile(const TileShape& t) {
    if (t.height == 0 || t.width == 0 || t.face_height == 0 || t.face_width == 0 ||
        t.height % t.face_height != 0 || t.width % t.face_width != 0) {
        fail(
            "Tensor: tile {}x{} with faces {}x{} is invalid (dims must be positive, faces must divide the "
            "tile)",
            t.height, t.width, t.face_height, t.face_width);
    }
}

uint64_t tile_volume(const TileShape& t) {
    return uint64_t(t.height) * t.width;
}

bool is_float_type(DataType t) {
    return t == DataType::Float32 || t == DataType::BFloat16 || t == DataType::Float16 ||
           t == DataType::Bfp8_b;
}

// Logical rows/cols of the matrices a tensor is cut into (rank 1 is one row) and how many there are.
struct Matrices {
    uint64_t count;
    uint32_t rows, cols;
};
Matrices matrices_of(const Shape& s) {
    const size_t r = s.rank();
    const uint32_t cols = s[r - 1];
    const uint32_t rows = r >= 2 ? s[r - 2] : 1;
    const uint64_t mat = uint64_t(rows) * cols;
    return {mat == 0 ? 0 : s.volume() / mat, rows, cols};
}

// Values in storage order (TILE: tiled, padded), decoded to float.
std::vector<float> decode(std::span<const std::byte> bytes, DataType dtype, uint64_t count,
                          const TileShape& tile) {
    std::vector<float> out(count);
    const auto* p = bytes.data();
    switch (dtype) {
        case DataType::Float32:
            if (count != 0) std::memcpy(out.data(), p, count * 4);
            break;
        case DataType::BFloat16:
            bf16_to_float({reinterpret_cast<const bfloat16_bits*>(p), count}, out);
            break;
        case DataType::Float16:
            fp16_to_float({reinterpret_cast<const float16_bits*>(p), count}, out);
            break;
        case DataType::Bfp8_b: {
            const uint64_t tv = tile_volume(tile), tile_bytes = bfp8_bytes_for(tv);
            for (uint64_t t = 0; t < count / tv; ++t) {
                auto vals =
                    unpack_bfp8_b({reinterpret_cast<const uint8_t*>(p) + t * tile_bytes, tile_bytes}, tv);
                std::copy(vals.begin(), vals.end(), out.begin() + t * tv);
            }
            break;
        }
        case DataType::UInt32:
            for (uint64_t i = 0; i < count; ++i) out[i] = float(reinterpret_cast<const uint32_t*>(p)[i]);
            break;
        case DataType::UInt16:
            for (uint64_t i = 0; i < count; ++i) out[i] = float(reinterpret_cast<const uint16_t*>(p)[i]);
            break;
        case DataType::Int32:
            for (uint64_t i = 0; i < count; ++i) out[i] = float(reinterpret_cast<const int32_t*>(p)[i]);
            break;
    }
    return out;
}

// Encodes floats (storage order) into `bytes`, sized for the dtype already.
void encode(std::span<const float> values, DataType dtype, std::span<std::byte> bytes, const TileShape& tile,
            const char* who) {
    switch (dtype) {
        case DataType::Float32:
            if (!values.empty()) std::memcpy(bytes.data(), values.data(), values.size() * 4);
            return;
        case DataType::BFloat16:
            float_to_bf16(values, {reinterpret_cast<bfloat16_bits*>(bytes.data()), values.size()});
            return;
        case DataType::Float16:
            float_to_fp16(values, {reinterpret_cast<float16_bits*>(bytes.data()), values.size()});
            return;
        case DataType::Bfp8_b: {
            const uint64_t tv = tile_volume(tile), tile_bytes = bfp8_bytes_for(tv);
            for (uint64_t t = 0; t < values.size() / tv; ++t) {
                const auto packed = pack_bfp8_b(values.subspan(t * tv, tv));
                std::memcpy(bytes.data() + t * tile_bytes, packed.data(), tile_bytes);
            }
            return;
        }
        default:
            fail("{}: cannot convert float values to {} (supported: float32, bfloat16, float16, bfp8_b)", who,
                 dtype);
    }
}

}  // namespace

std::string_view to_string(Layout l) {
    return l == Layout::TILE ? "TILE" : "ROW_MAJOR";
}

uint64_t Shape::volume() const {
    uint64_t v = 1;  // rank 0: one element, as NumPy counts a scalar
    for (uint32_t d : dims_) {
        if (__builtin_mul_overflow(v, uint64_t(d), &v)) fail("Shape {}: volume overflows 64 bits", str());
    }
    return v;
}

std::string Shape::str() const {
    return fmt::format("[{}]", fmt::join(dims_, ", "));
}

Tensor::Tensor(Shape shape, DataType dtype, Layout layout, TileShape tile)
    : Tensor(std::move(shape), dtype, layout, tile, /*zero_fill=*/true) {}

Tensor Tensor::uninitialized(Shape shape, DataType dtype, Layout layout, TileShape tile) {
    return Tensor(std::move(shape), dtype, layout, tile, /*zero_fill=*/false);
}

Tensor::Tensor(Shape shape, DataType dtype, Layout layout, TileShape tile, bool zero_fill)
    : shape_(std::move(shape)), padded_shape_(shape_), dtype_(dtype), layout_(layout), tile_(tile) {
    if (shape_.rank() == 0) fail("Tensor: shape must have rank >= 1, got []");
    uint64_t stored = shape_.volume();
    if (layout_ == Layout::TILE) {
        check_tile(tile_);
        // Rank 1 is stored as one row [1, W], so its padded shape has rank 2.
        std::vector<uint32_t> dims = shape_.rank() == 1 ? std::vector<uint32_t>{1, shape_[0]} : shape_.dims();
        const size_t r = dims.size();
        const uint64_t h = round_up(dims[r - 2], tile_.height), w = round_up(dims[r - 1], tile_.width);
        if (h > UINT32_MAX || w > UINT32_MAX) fail("Tensor: shape {} is too large to tile", shape_);
        dims[r - 2] = uint32_t(h);
        dims[r - 1] = uint32_t(w);
        padded_shape_ = Shape(std::move(dims));
        stored = padded_shape_.volume();
    }
    uint64_t nbytes;
    if (dtype_ == DataType::Bfp8_b) {
        if (layout_ != Layout::TILE) {
            fail(
                "Tensor: bfp8_b needs TILE layout (16 values of a face row share an exponent), got ROW_MAJOR "
                "for shape {}",
                shape_);
        }
        if (tile_volume(tile_) % kBfp8BlockSize != 0) {
            fail("Tensor: bfp8_b needs a tile volume that is a multiple of 16, got {}x{}", tile_.height,
                 tile_.width);
        }
        nbytes = stored / tile_volume(tile_) * bfp8_bytes_for(tile_volume(tile_));
    } else if (__builtin_mul_overflow(stored, uint64_t(element_size(dtype_)), &nbytes)) {
        fail("Tensor: shape {} is too large", shape_);
    }
    if (zero_fill)
        bytes_.assign(nbytes, std::byte{0});
    else
        bytes_.resize(nbytes);
}

Tensor Tensor::from_floats(Shape shape, std::span<const float> values, DataType dtype) {
    if (dtype == DataType::Bfp8_b) {
        fail(
            "Tensor::from_floats: bfp8_b needs TILE layout; make a float32 or bfloat16 tensor, then "
            ".to_layout(Layout::TILE).to_dtype(DataType::Bfp8_b)");
    }
    Tensor t(std::move(shape), dtype);
    if (values.size() != t.volume()) {
        fail("Tensor::from_floats: shape {} holds {} values, got {}", t.shape(), t.volume(), values.size());
    }
    encode(values, dtype, t.bytes_, t.tile_, "Tensor::from_floats");
    return t;
}

std::vector<float> Tensor::to_floats() const {
    if (shape_.rank() == 0) return {};  // default-constructed tensor
    std::vector<float> stored = decode(bytes_, dtype_, padded_shape_.volume(), tile_);
    if (layout_ == Layout::ROW_MAJOR) return stored;
    const Matrices m = matrices_of(shape_);
    const MatrixGeometry g{m.rows, m.cols, round_up(m.rows, tile_.height), round_up(m.cols, tile_.width),
                           4,      tile_};
    std::vector<float> out(shape_.volume());
    for (uint64_t b = 0; b < m.count; ++b) {
        detail::untilize_bytes(reinterpret_cast<const std::byte*>(stored.data() + b * g.rows_p * g.cols_p),
                               reinterpret_cast<std::byte*>(out.data() + b * g.rows * g.cols), g);
    }
    return out;
}

Tensor Tensor::to_dtype(DataType dtype) const {
    if (dtype == dtype_) return *this;
    if (!is_float_type(dtype_)) {
        fail(
            "Tensor::to_dtype: converting from {} is not supported (only between float32, bfloat16, float16, "
            "bfp8_b)",
            dtype_);
    }
    Tensor out(shape_, dtype, layout_, tile_);  // refuses bfp8_b in ROW_MAJOR with a clear message
    const std::vector<float> stored = decode(bytes_, dtype_, padded_shape_.volume(), tile_);
    encode(stored, dtype, out.bytes_, tile_, "Tensor::to_dtype");
    return out;
}

Tensor Tensor::to_layout(Layout layout) const {
    if (layout == layout_) return *this;
    if (dtype_ == DataType::Bfp8_b) {
        fail(
            "Tensor::to_layout: bfp8_b exists only in TILE layout; convert with to_dtype(DataType::BFloat16) "
            "or "
            "Float32 before untilizing");
    }
    Tensor out(shape_, dtype_, layout, tile_);
    const Matrices m = matrices_of(shape_);
    const MatrixGeometry g{
        m.rows, m.cols, round_up(m.rows, tile_.height), round_up(m.cols, tile_.width), element_size(dtype_),
        tile_};
    const size_t logical = g.rows * g.cols * g.elem_bytes, padded = g.rows_p * g.cols_p * g.elem_bytes;
    for (uint64_t b = 0; b < m.count; ++b) {
        if (layout == Layout::TILE) {
            detail::tilize_bytes(bytes_.data() + b * logical, out.bytes_.data() + b * padded, g);
        } else {
            detail::untilize_bytes(bytes_.data() + b * padded, out.bytes_.data() + b * logical, g);
        }
    }
    return out;
}

Tensor Tensor::reshape(Shape shape) const {
    if (layout_ != Layout::ROW_MAJOR) {
        fail("Tensor::reshape: only ROW_MAJOR tensors can be reshaped, this one is {} (untilize first)",
             layout_);
    }
    if (shape.rank() == 0 || shape.volume() != shape_.volume()) {
        fail("Tensor::reshape: cannot reshape {} ({} values) to {} ({} values)", shape_, shape_.volume(),
             shape, shape.volume());
    }
    Tensor out = *this;
    out.shape_ = shape;
    out.padded_shape_ = std::move(shape);
    return out;
}

namespace {
MatrixGeometry full_tiles_geometry(size_t in_size, uint32_t rows, uint32_t cols, const TileShape& tile,
                                   const char* who) {
    check_tile(tile);
    if (rows % tile.height != 0 || cols % tile.width != 0) {
        fail("{}: rows x cols must be multiples of the {}x{} tile, got {}x{}", who, tile.height, tile.width,
             rows, cols);
    }
    if (in_size != uint64_t(rows) * cols)
        fail("{}: {}x{} needs {} values, got {}", who, rows, cols, uint64_t(rows) * cols, in_size);
    return {rows, cols, rows, cols, sizeof(float), tile};
}
}  // namespace

std::vector<float> tilize(std::span<const float> row_major, uint32_t rows, uint32_t cols, TileShape tile) {
    const MatrixGeometry g = full_tiles_geometry(row_major.size(), rows, cols, tile, "tilize");
    std::vector<float> out(row_major.size());
    detail::tilize_bytes(reinterpret_cast<const std::byte*>(row_major.data()),
                         reinterpret_cast<std::byte*>(out.data()), g);
    return out;
}

std::vector<float> untilize(std::span<const float> tiled, uint32_t rows, uint32_t cols, TileShape tile) {
    const MatrixGeometry g = full_tiles_geometry(tiled.size(), rows, cols, tile, "untilize");
    std::vector<float> out(tiled.size());
    detail::untilize_bytes(reinterpret_cast<const std::byte*>(tiled.data()),
                           reinterpret_cast<std::byte*>(out.data()), g);
    return out;
}

}  // namespace tilesim
