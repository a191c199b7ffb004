// `tilesim op sample_sum` as a user runs it: results equal to the CPU reference, the simulated program in
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

struct SampleSumFiles {
    TempDir dir;
    FusedGridProblem p = random_fused_problem({2, 37, 9, 11, 5, 13, 3, 2}, 11);
    SampleSumFiles() {
        write_npy(dir / "x.npy", to_tensor(p.images));
        write_npy(dir / "g.npy", to_tensor(p.samples));
        write_npy(dir / "w.npy", to_tensor(p.weights));
    }
};

const std::string kInputs = "op sample_sum --images x.npy --samples g.npy --weights w.npy --out y.npy";

}  // namespace

TEST(CliSampleSum, CpuBackendWritesTheReferenceResult) {
    SampleSumFiles f;
    const auto r = run_cli(kInputs, f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{2, 3, 5, 37}));
    EXPECT_CLOSE(y.to_floats(), f.p.sum().data, 0.0, 1.0);
}

TEST(CliSampleSum, SimBackendMatchesTheReferenceAndReportsItsProgram) {
    SampleSumFiles f;
    const auto r = run_cli(kInputs + " --backend sim --report r.json --heatmap h.svg", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("program: sample_sum factory, 30 units on 30 cores"), std::string::npos) << r.out;
    EXPECT_TRUE(matches(read_npy(f.dir / "y.npy").to_floats(), f.p.sum().data, 2e-6));
    const auto report = nlohmann::json::parse(read_file(f.dir / "r.json"));
    EXPECT_EQ(report["op"], "sample_sum");
    EXPECT_EQ(report["details"]["program"]["factory"], "sample_sum");
    EXPECT_EQ(report["details"]["images"], nlohmann::json({2, 37, 9, 11}));
    EXPECT_NE(read_file(f.dir / "h.svg").find("<svg"), std::string::npos);
}

// --fp32-dest-acc-en=false makes DEST hold bf16 for float32 data (tt-metal's fp32_dest_acc_en): the sums
// are rounded to bf16, within bf16 accuracy of the reference but no longer within float32's.
TEST(CliSampleSum, Fp32DestAccumulationCanBeTurnedOff) {
    SampleSumFiles f;
    const auto r = run_cli(kInputs + " --backend sim --fp32-dest-acc-en=false --report r.json", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<float> y = read_npy(f.dir / "y.npy").to_floats(), ref = f.p.sum().data;
    EXPECT_FALSE(matches(y, ref, 2e-6));
    EXPECT_TRUE(matches(y, ref, 2e-2));
    EXPECT_EQ(nlohmann::json::parse(read_file(f.dir / "r.json"))["details"]["args"]["fp32_dest_acc_en"],
              false);
}

TEST(CliSampleSum, SimBFloat16IsWithinBf16Accuracy) {
    SampleSumFiles f;
    const auto r = run_cli(kInputs + " --backend sim --dtype bfloat16", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_CLOSE(read_npy(f.dir / "y.npy").to_floats(), f.p.sum().data, 0.05, 0.999);
}

TEST(CliSampleSum, CudaBackendMatchesTheReferenceOrSaysItIsUnavailable) {
    SampleSumFiles f;
    const auto r = run_cli(kInputs + " --backend cuda", f.dir);
    if (ops::cuda_device_available()) {
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(matches(read_npy(f.dir / "y.npy").to_floats(), f.p.sum().data, 1e-5));
    } else {
        EXPECT_EQ(r.exit_code, 2) << r.out;
        EXPECT_TRUE(one_line(r.err)) << r.err;
        EXPECT_NE(r.err.find("sample_sum: backend 'cuda' is unavailable"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
    }
}

struct BadCase {
    const char* name;
    std::string args;
    std::string expected;
};

class CliSampleSumBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliSampleSumBadInput, ExitsTwoWithOnePreciseLineAndNoOutput) {
    SampleSumFiles f;
    write_npy(f.dir / "w_q4.npy", random_tensor(Shape{2, 3, 4, 13}, 1));
    write_npy(f.dir / "x3.npy", random_tensor(Shape{37, 9, 11}, 2));
    const auto r = run_cli(GetParam().args, f.dir);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(GetParam().expected), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, CliSampleSumBadInput,
    ::testing::Values(
        BadCase{"WeightsOfAnotherQueryCount",
                "op sample_sum --images x.npy --samples g.npy --weights w_q4.npy --out y.npy",
                "sample_sum: weights must be [b (from images), hd, q, d (from samples)] = [2, 3, 5, 13], got "
                "[2, 3, 4, 13]"},
        BadCase{"WeightsOfAnotherQueryCountOnSim",
                "op sample_sum --images x.npy --samples g.npy --weights w_q4.npy --out y.npy --backend sim",
                "sample_sum (sim): weights must be [b (from images), hd, q, d (from samples)] = [2, 3, 5, "
                "13], got "
                "[2, 3, 4, 13]"},
        BadCase{"ImagesOfRank3OnSim",
                "op sample_sum --images x3.npy --samples g.npy --weights w.npy --out y.npy --backend sim",
                "sample_sum (sim): images must be [b, c, h, w], got [37, 9, 11]"},
        BadCase{"MissingWeights", "op sample_sum --images x.npy --samples g.npy --out y.npy", "--weights"},
        BadCase{"BadBufferingFactor", kInputs + " --backend sim --buffering-factor 0",
                "buffering_factor must be in [1, 64], got 0"}),
    [](const auto& info) { return std::string(info.param.name); });
