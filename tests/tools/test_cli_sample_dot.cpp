// `tilesim op sample_dot` as a user runs it: results equal to the CPU reference, the simulated program in
// the report, exit code 2 with one precise line and no output file for bad inputs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "common/compare.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/fused_grid_ops/fused_grid_problem.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {

Tensor to_tensor(const ops::HostArray<float>& a) {
    return Tensor::from_floats(Shape(std::vector<uint32_t>(a.shape.begin(), a.shape.end())), a.data);
}

// 3 octaves: queries hold c - 6 = 35 channels.
struct SampleDotFiles {
    TempDir dir;
    FusedGridProblem p = random_fused_problem({2, 41, 9, 11, 5, 35, 3, 3}, 12);
    SampleDotFiles() {
        write_npy(dir / "x.npy", to_tensor(p.images));
        write_npy(dir / "g.npy", to_tensor(p.samples));
        write_npy(dir / "q.npy", to_tensor(p.queries));
        write_npy(dir / "d.npy", to_tensor(p.depths));
    }
};

const std::string kInputs =
    "op sample_dot --images x.npy --samples g.npy --queries q.npy --depths d.npy --num-octaves 3 --out y.npy";

}  // namespace

TEST(CliSampleDot, CpuBackendWritesTheReferenceResult) {
    SampleDotFiles f;
    const auto r = run_cli(kInputs, f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{2, 3, 5, 35}));
    EXPECT_CLOSE(y.to_floats(), f.p.dot().data, 0.0, 1.0);
}

TEST(CliSampleDot, SimBackendMatchesTheReferenceAndReportsItsProgram) {
    SampleDotFiles f;
    const auto r = run_cli(kInputs + " --backend sim --core-grid 2 3 --report r.json", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("program: sample_dot factory, 30 units on 6 cores (6 x 5 + 0 x 0)"),
              std::string::npos)
        << r.out;
    EXPECT_TRUE(matches(read_npy(f.dir / "y.npy").to_floats(), f.p.dot().data, 2e-6));
    const auto report = nlohmann::json::parse(read_file(f.dir / "r.json"));
    EXPECT_EQ(report["details"]["args"]["num_octaves"], 3);
    EXPECT_EQ(report["details"]["program"]["kernels"].size(), 3u);
}

TEST(CliSampleDot, SimBFloat16IsWithinBf16Accuracy) {
    SampleDotFiles f;
    const auto r = run_cli(kInputs + " --backend sim --dtype bfloat16", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_CLOSE(read_npy(f.dir / "y.npy").to_floats(), f.p.dot().data, 0.08, 0.999);
}

TEST(CliSampleDot, CudaBackendMatchesTheReferenceOrSaysItIsUnavailable) {
    SampleDotFiles f;
    const auto r = run_cli(kInputs + " --backend cuda", f.dir);
    if (ops::cuda_device_available()) {
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(matches(read_npy(f.dir / "y.npy").to_floats(), f.p.dot().data, 1e-5));
    } else {
        EXPECT_EQ(r.exit_code, 2) << r.out;
        EXPECT_TRUE(one_line(r.err)) << r.err;
        EXPECT_NE(r.err.find("sample_dot: backend 'cuda' is unavailable"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
    }
}

struct BadCase {
    const char* name;
    std::string args;
    std::string expected;
};

class CliSampleDotBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliSampleDotBadInput, ExitsTwoWithOnePreciseLineAndNoOutput) {
    SampleDotFiles f;
    write_npy(f.dir / "d_short.npy", random_tensor(Shape{2, 5, 34}, 1));
    const auto r = run_cli(GetParam().args, f.dir);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(GetParam().expected), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
}

const std::string kNoOctaves =
    "op sample_dot --images x.npy --samples g.npy --queries q.npy --depths d.npy --out y.npy";

INSTANTIATE_TEST_SUITE_P(
    Matrix, CliSampleDotBadInput,
    ::testing::Values(
        BadCase{"QueriesNotMatchingTheOctaves", kNoOctaves + " --num-octaves 2",
                "sample_dot: queries must be [b (from images), hd, q (from samples), c - 2 * num_octaves] = "
                "[2, 3, 5, 37], "
                "got [2, 3, 5, 35]"},
        BadCase{"TooManyOctavesOnSim", kNoOctaves + " --num-octaves 21 --backend sim",
                "sample_dot (sim): num_octaves = 21 must be in [0, c / 2] with c = 41"},
        BadCase{"DepthsOfAnotherSampleCount",
                "op sample_dot --images x.npy --samples g.npy --queries q.npy --depths d_short.npy "
                "--num-octaves 3 --out "
                "y.npy --backend sim",
                "sample_dot (sim): depths must be [b, q, d] (from samples) = [2, 5, 35], got [2, 5, 34]"},
        BadCase{"MissingNumOctaves", kNoOctaves, "--num-octaves"}),
    [](const auto& info) { return std::string(info.param.name); });
