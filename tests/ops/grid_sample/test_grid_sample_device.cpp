// The simulated grid_sample program factories against the CPU reference, on random odd shapes, for
// every factory variant; the work split and CB sizes they report; what they refuse.
#include <gtest/gtest.h>

#include <random>

#include "common/compare.hpp"
#include "common/expect_throw_msg.hpp"
#include "common/prediction_invariance.hpp"
#include "common/sanitizer_build.hpp"
#include "ops/common/channel_layout.hpp"
#include "ops/grid_sample/grid_sample.hpp"
#include "tilesim/error.hpp"

using namespace tilesim;
using namespace tilesim::ops;

namespace {
Tensor random_tensor(Shape shape, uint32_t seed, float lo, float hi) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(shape.volume());
    for (auto& x : v) x = d(rng);
    return Tensor::from_floats(std::move(shape), v);
}

// Grid points at least 0.2 px from any rounding tie, so that tt-metal's floor(v + 0.5) and PyTorch's
// nearbyint agree (they differ only on exact .5 coordinates; see the dedicated test below), even after
// the grid is rounded to bf16.
Tensor tie_free_grid(Shape shape, uint32_t seed, uint32_t height, uint32_t width, bool align_corners) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pick(-2, 1 << 20);
    std::uniform_real_distribution<float> offset(-0.3f, 0.3f);
    std::vector<float> v(shape.volume());
    for (size_t i = 0; i < v.size(); ++i) {
        const uint32_t size = i % 2 == 0 ? width : height;
        const float pixel = float(pick(rng) % int(size + 3) - 1) + offset(rng);  // [-1.3, size + 1.3]
        v[i] = align_corners ? 2.f * pixel / float(size - 1) - 1.f : (2.f * pixel + 1.f) / float(size) - 1.f;
    }
    return Tensor::from_floats(std::move(shape), v);
}

std::vector<float> reference_nhwc(const Tensor& input, const Tensor& grid, GridSampleMode mode,
                                  bool align_corners) {
    GridSampleArgs a;
    a.mode = mode;
    a.align_corners = align_corners;
    a.input_layout = ChannelLayout::NHWC;
    return grid_sample(input, grid, a).output.to_floats();
}

struct Variant {
    const char* name;
    GridSampleMode mode;
    GridSampleMemory memory;
    uint32_t batching;
    bool precomputed, split_reader;
    DataType dtype;
};

std::string variant_name(const ::testing::TestParamInfo<std::tuple<Variant, bool>>& info) {
    return std::string(std::get<0>(info.param).name) + (std::get<1>(info.param) ? "_AlignCorners" : "");
}

class GridSampleDeviceVariants : public ::testing::TestWithParam<std::tuple<Variant, bool>> {};
}  // namespace

TEST_P(GridSampleDeviceVariants, MatchesCpuReferenceOnOddShapes) {
    const auto [v, align_corners] = GetParam();
    const Tensor input = random_tensor(Shape{2, 13, 17, 37}, 11, -2.f, 2.f);  // NHWC
    const Tensor grid = v.mode == GridSampleMode::Nearest
                            ? tie_free_grid(Shape{2, 11, 9, 2}, 12, 13, 17, align_corners)
                            : random_tensor(Shape{2, 11, 9, 2}, 12, -1.15f, 1.15f);
    GridSampleArgs a;
    a.mode = v.mode;
    a.align_corners = align_corners;
    a.input_layout = ChannelLayout::NHWC;
    a.backend = Backend::Sim;
    a.memory = v.memory;
    a.grid_batching = v.batching;
    a.precomputed_grid = v.precomputed;
    a.split_reader = v.split_reader;
    a.dtype = v.dtype;
    a.run.host_threads = 2;
    const auto sim = grid_sample(input, grid, a);
    const Tensor ref_input = v.dtype == DataType::BFloat16 ? round_to_bf16(input) : input;
    // A precomputed grid is prepared on the host from the float32 grid (as tt-metal does).
    const Tensor ref_grid = v.dtype == DataType::BFloat16 && !v.precomputed ? round_to_bf16(grid) : grid;
    const auto expected = reference_nhwc(ref_input, ref_grid, v.mode, align_corners);
    ASSERT_TRUE(sim.report.has_value());
    // Tolerances by what the device does: fp32 math with fp32 weights is exact to rounding; bf16 weights
    // (precomputed grids) or bf16 data and DEST cost ~3 significant digits.
    const bool nearest = v.mode == GridSampleMode::Nearest;
    double max_abs = 1e-5;
    if (!nearest && (v.precomputed || v.dtype == DataType::BFloat16)) max_abs = 0.05;
    if (nearest && v.dtype == DataType::BFloat16) max_abs = 0.02;
    EXPECT_CLOSE(sim.output.to_floats(), expected, max_abs, 0.9995);
}

INSTANTIATE_TEST_SUITE_P(
    AllFactories, GridSampleDeviceVariants,
    ::testing::Combine(
        ::testing::Values(Variant{"BilinearInterleaved", GridSampleMode::Bilinear,
                                  GridSampleMemory::Interleaved, 1, false, false, DataType::Float32},
                          Variant{"BilinearInterleavedK3", GridSampleMode::Bilinear,
                                  GridSampleMemory::Interleaved, 3, false, false, DataType::Float32},
                          Variant{"BilinearInterleavedPrecomputedK3", GridSampleMode::Bilinear,
                                  GridSampleMemory::Interleaved, 3, true, false, DataType::Float32},
                          Variant{"BilinearInterleavedBf16", GridSampleMode::Bilinear,
                                  GridSampleMemory::Interleaved, 1, false, false, DataType::BFloat16},
                          Variant{"BilinearSharded", GridSampleMode::Bilinear,
                                  GridSampleMemory::HeightSharded, 1, false, false, DataType::Float32},
                          Variant{"BilinearShardedK3SplitReader", GridSampleMode::Bilinear,
                                  GridSampleMemory::HeightSharded, 3, false, true, DataType::Float32},
                          Variant{"BilinearShardedPrecomputedBf16", GridSampleMode::Bilinear,
                                  GridSampleMemory::HeightSharded, 1, true, false, DataType::BFloat16},
                          Variant{"NearestInterleaved", GridSampleMode::Nearest,
                                  GridSampleMemory::Interleaved, 1, false, false, DataType::Float32},
                          Variant{"NearestInterleavedPrecomputedK3", GridSampleMode::Nearest,
                                  GridSampleMemory::Interleaved, 3, true, false, DataType::Float32},
                          Variant{"NearestShardedK3", GridSampleMode::Nearest,
                                  GridSampleMemory::HeightSharded, 3, false, false, DataType::Float32},
                          Variant{"NearestShardedBf16", GridSampleMode::Nearest,
                                  GridSampleMemory::HeightSharded, 1, false, false, DataType::BFloat16}),
        ::testing::Bool()),
    variant_name);

TEST(GridSampleDevice, NchwInputIsTransposedAndBack) {
    const Tensor input = random_tensor(Shape{1, 5, 7, 9}, 3, -1.f, 1.f);  // NCHW
    const Tensor grid = random_tensor(Shape{1, 4, 6, 2}, 4, -1.f, 1.f);
    GridSampleArgs a;
    const auto cpu = grid_sample(input, grid, a);
    a.backend = Backend::Sim;
    const auto sim = grid_sample(input, grid, a);
    EXPECT_EQ(sim.output.shape(), (Shape{1, 5, 4, 6}));
    EXPECT_CLOSE(sim.output.to_floats(), cpu.output.to_floats(), 1e-5, 0.99999);
}

TEST(GridSampleDevice, NearestRoundsHalfUpAsTtMetalWhilePyTorchRoundsHalfToEven) {
    // W = 8, align_corners=false: x = ((g + 1) * 8 - 1) / 2. g = -0.25 gives x = 2.5 exactly.
    std::vector<float> in(8);
    for (int i = 0; i < 8; ++i) in[i] = float(i);
    const Tensor input = Tensor::from_floats(Shape{1, 1, 8, 1}, in);  // NHWC, C = 1
    const Tensor grid = Tensor::from_floats(Shape{1, 1, 1, 2}, std::vector<float>{-0.25f, 0.f});
    GridSampleArgs a;
    a.mode = GridSampleMode::Nearest;
    a.input_layout = ChannelLayout::NHWC;
    EXPECT_EQ(grid_sample(input, grid, a).output.to_floats()[0], 2.f);  // nearbyint(2.5) = 2
    a.backend = Backend::Sim;
    EXPECT_EQ(grid_sample(input, grid, a).output.to_floats()[0], 3.f);  // floor(2.5 + 0.5) = 3
}

TEST(GridSampleDevice, ReportedWorkSplitAndCbSizesFollowTheSpecFormulas) {
    struct Case {
        Shape input, grid;
        uint32_t batching;
        DataType dtype;
    };
    for (const Case& c : {Case{{1, 8, 8, 32}, {1, 10, 10, 2}, 1, DataType::BFloat16},
                          Case{{2, 13, 17, 37}, {2, 11, 9, 2}, 3, DataType::Float32},
                          Case{{3, 5, 6, 70}, {3, 20, 30, 2}, 2, DataType::BFloat16}}) {
        GridSampleArgs a;
        a.input_layout = ChannelLayout::NHWC;
        a.backend = Backend::Sim;
        a.grid_batching = c.batching;
        a.dtype = c.dtype;
        const auto r = grid_sample(random_tensor(c.input, 1, -1, 1), random_tensor(c.grid, 2, -1, 1), a);
        const ProgramSummary& info = *r.program;
        const uint32_t C = c.input[3], e = element_size(c.dtype);
        const uint32_t sticks = c.grid[0] * c.grid[1] * c.grid[2] / c.batching;
        SCOPED_TRACE(c.input.str() + " " + c.grid.str());
        EXPECT_EQ(info.fact("grid_sticks"), sticks);
        EXPECT_EQ(info.num_cores, std::min(sticks, 64u));
        EXPECT_EQ(info.units_per_core_group_1, (sticks + 63) / 64);
        EXPECT_EQ(info.cores_group_1, sticks % 64 == 0 ? std::min(sticks, 64u) : sticks % 64);
        ASSERT_EQ(info.cbs.size(), 4u);
        const uint32_t grid_stick = 2 * c.batching * e;
        EXPECT_EQ(info.cbs[0].page_size, (grid_stick + 31) / 32 * 32);  // c_0: aligned grid stick
        EXPECT_EQ(info.cbs[0].num_pages, 1u);
        EXPECT_EQ(info.cbs[1].page_size, (C + 31) / 32 * 1024 * e);  // c_1: ceil(C/32) * 1024 * elem
        EXPECT_EQ(info.cbs[1].num_pages, 2u);
        EXPECT_EQ(info.cbs[2].page_size, 1024 * e);  // c_2: one tile
        EXPECT_EQ(info.cbs[3].page_size, 16 * e);    // c_3: face-width pieces
        EXPECT_EQ(info.cbs[3].num_pages, (C + 15) / 16 * 2);
        uint32_t units = 0;
        for (const auto& core : r.report->cores) units += core.units;
        EXPECT_EQ(units, sticks);
        EXPECT_GT(r.report->predicted_cycles, 0);
    }
}

TEST(GridSampleDevice, OutputIsBitIdenticalAcrossHostThreadCounts) {
    const Tensor input = random_tensor(Shape{1, 9, 11, 40}, 5, -1, 1);
    const Tensor grid = random_tensor(Shape{1, 7, 8, 2}, 6, -1, 1);
    std::vector<float> first;
    double first_cycles = 0;
    for (uint32_t threads : {1u, 2u, 8u}) {
        GridSampleArgs a;
        a.input_layout = ChannelLayout::NHWC;
        a.backend = Backend::Sim;
        a.dtype = DataType::BFloat16;
        a.run.host_threads = threads;
        const auto r = grid_sample(input, grid, a);
        const auto out = r.output.to_floats();
        ASSERT_TRUE(r.report.has_value());
        if (first.empty()) {
            first = out;
            first_cycles = r.report->predicted_cycles;
        } else {
            EXPECT_EQ(0, std::memcmp(out.data(), first.data(), first.size() * 4)) << threads;
            EXPECT_EQ(r.report->predicted_cycles, first_cycles) << threads;  // the prediction too
        }
    }
}

TEST(GridSampleDevice, PredictionIsTheSameOnAnyHostThreadCountAndExecutor) {
    const Tensor input = random_tensor(Shape{1, 9, 11, 40}, 7, -1, 1);  // NHWC
    const Tensor grid = random_tensor(Shape{1, 7, 8, 2}, 8, -1, 1);
    tilesim::testing::expect_prediction_is_host_invariant([&](const RunOptions& o) {
        GridSampleArgs a;
        a.input_layout = ChannelLayout::NHWC;
        a.backend = Backend::Sim;
        a.core_grid = {2, 2};
        a.run = o;
        return grid_sample(input, grid, a);
    });
}

// The readers' own work is costed (docs/cost-model.md, "Scalar kernel work"): a reader that computes each
// point's coordinates and weights in software float is several times slower than one that reads them
// precomputed, as on silicon, where the data-movement cores have no FPU.
TEST(GridSampleDevice, PrecomputedGridIsPredictedSeveralTimesFasterThanCoordinatesOnTheRiscv) {
    if (tilesim::testing::kSanitizedBuild)
        GTEST_SKIP() << "a sanitizer build prices its checks (on every L1 load) as the readers' scalar work";
    const Tensor input = random_tensor(Shape{1, 23, 29, 32}, 21, -1, 1);  // NHWC
    const Tensor grid = random_tensor(Shape{1, 24, 20, 2}, 22, -1.1f, 1.1f);
    for (uint32_t k : {1u, 4u}) {
        double cycles[2] = {}, reader_scalar[2] = {};
        for (bool precomputed : {false, true}) {
            GridSampleArgs a;
            a.input_layout = ChannelLayout::NHWC;
            a.backend = Backend::Sim;
            a.core_grid = {4, 4};
            a.grid_batching = k;
            a.precomputed_grid = precomputed;
            a.run.host_threads = 1;
            const auto r = grid_sample(input, grid, a);
            ASSERT_TRUE(r.report.has_value());
            cycles[precomputed] = r.report->predicted_cycles;
            for (const auto& cs : r.report->cores)
                for (const auto& ks : cs.kernels)
                    if (ks.kind == KernelKind::Reader) reader_scalar[precomputed] += ks.scalar_cycles;
        }
        EXPECT_GT(reader_scalar[1], 0) << "K=" << k;  // reading the precomputed grid is work too
        EXPECT_GT(reader_scalar[0], 4 * reader_scalar[1]) << "K=" << k;
        EXPECT_GT(cycles[0], 2 * cycles[1])
            << "K=" << k << ": computed " << cycles[0] << " vs precomputed " << cycles[1] << " cycles";
    }
}

// Deeper CBs let the reader run ahead of the writer: never slower, and clearly faster where the pipeline
// waits on a full CB (nearest, precomputed grid, K=4: the reader's four reads per stick outrun one slot).
TEST(GridSampleDevice, DeeperCbBufferingIsNeverSlowerAndFasterWhereTheCbIsTheBound) {
    const Tensor input = random_tensor(Shape{1, 29, 31, 32}, 31, -1, 1);  // NHWC
    struct Case {
        GridSampleMode mode;
        bool precomputed;
        uint32_t k;
        bool cb_bound;
    };
    for (const Case& c :
         {Case{GridSampleMode::Nearest, true, 4, true}, Case{GridSampleMode::Bilinear, false, 1, false},
          Case{GridSampleMode::Bilinear, true, 4, false}, Case{GridSampleMode::Nearest, false, 1, false}}) {
        const Tensor grid = c.mode == GridSampleMode::Nearest
                                ? tie_free_grid(Shape{1, 32, 32, 2}, 32, 29, 31, false)
                                : random_tensor(Shape{1, 32, 32, 2}, 32, -1.1f, 1.1f);
        double cycles[3] = {};
        Bound bound = Bound::Compute;
        for (uint32_t i = 0; i < 3; ++i) {
            GridSampleArgs a;
            a.mode = c.mode;
            a.input_layout = ChannelLayout::NHWC;
            a.backend = Backend::Sim;
            a.core_grid = {4, 4};
            a.grid_batching = c.k;
            a.precomputed_grid = c.precomputed;
            a.buffering_factor = 1u << i;
            const auto r = grid_sample(input, grid, a);
            ASSERT_TRUE(r.report.has_value());
            cycles[i] = r.report->predicted_cycles;
            if (i == 0) bound = r.report->bound;
        }
        const std::string what = fmt::format("{} precomputed={} K={}: buffering 1/2/4 -> {}/{}/{} cycles",
                                             c.mode == GridSampleMode::Nearest ? "nearest" : "bilinear",
                                             c.precomputed, c.k, cycles[0], cycles[1], cycles[2]);
        EXPECT_LE(cycles[1], cycles[0]) << what;
        EXPECT_LE(cycles[2], cycles[1]) << what;
        if (c.cb_bound) {
            if (!tilesim::testing::kSanitizedBuild) {
                EXPECT_EQ(bound, Bound::CircularBufferStall) << what;
            }
            EXPECT_LT(cycles[1], 0.85 * cycles[0]) << what;
        }
    }
}

namespace {
void run_sim(GridSampleArgs a, Shape input = {1, 4, 5, 3}, Shape grid = {1, 2, 6, 2}) {
    a.input_layout = ChannelLayout::NHWC;
    a.backend = Backend::Sim;
    (void)grid_sample(random_tensor(input, 1, 0, 1), random_tensor(grid, 2, -1, 1), a);
}
}  // namespace

TEST(GridSampleDevice, RefusesWhatItDoesNotSupportAndSaysWhatIs) {
    GridSampleArgs a;
    a.mode = GridSampleMode::Bicubic;
    EXPECT_THROW_MSG(
        run_sim(a), InvalidArgument,
        "mode 'bicubic' is not supported on the simulated device (supported: bilinear, nearest)");
    a = {};
    a.padding_mode = PaddingMode::Border;
    EXPECT_THROW_MSG(run_sim(a), InvalidArgument,
                     "padding_mode 'border' is not supported on the simulated device (supported: zeros)");
    a = {};
    a.grid_batching = 4;
    EXPECT_THROW_MSG(run_sim(a), InvalidArgument,
                     "grid_sample (sim): grid batching factor K=4 must divide W_out=6");
    a = {};
    a.split_reader = true;
    EXPECT_THROW_MSG(run_sim(a), InvalidArgument,
                     "split reader is available for bilinear height-sharded grids only");
    a = {};
    EXPECT_THROW_MSG(run_sim(a, {1, 4, 5, 600}), InvalidArgument, "C=600 needs 19 channel tiles");
    EXPECT_THROW_MSG(run_sim(a, {2, 4, 5, 3}), InvalidArgument,
                     "grid_sample: grid batch 1 does not match input batch 2");
    a.memory = GridSampleMemory::HeightSharded;
    a.num_shard_cores = 65;
    EXPECT_THROW_MSG(run_sim(a), InvalidArgument,
                     "num_shard_cores 65 exceeds the 64 worker cores of the 8x8 core grid");
}
