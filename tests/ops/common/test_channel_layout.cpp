// The NCHW <-> NHWC transposes every channels-last device path goes through: exact on odd shapes, where
// the SIMD 4 x 4 tiles leave ragged edges in both directions.
#include <gtest/gtest.h>

#include <random>

#include "common/expect_throw_msg.hpp"
#include "ops/common/channel_layout.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"

using namespace tilesim;

namespace {
Tensor random_tensor(Shape shape, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    std::vector<float> v(shape.volume());
    for (auto& x : v) x = dist(rng);
    return Tensor::from_floats(std::move(shape), v);
}
}  // namespace

TEST(ChannelLayout, NchwToNhwcMovesEveryValueOnOddShapes) {
    for (const auto& dims : std::vector<std::array<uint32_t, 4>>{
             {1, 1, 1, 1}, {2, 3, 5, 7}, {1, 37, 13, 11}, {3, 64, 9, 17}, {2, 4, 4, 8}, {1, 130, 33, 3}}) {
        const auto [n, c, h, w] = dims;
        const Tensor x = random_tensor(Shape{n, c, h, w}, n * 1000 + c);
        const Tensor y = ops::nchw_to_nhwc(x);
        ASSERT_EQ(y.shape(), (Shape{n, h, w, c}));
        const auto in = x.data<float>();
        const auto out = y.data<float>();
        for (uint32_t i = 0; i < n; ++i)
            for (uint32_t ch = 0; ch < c; ++ch)
                for (uint32_t p = 0; p < h * w; ++p)
                    ASSERT_EQ(out[(size_t(i) * h * w + p) * c + ch], in[(size_t(i) * c + ch) * h * w + p])
                        << "shape " << x.shape().str() << " n " << i << " c " << ch << " pixel " << p;
        const Tensor back = ops::nhwc_to_nchw(y);
        ASSERT_EQ(back.shape(), x.shape());
        EXPECT_TRUE(std::equal(in.begin(), in.end(), back.data<float>().begin())) << x.shape().str();
    }
}

TEST(ChannelLayout, RefusesTensorsThatAreNotFourDimensional) {
    const Tensor x = random_tensor(Shape{3, 5, 7}, 1);
    EXPECT_THROW_MSG((void)ops::nchw_to_nhwc(x), InvalidArgument,
                     "nchw_to_nhwc: expected [N, C, H, W], got [3, 5, 7]");
}

TEST(ChannelLayout, TransposingOnTheWayToAndFromTheDeviceMatchesTransposingOnTheHost) {
    Device device(load_device("wormhole_b0"));
    for (const auto& dims :
         std::vector<std::array<uint32_t, 4>>{{1, 37, 13, 11}, {2, 8, 9, 65}, {3, 130, 5, 3}}) {
        const auto [n, c, h, w] = dims;
        const Tensor x = random_tensor(Shape{n, c, h, w}, c * 7 + h);
        // Up: the device sticks equal the host-transposed tensor's, byte for byte.
        const DeviceTensor up = ops::to_device_nhwc(x, device);
        EXPECT_EQ(up.shape, (Shape{n, h, w, c}));
        const Tensor sticks = from_device(up);
        const Tensor host = ops::nchw_to_nhwc(x);
        ASSERT_TRUE(std::equal(host.bytes().begin(), host.bytes().end(), sticks.bytes().begin()))
            << x.shape().str();
        // Down: back to the NCHW values.
        const Tensor back = ops::from_device_nchw(to_device(host, device));
        ASSERT_EQ(back.shape(), x.shape());
        EXPECT_TRUE(std::equal(x.bytes().begin(), x.bytes().end(), back.bytes().begin())) << x.shape().str();
    }
}

TEST(ChannelLayout, DeviceTransposesRefuseWhatTheyCannotHold) {
    Device device(load_device("wormhole_b0"));
    const Tensor bf16 =
        Tensor::from_floats(Shape{1, 2, 3, 4}, std::vector<float>(24, 1.f), DataType::BFloat16);
    EXPECT_THROW_MSG((void)ops::to_device_nhwc(bf16, device), InvalidArgument,
                     "to_device_nhwc: expected a ROW_MAJOR float32 tensor, got bfloat16");
    const DeviceTensor flat = to_device(random_tensor(Shape{6, 5}, 3), device);
    EXPECT_THROW((void)ops::from_device_nchw(flat), InvalidArgument);
}
