// grid_sample's CUDA reference against the CPU reference (random odd shapes, every mode, padding,
// align_corners and layout, forward and backward) and against the PyTorch fixtures. Without a CUDA device
// these skip with the reason; the test that the CUDA path then refuses with one clear line runs instead.
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/compare.hpp"
#include "common/cuda_test.hpp"
#include "common/golden.hpp"
#include "grid_sample_test_util.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/grid_sample/grid_sample_cuda.hpp"
#include "tilesim/error.hpp"

namespace tilesim::testing {
namespace {

using ops::ChannelLayout;

using GridSampleCuda = CudaTest;  // skips, with the reason, where no CUDA device is present

// As run_grid_sample (grid_sample_test_util.hpp) but on the CUDA path: NCHW tensors in and out.
GridSampleResult run_grid_sample_cuda(const GridSampleShape& s, ChannelLayout layout,
                                      const GridSampleOptions& options, std::span<const float> input_nchw,
                                      std::span<const float> grid,
                                      std::span<const float> grad_output_nchw = {}) {
    return run_grid_sample_with({&ops::grid_sample_forward_cuda, &ops::grid_sample_backward_cuda}, s, layout,
                                options, input_nchw, grid, grad_output_nchw);
}

// CUDA vs CPU on one problem: the same math header on both sides, so the only differences are the
// rounding of fused multiply-adds and the order of grad_input's atomic additions.
void expect_cuda_matches_cpu(const GridSampleShape& s, const GridSampleOptions& o, ChannelLayout layout,
                             std::span<const float> grid, uint32_t seed) {
    SCOPED_TRACE(options_name(o) + " " + std::string(ops::to_string(layout)));
    const auto input = random_vector(s.n * s.c * s.h * s.w, -1.f, 1.f, seed);
    const auto gout = random_vector(s.n * s.c * s.out_h * s.out_w, -1.f, 1.f, seed + 1);
    const GridSampleResult cpu = run_grid_sample(s, layout, o, input, grid, gout);
    const GridSampleResult gpu = run_grid_sample_cuda(s, layout, o, input, grid, gout);
    EXPECT_CLOSE(gpu.output, cpu.output, scaled_tolerance(cpu.output), 0.99999);
    EXPECT_CLOSE(gpu.grad_input, cpu.grad_input, scaled_tolerance(cpu.grad_input, 1e-4), 0.99999);
    EXPECT_CLOSE(gpu.grad_grid, cpu.grad_grid, scaled_tolerance(cpu.grad_grid, 1e-4), 0.99999);
}

TEST_F(GridSampleCuda, MatchesTheCpuReferenceForEveryOptionAndLayoutOnOddShapes) {
    const GridSampleShape s{2, 5, 7, 9, 6, 11};
    // Reaches past the borders so that padding matters.
    const auto grid = random_vector(s.n * s.out_h * s.out_w * 2, -1.3f, 1.3f, 11);
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        for (ChannelLayout layout : {ChannelLayout::NCHW, ChannelLayout::NHWC}) {
            expect_cuda_matches_cpu(s, o, layout, grid, 21);
        }
    }
}

TEST_F(GridSampleCuda, MatchesTheCpuReferenceWhenWorkSpansManyBlocksAndChannelsAreMany) {
    const GridSampleShape s{3, 37, 33, 29, 31, 27};
    const auto grid = random_vector(s.n * s.out_h * s.out_w * 2, -1.1f, 1.1f, 5);
    for (auto mode : {ops::GridSampleMode::Bilinear, ops::GridSampleMode::Bicubic}) {
        for (ChannelLayout layout : {ChannelLayout::NCHW, ChannelLayout::NHWC}) {
            expect_cuda_matches_cpu(s, {mode, ops::PaddingMode::Reflection, false}, layout, grid, 7);
        }
    }
}

TEST_F(GridSampleCuda, NonFiniteAndHugeGridValuesGiveTheCpuReferenceResults) {
    const GridSampleShape s{1, 3, 5, 6, 2, 4};
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> grid = {nan,  0.2f, 0.1f, nan,   inf,   0.f,    -inf, 0.5f,
                                     3e9f, 0.f,  0.3f, -3e9f, 0.25f, -0.75f, 1.f,  -1.f};
    for (const GridSampleOptions& o : all_grid_sample_options()) {
        expect_cuda_matches_cpu(s, o, ChannelLayout::NCHW, grid, 3);
    }
}

TEST_F(GridSampleCuda, MatchesThePyTorchFixtures) {
    int checked = 0;
    for (const GoldenCase& c : load_golden("grid_sample.json")) {
        if (!c.params.contains("mode")) continue;
        SCOPED_TRACE(c.name);
        const GoldenTensor input = c.tensor("input"), grid = c.tensor("grid");
        const GridSampleShape s =
            ops::validate_grid_sample_shapes(input.shape, grid.shape, ChannelLayout::NCHW);
        const GridSampleOptions o{ops::parse_grid_sample_mode(c.params.at("mode").get<std::string>()),
                                  ops::parse_padding_mode(c.params.at("padding_mode").get<std::string>()),
                                  c.params.at("align_corners").get<bool>()};
        const bool backward = c.params.at("has_backward").get<bool>();
        const GoldenTensor gout = c.tensor("grad_output");
        const GridSampleResult r =
            run_grid_sample_cuda(s, ChannelLayout::NCHW, o, input.data, grid.data,
                                 backward ? std::span<const float>(gout.data) : std::span<const float>());
        const std::vector<float> out = c.tensor("output").data;
        EXPECT_CLOSE(r.output, out, scaled_tolerance(out), 0.99999);
        if (backward) {
            const std::vector<float> gi = c.tensor("grad_input").data, gg = c.tensor("grad_grid").data;
            EXPECT_CLOSE(r.grad_input, gi, scaled_tolerance(gi, 1e-4), 0.99999);
            EXPECT_CLOSE(r.grad_grid, gg, scaled_tolerance(gg, 1e-4), 0.99999);
        }
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

// Checks happen before the device probe, so a bad shape is reported as such on any machine.
TEST(GridSampleCudaValidation, InvalidShapesThrowInvalidArgumentWithOrWithoutADevice) {
    const GridSampleShape bad{1, 0, 4, 4, 2, 2};
    std::vector<float> buf(64);
    EXPECT_THROW(
        ops::grid_sample_forward_cuda(buf.data(), buf.data(), buf.data(), bad, ChannelLayout::NCHW, {}),
        InvalidArgument);
}

using GridSampleCudaUnavailable = NoCudaTest;  // runs only where no CUDA device is present

TEST_F(GridSampleCudaUnavailable, WithoutADeviceTheCudaPathThrowsBackendUnavailableInOneLineNamingTheOp) {
    const GridSampleShape s{1, 2, 3, 3, 2, 2};
    std::vector<float> input(18, 1.f), grid(8, 0.f), out(8), grad_input(18), grad_grid(8);
    for (int pass = 0; pass < 2; ++pass) {
        try {
            if (pass == 0) {
                ops::grid_sample_forward_cuda(input.data(), grid.data(), out.data(), s, ChannelLayout::NCHW,
                                              {});
            } else {
                ops::grid_sample_backward_cuda(out.data(), input.data(), grid.data(), grad_input.data(),
                                               grad_grid.data(), s, ChannelLayout::NHWC, {});
            }
            ADD_FAILURE() << "expected BackendUnavailable";
        } catch (const BackendUnavailable& e) {
            const std::string msg = e.what();
            EXPECT_EQ(msg.rfind("grid_sample: backend 'cuda' is unavailable: ", 0), 0u) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    }
}

}  // namespace
}  // namespace tilesim::testing
