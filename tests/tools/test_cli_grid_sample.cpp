// `tilesim op grid_sample`, `tilesim run`, `tilesim sweep` and `tilesim demo` as a user runs them: exit
// codes, one-line errors, files written (and none left behind on error).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "common/compare.hpp"
#include "ops/common/cuda_device.hpp"
#include "ops/grid_sample/grid_sample.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {
const std::string kNpyFixtures = source_dir() + "/tests/golden/data/npy/";

struct GridSampleFiles {
    TempDir dir;
    Tensor input = random_tensor(Shape{2, 5, 9, 11}, 1);
    Tensor grid = random_tensor(Shape{2, 7, 6, 2}, 2, -1.1f, 1.1f);
    GridSampleFiles() {
        write_npy(dir / "x.npy", input);
        write_npy(dir / "g.npy", grid);
    }
};
}  // namespace

TEST(CliGridSample, CpuBackendWritesThePyTorchResult) {
    GridSampleFiles f;
    const auto r = run_cli(
        "op grid_sample --input x.npy --grid g.npy --out y.npy --align-corners --mode bilinear", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ops::GridSampleArgs a;
    a.align_corners = true;
    const auto expected = ops::grid_sample(f.input, f.grid, a).output;
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.shape(), (Shape{2, 5, 7, 6}));
    EXPECT_CLOSE(y.to_floats(), expected.to_floats(), 0.0, 1.0);
}

TEST(CliGridSample, SimBackendWritesOutputReportTraceAndHeatmap) {
    GridSampleFiles f;
    const auto r = run_cli(
        "op grid_sample --input x.npy --grid g.npy --out y.npy --backend sim --dtype bfloat16 "
        "--grid-batching 2 "
        "--report r.json --trace t.json --heatmap h.svg",
        f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("program: interleaved factory, 42 grid sticks on 42 cores"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("predicted "), std::string::npos) << r.out;
    const auto expected = ops::grid_sample(f.input, f.grid, {}).output;
    EXPECT_CLOSE(read_npy(f.dir / "y.npy").to_floats(), expected.to_floats(), 0.05, 0.999);
    const auto report = nlohmann::json::parse(read_file(f.dir / "r.json"));
    EXPECT_EQ(report["op"], "grid_sample");
    EXPECT_EQ(report["details"]["program"]["grid_sticks"], 42);
    EXPECT_EQ(report["run"]["cores"].size(), 42u);
    EXPECT_GT(report["run"]["predicted"]["cycles"].get<double>(), 0);
    const auto trace = nlohmann::json::parse(read_file(f.dir / "t.json"));
    EXPECT_GT(trace["traceEvents"].size(), 42u * 3);
    EXPECT_NE(read_file(f.dir / "h.svg").find("<svg xmlns=\"http://www.w3.org/2000/svg\""),
              std::string::npos);
}

TEST(CliGridSample, RepeatPrintsTheMedianTime) {
    GridSampleFiles f;
    const auto r = run_cli("op grid_sample --input x.npy --grid g.npy --out y.npy --repeat 3", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("time_ms: "), std::string::npos) << r.out;
}

TEST(CliGridSample, NanAndInfGridValuesDoNotCrash) {
    TempDir dir;
    write_npy(dir / "x.npy", random_tensor(Shape{1, 3, 4, 5}, 1));
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    write_npy(dir / "g.npy",
              Tensor::from_floats(Shape{1, 1, 3, 2}, std::vector<float>{nan, 0.f, inf, -inf, 0.5f, 0.5f}));
    for (const char* backend : {"cpu", "sim"}) {
        const auto r = run_cli(
            std::string("op grid_sample --input x.npy --grid g.npy --out y.npy --backend ") + backend, dir);
        ASSERT_EQ(r.exit_code, 0) << backend << ": " << r.err;
        const auto y = read_npy(dir / "y.npy").to_floats();
        if (std::string(backend) == "cpu") {
            // PyTorch's CPU kernel gives NaN for a non-finite coordinate (its weights are NaN); the reference
            // matches it (pinned by the golden fixtures).
            EXPECT_TRUE(std::isnan(y[0]));
        } else {
            // The device path treats a non-finite coordinate as outside the image: zero padding.
            EXPECT_EQ(y[0], 0.f);
            EXPECT_EQ(y[1], 0.f);
        }
        EXPECT_FALSE(std::isnan(y[2])) << backend;
    }
}

// Each bad input exits 2 with one line on stderr that names the problem, and leaves no output file.
struct BadCase {
    const char* name;
    std::string args;
    std::string expected;
};

class CliGridSampleBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliGridSampleBadInput, ExitsTwoWithOnePreciseLine) {
    // With a GPU the cuda backend runs, so the case has nothing to reject there.
    if (std::string(GetParam().name) == "CudaWithoutGpu" && ops::cuda_device_available())
        GTEST_SKIP() << "a CUDA device is present";
    GridSampleFiles f;
    write_npy(f.dir / "x3.npy", random_tensor(Shape{5, 9, 11}, 3));
    write_npy(f.dir / "g_n3.npy", random_tensor(Shape{3, 7, 6, 2}, 4));
    write_npy(f.dir / "g_last3.npy", random_tensor(Shape{2, 7, 6, 3}, 4));
    const auto r = run_cli(GetParam().args, f.dir);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(GetParam().expected), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, CliGridSampleBadInput,
    ::testing::Values(
        BadCase{"WrongRank", "op grid_sample --input x3.npy --grid g.npy --out y.npy", "input"},
        BadCase{"MismatchedBatch", "op grid_sample --input x.npy --grid g_n3.npy --out y.npy", "batch"},
        BadCase{"GridLastDim", "op grid_sample --input x.npy --grid g_last3.npy --out y.npy", "[2, 7, 6, 3]"},
        BadCase{"Float64Npy", "op grid_sample --input " + kNpyFixtures + "f8.npy --grid g.npy --out y.npy",
                "<f8"},
        BadCase{"FortranOrder",
                "op grid_sample --input " + kNpyFixtures + "fortran_order.npy --grid g.npy --out y.npy",
                "fortran"},
        BadCase{"Truncated",
                "op grid_sample --input " + kNpyFixtures + "truncated_data.npy --grid g.npy --out y.npy",
                "truncated"},
        BadCase{"ZeroSized",
                "op grid_sample --input " + kNpyFixtures + "empty_0x3.npy --grid g.npy --out y.npy", "input"},
        BadCase{"MissingFile", "op grid_sample --input nope.npy --grid g.npy --out y.npy", "nope.npy"},
        BadCase{"BicubicOnSim",
                "op grid_sample --input x.npy --grid g.npy --out y.npy --backend sim --mode bicubic",
                "bicubic"},
        BadCase{"BorderOnSim",
                "op grid_sample --input x.npy --grid g.npy --out y.npy --backend sim --padding-mode border",
                "border"},
        BadCase{"BatchingNotDividing",
                "op grid_sample --input x.npy --grid g.npy --out y.npy --backend sim --grid-batching 4",
                "K=4"},
        BadCase{"UnknownFlag", "op grid_sample --input x.npy --grid g.npy --out y.npy --bogus", "--bogus"},
        BadCase{"BadMode", "op grid_sample --input x.npy --grid g.npy --out y.npy --mode cubic", "cubic"},
        BadCase{"UnwritableOutput", "op grid_sample --input x.npy --grid g.npy --out /nonexistent/dir/y.npy",
                "/nonexistent/dir/y.npy"},
        BadCase{"CudaWithoutGpu", "op grid_sample --input x.npy --grid g.npy --out y.npy --backend cuda",
                "cuda"},
        BadCase{"UnknownDevice",
                "op grid_sample --input x.npy --grid g.npy --out y.npy --backend sim --device nosuchchip",
                "nosuchchip"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CliRun, DemoConfigRunsAndPasses) {
    TempDir dir;
    const auto r = run_cli("demo --out-dir demo", dir);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("compare sim vs cpu"), std::string::npos);
    EXPECT_NE(r.out.find("PASS"), std::string::npos);
    for (const char* f : {"demo/demo_report.json", "demo/demo_trace.json", "demo/demo_heatmap.svg"}) {
        EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
    }
}

TEST(CliRun, BadConfigNamesTheFileAndKey) {
    TempDir dir;
    std::ofstream(dir / "c.json")
        << R"({"op": "grid_sample", "inputs": {"input": {"shape": [1, 2, 3, 4]}, "grid": {"shape": [1, 2, 2, 2]}}, "bogus": 1})";
    const auto r = run_cli("run c.json", dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("c.json: bogus: unknown key"), std::string::npos) << r.err;
    std::ofstream(dir / "d.json")
        << R"({"op": "grid_sample", "inputs": {"input": {"shape": [1, 0, 3, 4]}, "grid": {"shape": [1, 2, 2, 2]}}})";
    const auto r2 = run_cli("run d.json", dir);
    EXPECT_EQ(r2.exit_code, 2);
    EXPECT_NE(r2.err.find("inputs.input.shape"), std::string::npos) << r2.err;
}

TEST(CliRun, SweepWritesOneCsvRowPerPoint) {
    TempDir dir;
    std::ofstream(dir / "s.json") << R"({"op": "grid_sample", "device": "wormhole_b0",
        "args": {"dtype": "float32"}, "compare": {"max_abs": 1e-4, "min_pcc": 0.999},
        "inputs": {"input": {"shape": [1, 8, 6, 10], "seed": 1}, "grid": {"shape": [1, 6, 4, 2], "seed": 2}},
        "sweep": {"grid_batching": [1, 2, 4], "memory": ["interleaved", "height_sharded"]}})";
    const auto r = run_cli("sweep s.json --csv out.csv", dir);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string csv = read_file(dir / "out.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7) << csv;  // header + 3 x 2 points
    EXPECT_EQ(csv.find("NO"), std::string::npos);
}

TEST(Cli, VersionAndDevices) {
    TempDir dir;
    const auto v = run_cli("--version", dir);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_NE(v.out.find("tilesim " TILESIM_VERSION), std::string::npos) << v.out;
    const auto d = run_cli("devices", dir);
    EXPECT_EQ(d.exit_code, 0);
    EXPECT_NE(d.out.find("wormhole_b0"), std::string::npos);
    EXPECT_NE(d.out.find("blackhole"), std::string::npos);
}
