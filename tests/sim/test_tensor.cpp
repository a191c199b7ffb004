#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <functional>
#include <numeric>
#include <random>

#include "common/expect_throw_msg.hpp"
#include "tilesim/error.hpp"
#include "common/test_files.hpp"
#include "tilesim/tensor.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {
std::vector<float> iota_values(size_t n, float start = 0.0f) {
    std::vector<float> v(n);
    std::iota(v.begin(), v.end(), start);
    return v;
}

std::vector<float> random_values(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, 3.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

}  // namespace

TEST(Shape, VolumeAndString) {
    EXPECT_EQ((Shape{2, 8, 8, 3}).volume(), 384u);
    EXPECT_EQ((Shape{2, 8, 8, 3}).str(), "[2, 8, 8, 3]");
    EXPECT_EQ((Shape{4, 0, 7}).volume(), 0u);
    EXPECT_EQ(Shape{}.str(), "[]");
    EXPECT_THROW((Shape{65536, 65536, 65536, 65536, 65536}).volume(), InvalidArgument);
}

TEST(Tensor, TilePadsTheLastTwoDims) {
    const Tensor t(Shape{3, 37, 45}, DataType::BFloat16, Layout::TILE);
    EXPECT_EQ(t.shape(), (Shape{3, 37, 45}));
    EXPECT_EQ(t.padded_shape(), (Shape{3, 64, 64}));
    EXPECT_EQ(t.bytes().size(), 3u * 64 * 64 * 2);
    const Tensor r(Shape{3, 37, 45}, DataType::Float32);
    EXPECT_EQ(r.padded_shape(), r.shape());
    EXPECT_EQ(r.bytes().size(), 3u * 37 * 45 * 4);
}

TEST(Tensor, RankOneTileIsOneRow) {
    const Tensor t(Shape{40}, DataType::Float32, Layout::TILE);
    EXPECT_EQ(t.padded_shape(), (Shape{32, 64}));
    const auto v = iota_values(40);
    EXPECT_EQ(Tensor::from_floats(Shape{40}, v).to_layout(Layout::TILE).to_floats(), v);
}

TEST(Tensor, RejectsRankZeroAndBadTiles) {
    EXPECT_THROW(Tensor(Shape{}, DataType::Float32), InvalidArgument);
    EXPECT_THROW(Tensor(Shape{4, 4}, DataType::Float32, Layout::TILE, TileShape{32, 32, 12, 16}),
                 InvalidArgument);
}

TEST(Tensor, FromFloatsChecksTheValueCount) {
    const auto v = iota_values(5);
    EXPECT_THROW_MSG(Tensor::from_floats(Shape{2, 3}, v), InvalidArgument,
                     "Tensor::from_floats: shape [2, 3] holds 6 values, got 5");
}

TEST(Tensor, TilizeUntilizeIsIdentityOnOddShapes) {
    for (const Shape& s : {Shape{3, 37, 45}, Shape{1, 1}, Shape{2, 2, 33, 31}, Shape{32, 32}, Shape{5, 70}}) {
        SCOPED_TRACE(s.str());
        const auto v = random_values(s.volume(), 7);
        for (DataType dt : {DataType::Float32, DataType::BFloat16}) {
            const Tensor rm = Tensor::from_floats(s, v, dt);
            const Tensor tiled = rm.to_layout(Layout::TILE);
            EXPECT_EQ(tiled.layout(), Layout::TILE);
            EXPECT_EQ(tiled.to_floats(), rm.to_floats());
            const Tensor back = tiled.to_layout(Layout::ROW_MAJOR);
            EXPECT_EQ(back.shape(), s);
            EXPECT_TRUE(
                std::equal(back.bytes().begin(), back.bytes().end(), rm.bytes().begin(), rm.bytes().end()));
        }
    }
}

TEST(Tensor, TilePaddingIsZero) {
    const Shape s{37, 45};
    const Tensor t = Tensor::from_floats(s, std::vector<float>(s.volume(), 1.0f)).to_layout(Layout::TILE);
    const auto stored = t.data<float>();
    double sum = 0;
    for (float x : stored) sum += x;
    EXPECT_EQ(sum, 37.0 * 45.0);  // every padded element is 0
    EXPECT_EQ(stored.size(), 64u * 64u);
}

// Known index pattern: value = row * 1000 + col. Tile (0,0) face 1 (top-right) starts at column 16,
// face 2 at row 16; tile (0,1) starts after the 1024 values of tile (0,0).
TEST(Tensor, FaceOrderMatchesHardware) {
    const uint32_t rows = 64, cols = 64;
    std::vector<float> v(rows * cols);
    for (uint32_t r = 0; r < rows; ++r) {
        for (uint32_t c = 0; c < cols; ++c) v[r * cols + c] = float(r * 1000 + c);
    }
    const auto t = tilize(v, rows, cols);
    EXPECT_EQ(t[0], 0.0f);
    EXPECT_EQ(t[15], 15.0f);          // end of face 0 row 0
    EXPECT_EQ(t[16], 1000.0f);        // face 0 row 1
    EXPECT_EQ(t[256], 16.0f);         // face 1 row 0 = (0, 16)
    EXPECT_EQ(t[256 + 17], 1017.0f);  // face 1 row 1 col 1 = (1, 17)
    EXPECT_EQ(t[512], 16000.0f);      // face 2 = (16, 0)
    EXPECT_EQ(t[768], 16016.0f);      // face 3 = (16, 16)
    EXPECT_EQ(t[1023], 31031.0f);     // last of tile (0,0)
    EXPECT_EQ(t[1024], 32.0f);        // tile (0,1) = (0, 32)
    EXPECT_EQ(t[2048], 32000.0f);     // tile (1,0) = (32, 0)
    EXPECT_EQ(untilize(t, rows, cols), v);
}

TEST(Tensor, FreeTilizeRejectsPartialTiles) {
    std::vector<float> v(33 * 32);
    EXPECT_THROW(tilize(v, 33, 32), InvalidArgument);
    EXPECT_THROW(untilize(std::vector<float>(10), 32, 32), InvalidArgument);
}

TEST(Tensor, DtypeConversionsRoundAsTheFormatsDo) {
    const Shape s{3, 37, 45};
    const auto v = random_values(s.volume(), 11);
    const Tensor f32 = Tensor::from_floats(s, v);
    const auto bf = f32.to_dtype(DataType::BFloat16);
    EXPECT_EQ(bf.bytes().size(), s.volume() * 2);
    const auto bf_vals = bf.to_floats();
    for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(bf_vals[i], round_to_bf16(v[i]));
    EXPECT_EQ(bf.to_dtype(DataType::Float32).to_floats(), bf_vals);

    const Tensor bfp = f32.to_layout(Layout::TILE).to_dtype(DataType::Bfp8_b);
    EXPECT_EQ(bfp.bytes().size(), 3u * 4 * (64 + 1024));  // 4 tiles per matrix
    const auto q = bfp.to_floats();
    for (size_t i = 0; i < v.size(); ++i) ASSERT_NEAR(q[i], v[i], std::fabs(v[i]) / 64 + 0.4);
}

TEST(Tensor, Bfp8TileStorageIsExponentsThenMantissasPerTile) {
    const Shape s{32, 64};
    const auto v = random_values(s.volume(), 5);
    const Tensor tiled = Tensor::from_floats(s, v).to_layout(Layout::TILE);
    const Tensor bfp = tiled.to_dtype(DataType::Bfp8_b);
    const auto stored = tiled.data<float>();
    for (size_t tile = 0; tile < 2; ++tile) {
        const auto expected = pack_bfp8_b(stored.subspan(tile * 1024, 1024));
        const auto* got = reinterpret_cast<const uint8_t*>(bfp.bytes().data()) + tile * 1088;
        EXPECT_TRUE(std::equal(expected.begin(), expected.end(), got)) << "tile " << tile;
    }
    EXPECT_EQ(bfp.to_dtype(DataType::Float32).to_floats(), bfp.to_floats());
}

TEST(Tensor, Bfp8IsRefusedInRowMajor) {
    const Tensor rm = Tensor::from_floats(Shape{4, 16}, std::vector<float>(64, 1.0f));
    EXPECT_THROW_MSG(
        (void)rm.to_dtype(DataType::Bfp8_b), InvalidArgument,
        "Tensor: bfp8_b needs TILE layout (16 values of a face row share an exponent), got ROW_MAJOR "
        "for shape [4, 16]");
    EXPECT_THROW(Tensor(Shape{4, 16}, DataType::Bfp8_b), InvalidArgument);
    EXPECT_THROW(Tensor::from_floats(Shape{4, 16}, std::vector<float>(64), DataType::Bfp8_b),
                 InvalidArgument);
    const Tensor bfp = rm.to_layout(Layout::TILE).to_dtype(DataType::Bfp8_b);
    EXPECT_THROW((void)bfp.to_layout(Layout::ROW_MAJOR), InvalidArgument);
    EXPECT_THROW((void)bfp.data<uint8_t>(), InvalidArgument);
}

TEST(Tensor, ReshapeKeepsStorage) {
    const auto v = iota_values(24);
    const Tensor t = Tensor::from_floats(Shape{2, 3, 4}, v).reshape(Shape{6, 4});
    EXPECT_EQ(t.shape(), (Shape{6, 4}));
    EXPECT_EQ(t.to_floats(), v);
    EXPECT_THROW((void)t.reshape(Shape{5, 5}), InvalidArgument);
    EXPECT_THROW((void)t.to_layout(Layout::TILE).reshape(Shape{24}), InvalidArgument);
}

TEST(Tensor, TypedViewChecksTheElementSize) {
    Tensor t(Shape{2, 2}, DataType::BFloat16);
    EXPECT_EQ(t.data<uint16_t>().size(), 4u);
    EXPECT_THROW((void)t.data<float>(), InvalidArgument);
}

TEST(Tensor, IntegerTensorsReadAsFloats) {
    Tensor t(Shape{3}, DataType::Int32);
    t.data<int32_t>()[0] = -7;
    t.data<int32_t>()[2] = 9;
    EXPECT_EQ(t.to_floats(), (std::vector<float>{-7.0f, 0.0f, 9.0f}));
    EXPECT_THROW((void)t.to_dtype(DataType::Float32), InvalidArgument);
    EXPECT_EQ(t.to_layout(Layout::TILE).to_floats(), t.to_floats());
}

TEST(Tensor, UninitializedTensorsHaveTheShapeAndStorageOfZeroFilledOnesAndDoNotLeakIntoThem) {
    for (const DataType dtype : {DataType::Float32, DataType::BFloat16}) {
        Tensor scratch = Tensor::uninitialized(Shape{3, 37, 41}, dtype);
        EXPECT_EQ(scratch.shape(), (Shape{3, 37, 41}));
        EXPECT_EQ(scratch.dtype(), dtype);
        EXPECT_EQ(scratch.bytes().size(), 3u * 37 * 41 * element_size(dtype));
        std::fill(scratch.bytes().begin(), scratch.bytes().end(), std::byte{0xff});
        scratch = Tensor();  // the allocator may hand the same block to the next tensor
        const Tensor zeros(Shape{3, 37, 41}, dtype);
        EXPECT_TRUE(std::all_of(zeros.bytes().begin(), zeros.bytes().end(),
                                [](std::byte b) { return b == std::byte{0}; }));
    }
    const Tensor tiled = Tensor::uninitialized(Shape{40, 70}, DataType::Float32, Layout::TILE);
    EXPECT_EQ(tiled.padded_shape(), (Shape{64, 96}));
    EXPECT_EQ(tiled.bytes().size(), 64u * 96 * 4);
}
