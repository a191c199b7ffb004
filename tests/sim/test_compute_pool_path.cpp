// The pooling path of the compute API (unpack_tilizeA_B_block -> reduce_tile_math ->
// pack_untilize_dest_row), which grid_sample, sample_dot and the RAFT lookup build on: a weighted sum of
// R rows, against the same sum computed here; and source A surviving a pop of its CB and the overwrite of
// its pages, as the hardware's source register would.
#include <gtest/gtest.h>

#include <random>

#include "common/compare.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/device_tensor.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"

using namespace tilesim;

namespace {
std::vector<float> random_values(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-2.f, 2.f);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// Runs the three kernels on one core; returns the packed row.
std::vector<float> weighted_row_sum(const std::vector<float>& rows, const std::vector<float>& weights,
                                    uint32_t width, bool overwrite) {
    Device device(load_device("wormhole_b0"));
    const auto r = static_cast<uint32_t>(weights.size());
    const DeviceTensor x = to_device(Tensor::from_floats(Shape{r, width}, rows), device);
    const DeviceTensor w = to_device(Tensor::from_floats(Shape{1, r}, weights), device);
    const DeviceTensor out = allocate_on_device(Shape{1, width}, DataType::Float32, device);
    Program p;
    const CoreCoord core{2, 3};
    CreateCircularBuffer(
        p, core,
        CircularBufferConfig(r * width * 4, {{0, DataType::Float32}}).set_page_size(0, r * width * 4));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(4096, {{1, DataType::Float32}}).set_page_size(1, 4096));
    CreateCircularBuffer(
        p, core, CircularBufferConfig(width * 4, {{16, DataType::Float32}}).set_page_size(16, width * 4));
    auto reader = CreateKernel(p, "tests/kernels/sim/pool_reader.cpp", core, ReaderDataMovementConfig{});
    ComputeConfig compute;
    compute.fp32_dest_acc_en = true;
    auto math = CreateKernel(p, "tests/kernels/sim/pool_compute.cpp", core, compute);
    auto writer = CreateKernel(p, "tests/kernels/sim/pool_writer.cpp", core, WriterDataMovementConfig{});
    SetRuntimeArgs(p, reader, core,
                   {x.buffer->address(), w.buffer->address(), r, width, overwrite ? 1u : 0u});
    SetRuntimeArgs(p, math, core, {r, width, overwrite ? 1u : 0u});
    SetRuntimeArgs(p, writer, core, {out.buffer->address(), width});
    EnqueueProgram(device, p);
    return from_device(out).to_floats();
}

// Σ_r w_r · row_r, accumulated in row order from zero (the order the reduction adds in).
std::vector<float> expected_sum(const std::vector<float>& rows, const std::vector<float>& weights,
                                uint32_t width) {
    std::vector<float> sum(width, 0.f);
    for (size_t r = 0; r < weights.size(); ++r)
        for (uint32_t c = 0; c < width; ++c) sum[c] += weights[r] * rows[r * width + c];
    return sum;
}
}  // namespace

TEST(ComputePoolPath, WeightedSumOfRowsMatchesOnOddRowCountsAndSeveralTiles) {
    for (const auto& [rows, width] :
         std::vector<std::pair<uint32_t, uint32_t>>{{4, 64}, {13, 96}, {1, 32}, {9, 160}}) {
        const auto x = random_values(size_t(rows) * width, rows * 100 + width);
        const auto w = random_values(rows, rows + width);
        EXPECT_CLOSE(weighted_row_sum(x, w, width, false), expected_sum(x, w, width), 1e-5, 0.99999)
            << rows << " rows of " << width;
    }
}

TEST(ComputePoolPath, SourceAKeepsTheUnpackedRowsWhenTheirPagesArePoppedAndOverwritten) {
    const uint32_t rows = 7, width = 64;
    const auto x = random_values(size_t(rows) * width, 77);
    const auto w = random_values(rows, 78);
    const auto got = weighted_row_sum(x, w, width, true);
    EXPECT_CLOSE(got, expected_sum(x, w, width), 1e-5, 0.99999);
}
