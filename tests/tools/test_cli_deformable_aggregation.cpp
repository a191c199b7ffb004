// `tilesim op deformable_aggregation` as a user runs it: results equal to the CPU reference on every backend
// available, the simulated program in the report, exit code 2 with one precise line and no output file for
// bad inputs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "common/compare.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/deformable_aggregation/deformable_problem.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {

template <class T>
Tensor to_tensor(const ops::HostArray<T>& a) {
    std::vector<float> v(a.data.begin(), a.data.end());
    return Tensor::from_floats(Shape(std::vector<uint32_t>(a.shape.begin(), a.shape.end())), v);
}

// A SparseDrive-like problem written as .npy files (integer tensors as float32 holding integers).
struct DeformableFiles {
    TempDir dir;
    DeformableProblem p = random_problem({2, 3, {{9, 13}, {5, 7}, {3, 4}}, 11, 5, 48, 4}, 3);
    DeformableFiles() {
        write_npy(dir / "f.npy", to_tensor(p.formatted.mc_ms_feat));
        write_npy(dir / "s.npy", to_tensor(p.formatted.spatial_shape));
        write_npy(dir / "i.npy", to_tensor(p.formatted.scale_start_index));
        write_npy(dir / "l.npy", to_tensor(p.loc));
        write_npy(dir / "w.npy", to_tensor(p.weights));
    }
};

const std::string kInputs =
    "op deformable_aggregation --mc-ms-feat f.npy --spatial-shape s.npy --scale-start-index i.npy "
    "--sampling-location l.npy --weights w.npy --out y.npy";

}  // namespace

TEST(CliDeformableAggregation, CpuBackendWritesTheReferenceResult) {
    DeformableFiles f;
    const auto r = run_cli(kInputs, f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{2, 11, 48}));
    EXPECT_CLOSE(y.to_floats(), f.p.forward().data, 0.0, 1.0);
}

TEST(CliDeformableAggregation, SimBackendMatchesTheReferenceAndReportsItsProgram) {
    DeformableFiles f;
    const auto r = run_cli(kInputs + " --backend sim --core-grid 4 4 --report r.json --trace t.json", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("program: deformable_aggregation factory, 22 units on 16 cores (6 x 2 + 10 x 1)"),
              std::string::npos)
        << r.out;
    EXPECT_TRUE(matches(read_npy(f.dir / "y.npy").to_floats(), f.p.forward().data, 2e-6));
    const auto report = nlohmann::json::parse(read_file(f.dir / "r.json"));
    EXPECT_EQ(report["op"], "deformable_aggregation");
    EXPECT_EQ(report["details"]["program"]["units"], 22);
    EXPECT_EQ(report["details"]["mc_ms_feat"], nlohmann::json({2, 3 * (9 * 13 + 5 * 7 + 3 * 4), 48}));
    EXPECT_EQ(report["run"]["cores"].size(), 16u);
    EXPECT_GT(nlohmann::json::parse(read_file(f.dir / "t.json"))["traceEvents"].size(), 16u * 3);
}

TEST(CliDeformableAggregation, SimBFloat16IsWithinBf16Accuracy) {
    DeformableFiles f;
    const auto r = run_cli(kInputs + " --backend sim --dtype bfloat16", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_CLOSE(read_npy(f.dir / "y.npy").to_floats(), f.p.forward().data, 0.1, 0.999);
}

TEST(CliDeformableAggregation, CudaBackendMatchesTheReferenceOrSaysItIsUnavailable) {
    DeformableFiles f;
    const auto r = run_cli(kInputs + " --backend cuda", f.dir);
    if (ops::cuda_device_available()) {
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(matches(read_npy(f.dir / "y.npy").to_floats(), f.p.forward().data, 1e-5));
    } else {
        EXPECT_EQ(r.exit_code, 2) << r.out;
        EXPECT_TRUE(one_line(r.err)) << r.err;
        EXPECT_NE(r.err.find("deformable_aggregation: backend 'cuda' is unavailable"), std::string::npos)
            << r.err;
        EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
    }
}

struct BadCase {
    const char* name;
    std::string args;
    std::string expected;
};

class CliDeformableAggregationBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliDeformableAggregationBadInput, ExitsTwoWithOnePreciseLineAndNoOutput) {
    DeformableFiles f;
    write_npy(f.dir / "s_frac.npy", Tensor::from_floats(Shape{3, 3, 2}, std::vector<float>(18, 4.25f)));
    std::vector<float> starts = to_tensor(f.p.formatted.scale_start_index).to_floats();
    starts[4] = -1.f;
    write_npy(f.dir / "i_neg.npy", Tensor::from_floats(Shape{3, 3}, starts));
    write_npy(f.dir / "w_rank5.npy", random_tensor(Shape{2, 11, 5, 3, 3}, 1));
    write_npy(f.dir / "f_wide.npy", random_tensor(Shape{2, 3 * (9 * 13 + 5 * 7 + 3 * 4), 520}, 2));
    write_npy(f.dir / "w_wide.npy", random_tensor(Shape{2, 11, 5, 3, 3, 4}, 3));
    const auto r = run_cli(GetParam().args, f.dir);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(GetParam().expected), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
}

// The command with `flag`'s file replaced.
std::string with(const std::string& flag, const std::string& file, std::string args = kInputs) {
    const size_t at = args.find(flag + " ");
    const size_t end = args.find(' ', at + flag.size() + 1);
    return args.replace(at, end - at, flag + " " + file);
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, CliDeformableAggregationBadInput,
    ::testing::Values(
        BadCase{"FractionalSpatialShape", with("--spatial-shape", "s_frac.npy"),
                "deformable_aggregation: spatial_shape must hold non-negative integers (stored as float32), "
                "got 4.25 at "
                "flat index 0"},
        BadCase{
            "NegativeStartIndexOnSim", with("--scale-start-index", "i_neg.npy") + " --backend sim",
            "scale_start_index must hold non-negative integers (stored as float32), got -1 at flat index 4"},
        BadCase{"WeightsOfWrongRank", with("--weights", "w_rank5.npy"),
                "deformable_aggregation: weights must be [bs, num_anchor, num_pts, num_cams, num_scale, "
                "num_groups], got "
                "[2, 11, 5, 3, 3]"},
        BadCase{
            "TooManyChannelsForTheDevice",
            with("--weights", "w_wide.npy", with("--mc-ms-feat", "f_wide.npy")) + " --backend sim",
            "deformable_aggregation (sim): C=520 needs 17 channel tiles; DEST holds 16 (C <= 512 supported"},
        BadCase{"MissingFile", with("--sampling-location", "nope.npy"), "nope.npy"},
        BadCase{"MissingInput", "op deformable_aggregation --mc-ms-feat f.npy --out y.npy",
                "--spatial-shape"},
        BadCase{"BadDtype", kInputs + " --dtype float16", "float16"},
        BadCase{"CoreGridTooLarge", kInputs + " --backend sim --core-grid 9 9",
                "core grid 9x9 must be non-empty and fit"}),
    [](const auto& info) { return std::string(info.param.name); });
