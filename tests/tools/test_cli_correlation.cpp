// `tilesim op spatial_correlation | correlation | corr_lookup` as a user runs them: exit codes, outputs that
// match the library, one-line errors and no output file left behind on error.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "common/compare.hpp"
#include "ops/correlation/correlation.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {
struct CorrelationFiles {
    TempDir dir;
    Tensor a = random_tensor(Shape{1, 5, 9, 11}, 1);
    Tensor b = random_tensor(Shape{1, 5, 9, 11}, 2);
    Tensor coords = random_tensor(Shape{1, 2, 9, 11}, 3, -2.f, 12.f);
    CorrelationFiles() {
        write_npy(dir / "a.npy", a);
        write_npy(dir / "b.npy", b);
        write_npy(dir / "c.npy", coords);
        write_npy(dir / "bad.npy", random_tensor(Shape{1, 4, 9, 11}, 4));
    }
};

ops::DeviceRunOptions sim() {
    ops::DeviceRunOptions a;
    a.backend = ops::Backend::Sim;
    return a;
}

void expect_one_line_error(const CliResult& r, const TempDir& dir, const std::string& fragment) {
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "y.npy"));
}
}  // namespace

TEST(CliCorrelation, SpatialCorrelationCpuWritesTheOriginalFiveDimensionalOutput) {
    CorrelationFiles f;
    const auto r = run_cli(
        "op spatial_correlation --input1 a.npy --input2 b.npy --kernel-size 3 --patch-size 5 3 --padding 1 "
        "--stride 2 --out y.npy",
        f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto p = ops::make_spatial_correlation_params(3, ops::IntPair(5, 3), 2, 1);
    const Tensor expected = ops::spatial_correlation(f.a, f.b, p).output;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{1, 5, 3, 5, 6}));
    EXPECT_CLOSE(y.to_floats(), expected.to_floats(), 0.0, 1.0);
}

TEST(CliCorrelation, SpatialCorrelationPresetOnSimFlattensAndReportsTheProgram) {
    CorrelationFiles f;
    const auto r = run_cli(
        "op spatial_correlation --input1 a.npy --input2 b.npy --preset tracker9x9 --flatten --backend sim "
        "--out y.npy --report r.json",
        f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("program: patch_correlation factory, 99 output sticks on 64 cores"),
              std::string::npos)
        << r.out;
    const auto p = ops::spatial_correlation_preset("tracker9x9");
    const Tensor expected =
        ops::flatten_spatial_correlation(ops::spatial_correlation(f.a, f.b, p, sim()).output);
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{1, 81, 9, 11}));
    EXPECT_CLOSE(y.to_floats(), expected.to_floats(), 0.0, 1.0);
    const auto report = nlohmann::json::parse(read_file(f.dir / "r.json"));
    EXPECT_EQ(report["op"], "spatial_correlation");
    EXPECT_EQ(report["details"]["args"]["preset"], "tracker9x9");
    EXPECT_EQ(report["details"]["program"]["units"], 99);
    EXPECT_GT(report["run"]["predicted"]["cycles"].get<double>(), 0);
}

TEST(CliCorrelation, FlowNetSubtractionOnSimMatchesTheLibrary) {
    CorrelationFiles f;
    const auto r = run_cli(
        "op correlation --input1 a.npy --input2 b.npy --kernel-size 3 --max-displacement 2 --stride2 2 "
        "--pad-size 3 --subtract --backend sim --dtype bfloat16 --out y.npy",
        f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ops::DeviceRunOptions a = sim();
    a.dtype = DataType::BFloat16;
    const Tensor expected = ops::flownet_correlation(f.a, f.b, {3, 3, 2, 1, 2, false}, a).output;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{1, 9, 9, 11}));
    EXPECT_CLOSE(y.to_floats(), expected.to_floats(), 0.0, 1.0);
}

TEST(CliCorrelation, CorrLookupOnSimMatchesTheCpuReference) {
    CorrelationFiles f;
    const auto r = run_cli(
        "op corr_lookup --fmap1 a.npy --fmap2 b.npy --coords c.npy --num-levels 2 --radius 3 --backend sim "
        "--out y.npy",
        f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor expected = ops::corr_lookup(f.a, f.b, f.coords, 2, 3).output;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{1, 98, 9, 11}));
    EXPECT_CLOSE(y.to_floats(), expected.to_floats(), 1e-5, 0.99999);
}

TEST(CliCorrelation, BadInputsExitTwoWithOneLineAndNoOutput) {
    CorrelationFiles f;
    expect_one_line_error(
        run_cli("op spatial_correlation --input1 a.npy --input2 bad.npy --out y.npy", f.dir), f.dir,
        "spatial_correlation: input1 and input2 must have the same shape, got [1, 5, 9, 11] and [1, 4, 9, "
        "11]");
    expect_one_line_error(
        run_cli("op spatial_correlation --input1 a.npy --input2 b.npy --kernel-size 1 2 3 --out y.npy",
                f.dir),
        f.dir, "--kernel-size");
    expect_one_line_error(
        run_cli("op spatial_correlation --input1 a.npy --input2 b.npy --preset flownet --out y.npy", f.dir),
        f.dir, "--preset");
    expect_one_line_error(
        run_cli("op correlation --input1 a.npy --input2 b.npy --kernel-size 2 --out y.npy", f.dir), f.dir,
        "flownet_correlation: kernel_size must be odd and >= 1, got 2");
    expect_one_line_error(run_cli("op correlation --input1 a.npy --input2 b.npy --max-displacement 9 "
                                  "--pad-size 0 --backend sim --out y.npy",
                                  f.dir),
                          f.dir, "flownet_correlation: output size must be >= 1");
    expect_one_line_error(
        run_cli("op corr_lookup --fmap1 a.npy --fmap2 b.npy --coords a.npy --out y.npy", f.dir), f.dir,
        "corr_lookup: coords must be [B, 2, H, W] = [1, 2, 9, 11] (fmap1 [1, 5, 9, 11]), got [1, 5, 9, 11]");
    expect_one_line_error(run_cli("op corr_lookup --fmap1 a.npy --fmap2 b.npy --coords c.npy --num-levels 4 "
                                  "--radius 6 --backend sim --out y.npy",
                                  f.dir),
                          f.dir,
                          "corr_lookup (sim): num_levels 4 x (2 radius + 1)^2 = 676 outputs per query");
    expect_one_line_error(
        run_cli("op corr_lookup --fmap1 a.npy --fmap2 missing.npy --coords c.npy --out y.npy", f.dir), f.dir,
        "--fmap2");
    expect_one_line_error(
        run_cli("op spatial_correlation --input1 a.npy --input2 b.npy --core-grid 2 2 --out y.npy", f.dir),
        f.dir,
        "spatial_correlation: core grid and buffering factor apply to backend 'sim' only (backend is 'cpu')");
}
