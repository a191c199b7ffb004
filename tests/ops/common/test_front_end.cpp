// The op front end every op shares (ops/common/front_end.hpp): float inputs as views or converted copies,
// the run options' checks, and that an op on the CPU reference reads float32 inputs where they are.
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include <gtest/gtest.h>

#include "ops/common/channel_layout.hpp"
#include "ops/common/front_end.hpp"
#include "ops/correlation/correlation.hpp"
#include "ops/deformable_aggregation/deformable_aggregation.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"
#include "ops/grid_sample/grid_sample.hpp"
#include "common/expect_throw_msg.hpp"
#include "tilesim/error.hpp"

// The bytes allocated through operator new while counting is on: a copy of an input made anywhere in an
// op (a Tensor, a std::vector) adds at least the input's size.
namespace {
std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocated{0};

void* counted_alloc(size_t n) {
    if (g_counting.load(std::memory_order_relaxed)) g_allocated.fetch_add(n, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(size_t n) {
    return counted_alloc(n);
}
void* operator new[](size_t n) {
    return counted_alloc(n);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
    std::free(p);
}

namespace tilesim::ops {
namespace {

// The bytes `f` allocates.
template <class F>
size_t bytes_allocated(F&& f) {
    g_allocated = 0;
    g_counting = true;
    f();
    g_counting = false;
    return g_allocated.load();
}

std::vector<float> random_values(size_t n, float lo, float hi, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = u(rng);
    return v;
}

TEST(FloatInput, ViewsAFloat32RowMajorTensorWithoutCopying) {
    const Tensor t = Tensor::from_floats(Shape{2, 3, 5}, random_values(30, -1, 1, 1));
    const FloatInput in(t);
    EXPECT_EQ(in.data(), t.data<float>().data());
    EXPECT_FALSE(in.is_copy());
    EXPECT_EQ(in.shape(), (std::vector<int64_t>{2, 3, 5}));
    const std::vector<float> values(7, 1.5f);
    const FloatInput view(values, {7});
    EXPECT_EQ(view.data(), values.data());
    EXPECT_FALSE(view.is_copy());
}

TEST(FloatInput, ConvertsOtherDtypesAndTileLayoutIntoACopy) {
    const std::vector<float> v = random_values(3 * 33 * 35, -4, 4, 2);
    const Tensor f32 = Tensor::from_floats(Shape{3, 33, 35}, v);
    const FloatInput from_bf16(f32.to_dtype(DataType::BFloat16));
    ASSERT_TRUE(from_bf16.is_copy());
    EXPECT_EQ(from_bf16.shape(), (std::vector<int64_t>{3, 33, 35}));
    for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(from_bf16.values()[i], tilesim::round_to_bf16(v[i])) << i;
    const FloatInput from_tiles(f32.to_layout(Layout::TILE));  // untilized, padding dropped
    ASSERT_TRUE(from_tiles.is_copy());
    ASSERT_EQ(from_tiles.values().size(), v.size());
    for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(from_tiles.values()[i], v[i]) << i;
}

TEST(FloatInput, RoundsToBf16AndFp16AndViewsForFloat32) {
    const std::vector<float> v = random_values(101, -1000, 1000, 3);
    const FloatInput in(v, {101});
    const FloatInput same = in.rounded_to(DataType::Float32);
    EXPECT_EQ(same.data(), v.data());
    const FloatInput bf = in.rounded_to(DataType::BFloat16), half = in.rounded_to(DataType::Float16);
    for (size_t i = 0; i < v.size(); ++i) {
        ASSERT_EQ(bf.values()[i], tilesim::round_to_bf16(v[i]));
        ASSERT_EQ(half.values()[i], round_to_fp16(v[i]));
    }
    EXPECT_THROW_MSG((void)in.rounded_to(DataType::Int32), InvalidArgument,
                     "rounded_to: dtype must be bfloat16 or float16, got int32");
}

TEST(FloatInput, ChannelsLastTensorMatchesTheTranspose) {
    const Tensor nchw = Tensor::from_floats(Shape{2, 5, 3, 7}, random_values(210, -1, 1, 4));
    const Tensor nhwc = FloatInput(nchw).to_nhwc_tensor("op", "x");
    EXPECT_EQ(nhwc.shape(), (Shape{2, 3, 7, 5}));
    EXPECT_EQ(nhwc.to_floats(), nchw_to_nhwc(nchw).to_floats());
    const std::vector<float> flat(6);
    EXPECT_THROW_MSG((void)FloatInput(flat, {2, 3}).to_nhwc_tensor("some_op", "images"), InvalidArgument,
                     "some_op: images must be [N, C, H, W], got [2, 3]");
}

TEST(FloatInput, RefusesAViewWhoseShapeDoesNotMatchItsValues) {
    const std::vector<float> v(5);
    EXPECT_THROW_MSG((void)FloatInput(v, {2, 3}), InvalidArgument,
                     "holds 5 values but its shape [2, 3] needs 6");
}

TEST(DeviceRunOptions, DtypeChecksNameTheOpAndTheChoices) {
    DeviceRunOptions o;
    o.dtype = DataType::Bfp8_b;
    EXPECT_THROW_MSG(check_dtype("my_op", o, {DataType::Float32, DataType::BFloat16}), InvalidArgument,
                     "my_op: dtype must be float32 or bfloat16, got bfp8_b");
    EXPECT_THROW_MSG(check_dtype("my_op", o, {DataType::Float32, DataType::BFloat16, DataType::Float16}),
                     InvalidArgument, "my_op: dtype must be float32, bfloat16 or float16, got bfp8_b");
    o.dtype = DataType::Float16;
    o.backend = Backend::Sim;
    EXPECT_THROW_MSG(check_dtype("my_op", o, {DataType::Float32, DataType::Float16}), InvalidArgument,
                     "my_op: dtype float16 is not a device data type");
}

TEST(DeviceRunOptions, DeviceChecksNameTheGridAndTheBufferingFactor) {
    Device& device = run_device({});
    DeviceRunOptions o;
    o.core_grid = {9, 1};
    EXPECT_THROW_MSG(validate_device_options("op (sim)", device, o), InvalidArgument,
                     "op (sim): core grid 9x1 must be non-empty and fit the device's worker grid 8x8");
    o.core_grid = {2, 2};
    o.buffering_factor = 65;
    EXPECT_THROW_MSG(validate_device_options("op (sim)", device, o), InvalidArgument,
                     "op (sim): buffering factor must be in [1, 64], got 65");
    o.buffering_factor = 3;
    validate_device_options("op (sim)", device, o);
    EXPECT_EQ(core_grid_of(device, o), (CoreCoord{2, 2}));
    EXPECT_EQ(core_grid_of(device, {}), device.compute_with_storage_grid_size());
    EXPECT_EQ(&run_device({}), &device);  // one device per config and thread
}

// Every op on the CPU reference reads float32 views of the caller's memory where they are: the op call
// allocates no more than its reference called directly on the same memory (whose workspaces, such as a
// channels-last copy, are the algorithm's) plus the output tensor and a little bookkeeping. A copy of one
// big input (1 MB and up) in the front end would exceed that.
constexpr size_t kBig = 1 << 18;  // floats in each big input: 1 MB
constexpr size_t kSlack = kBig;   // bytes: the output tensors here are a few KB

TEST(FrontEndZeroCopy, GridSampleReadsTheInputInPlace) {
    const std::vector<float> input = random_values(kBig * 3 / 2, -1, 1, 5);  // [1, 512, 256, 3] NHWC
    const std::vector<float> grid = random_values(2 * 7 * 9, -1.1f, 1.1f, 6);
    GridSampleArgs a;
    a.input_layout = ChannelLayout::NHWC;
    GridSampleResult r;
    const GridSampleShape shape = validate_grid_sample_shapes({1, 512, 256, 3}, {1, 7, 9, 2}, a.input_layout);
    std::vector<float> out(7 * 9 * 3);
    const size_t reference = bytes_allocated(
        [&] { grid_sample_forward_cpu(input.data(), grid.data(), out.data(), shape, a.input_layout, {}); });
    const size_t op = bytes_allocated([&] {
        r = grid_sample(FloatInput(input, {1, 512, 256, 3}), FloatInput(grid, {1, 7, 9, 2}), a);
    });
    EXPECT_LT(op, reference + kSlack);
    EXPECT_EQ(r.output.to_floats(), out);
}

TEST(FrontEndZeroCopy, SampleSumAndSampleDotReadTheImagesInPlace) {
    const std::vector<float> images = random_values(kBig * 2, -1, 1, 7);  // [1, 8, 256, 256]
    const std::vector<float> samples = random_values(5 * 3 * 2, -1, 1, 8),
                             weights = random_values(15, 0, 1, 9);
    const std::vector<float> queries = random_values(5 * 4, -1, 1, 10), depths = random_values(15, 0, 1, 11);
    const FloatInput img(images, {1, 8, 256, 256}), s(samples, {1, 5, 3, 2}), w(weights, {1, 1, 5, 3});
    const FloatInput q(queries, {1, 1, 5, 4}), d(depths, {1, 5, 3});
    HostArray<float> expected;
    const size_t sum_reference = bytes_allocated([&] { expected = sample_sum_forward_cpu(img, s, w); });
    FusedGridOpsResult r;
    const size_t sum_op = bytes_allocated([&] { r = sample_sum(img, s, w); });
    EXPECT_LT(sum_op, sum_reference + kSlack);
    EXPECT_EQ(r.output.to_floats(), expected.data);
    const size_t dot_reference = bytes_allocated([&] { expected = sample_dot_forward_cpu(img, s, q, d, 2); });
    const size_t dot_op = bytes_allocated([&] { r = sample_dot(img, s, q, d, 2); });
    EXPECT_LT(dot_op, dot_reference + kSlack);
    EXPECT_EQ(r.output.to_floats(), expected.data);
}

TEST(FrontEndZeroCopy, DeformableAggregationReadsTheFeaturesInPlace) {
    const std::vector<float> feat = random_values(kBig * 2, -1, 1, 12);  // [1, 8192, 64]
    const Tensor spatial = Tensor::from_floats(Shape{1, 1, 2}, std::vector<float>{64, 128});
    const Tensor start = Tensor::from_floats(Shape{1, 1}, std::vector<float>{0});
    const std::vector<float> loc = random_values(3 * 4 * 2, 0, 1, 13), w = random_values(3 * 4 * 8, 0, 1, 14);
    const FloatInput f(feat, {1, 8192, 64}), l(loc, {1, 3, 4, 1, 2}), wt(w, {1, 3, 4, 1, 1, 8});
    const HostArray<int32_t> spatial_i({1, 1, 2}, {64, 128}), start_i({1, 1}, {0});
    HostArray<float> expected;
    const size_t reference =
        bytes_allocated([&] { expected = deformable_aggregation_forward_cpu(f, spatial_i, start_i, l, wt); });
    DeformableAggregationResult r;
    const size_t op = bytes_allocated([&] { r = deformable_aggregation(f, spatial, start, l, wt); });
    EXPECT_LT(op, reference + kSlack);
    EXPECT_EQ(r.output.to_floats(), expected.data);
}

TEST(FrontEndZeroCopy, CorrelationOpsReadTheFeatureMapsInPlace) {
    const std::vector<float> f1 = random_values(kBig, -1, 1, 15), f2 = random_values(kBig, -1, 1, 16);
    const std::vector<float> coords = random_values(2 * 128 * 128, 0, 127, 17);
    const FloatInput a(f1, {1, 16, 128, 128}), b(f2, {1, 16, 128, 128}), xy(coords, {1, 2, 128, 128});
    const NchwView va{f1, {1, 16, 128, 128}}, vb{f2, {1, 16, 128, 128}}, vxy{coords, {1, 2, 128, 128}};
    SpatialCorrelationParams sp;
    sp.strideH = sp.strideW = 32;
    CorrelationResult r;
    std::vector<float> out(16);
    size_t reference = bytes_allocated([&] { spatial_correlation_forward_cpu(va, vb, sp, out); });
    size_t op = bytes_allocated([&] { r = spatial_correlation(a, b, sp); });
    EXPECT_LT(op, reference + kSlack) << "spatial_correlation";
    EXPECT_EQ(r.output.to_floats(), out);
    const FlowNetCorrelationParams fp{0, 1, 0, 32, 1, true};
    CorrelationArray expected;
    reference = bytes_allocated([&] { expected = flownet_correlation_forward_cpu(va, vb, fp); });
    op = bytes_allocated([&] { r = flownet_correlation(a, b, fp); });
    EXPECT_LT(op, reference + kSlack) << "flownet_correlation";
    EXPECT_EQ(r.output.to_floats(), expected.data);
    reference = bytes_allocated([&] { expected = corr_lookup_alternate_cpu(va, vb, vxy, 1, 0); });
    op = bytes_allocated([&] { r = corr_lookup(a, b, xy, 1, 0); });
    EXPECT_LT(op, reference + kSlack) << "corr_lookup";
    EXPECT_EQ(r.output.to_floats(), expected.data);
}

}  // namespace
}  // namespace tilesim::ops
