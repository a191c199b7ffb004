// `tilesim op spatial_correlation | correlation | corr_lookup` on float16 ('<f2') .npy files: the dtype
// follows the files unless --dtype is given, a float16 run writes a '<f2' output that matches the PyTorch
// fixtures (tests/golden/gen_correlation_fp16.py) and the library, and the simulated device refuses float16
// in one line with exit code 2. A run config takes "dtype": "float16" as well.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "common/compare.hpp"
#include "common/golden.hpp"
#include "ops/correlation/correlation.hpp"
#include "tilesim/data_format.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {

const GoldenCase& fixture(const std::string& name) {
    static const std::vector<GoldenCase> cases = load_golden("correlation_fp16.json");
    for (const auto& c : cases) {
        if (c.name == name) return c;
    }
    throw std::runtime_error("no fixture case " + name);
}

Tensor tensor_of(const GoldenTensor& t, DataType dtype) {
    return Tensor::from_floats(Shape(std::vector<uint32_t>(t.shape.begin(), t.shape.end())), t.data, dtype);
}

// The fixture's tensors as .npy files in a fresh folder: feature maps as '<f2' (a.npy, b.npy) and as
// '<f4' (a32.npy, b32.npy), coordinates as '<f4' (c.npy).
struct HalfFiles {
    TempDir dir;
    const GoldenCase& c;
    Tensor a, b;
    explicit HalfFiles(const std::string& name) : c(fixture(name)) {
        const bool raft = c.has("fmap1");
        a = tensor_of(c.tensor(raft ? "fmap1" : "input1"), DataType::Float16);
        b = tensor_of(c.tensor(raft ? "fmap2" : "input2"), DataType::Float16);
        write_npy(dir / "a.npy", a);
        write_npy(dir / "b.npy", b);
        write_npy(dir / "a32.npy", a.to_dtype(DataType::Float32));
        write_npy(dir / "b32.npy", b.to_dtype(DataType::Float32));
        if (raft) write_npy(dir / "c.npy", tensor_of(c.tensor("coords"), DataType::Float32));
    }
};

double fp16_ulp_of_max(std::span<const float> v) {
    float m = 0;
    for (float x : v) m = std::max(m, std::abs(x));
    return std::ldexp(1.0, std::max(std::ilogb(m), -14) - 10);
}

// y.npy is a '<f2' file of the fixture's output shape, within one fp16 ulp of the fixture.
Tensor expect_half_output_matching(const HalfFiles& f, const CliResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(read_file(f.dir / "y.npy").find("'descr': '<f2'"), std::string::npos);
    const Tensor y = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y.dtype(), DataType::Float16);
    const GoldenTensor expected = f.c.tensor("output");
    EXPECT_EQ(y.shape().dims(), std::vector<uint32_t>(expected.shape.begin(), expected.shape.end()));
    EXPECT_CLOSE(y.to_floats(), expected.data, fp16_ulp_of_max(expected.data), 0.9999);
    return y;
}

ops::DeviceRunOptions cpu(DataType dtype) {
    ops::DeviceRunOptions a;
    a.dtype = dtype;
    return a;
}

constexpr const char* kFlowNetArgs =
    "op correlation --input1 a.npy --input2 b.npy --pad-size 3 --kernel-size 3 --max-displacement 2 "
    "--stride1 2 --stride2 2";

}  // namespace

TEST(CliCorrelationFloat16, FlowNetOnHalfFilesWritesAHalfOutputMatchingPyTorchAndTheLibrary) {
    HalfFiles f("flownet_multiply_k3_md2_stride2_2");
    const Tensor y = expect_half_output_matching(
        f, run_cli(std::string(kFlowNetArgs) + " --out y.npy --report r.json", f.dir));
    const auto p = ops::FlowNetCorrelationParams{3, 3, 2, 2, 2, true};
    const Tensor lib = ops::flownet_correlation(f.a, f.b, p, cpu(DataType::Float16)).output;
    EXPECT_EQ(y.to_floats(), lib.to_floats());
    const auto report = nlohmann::json::parse(read_file(f.dir / "r.json"));
    EXPECT_EQ(report["details"]["dtype"], "float16");
    EXPECT_FALSE(report["details"]["args"].contains("dtype"));  // taken from the files
}

TEST(CliCorrelationFloat16, SpatialCorrelationAndCorrLookupOnHalfFiles) {
    HalfFiles s("spatial_patch5");
    expect_half_output_matching(
        s, run_cli("op spatial_correlation --input1 a.npy --input2 b.npy --patch-size 5 --out y.npy", s.dir));
    HalfFiles r("raft_b1_c5_9x11_l3_r2");
    expect_half_output_matching(r, run_cli("op corr_lookup --fmap1 a.npy --fmap2 b.npy --coords c.npy "
                                           "--num-levels 3 --radius 2 --out y.npy",
                                           r.dir));
}

TEST(CliCorrelationFloat16, DtypeFlagOverridesTheFiles) {
    HalfFiles f("flownet_multiply_k3_md2_stride2_2");
    const auto p = ops::FlowNetCorrelationParams{3, 3, 2, 2, 2, true};
    // Half files, float32 math: a '<f4' output, not rounded.
    auto r = run_cli(std::string(kFlowNetArgs) + " --dtype float32 --out y.npy", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor y32 = read_npy(f.dir / "y.npy");
    EXPECT_EQ(y32.dtype(), DataType::Float32);
    EXPECT_EQ(y32.to_floats(),
              ops::flownet_correlation(f.a, f.b, p, cpu(DataType::Float32)).output.to_floats());
    // Float32 files, --dtype float16: the same half output as from half files.
    r = run_cli(
        "op correlation --input1 a32.npy --input2 b32.npy --pad-size 3 --kernel-size 3 --max-displacement 2 "
        "--stride1 2 --stride2 2 --dtype float16 --out y.npy",
        f.dir);
    expect_half_output_matching(f, r);
    // One half file and one float32 file: float32.
    r = run_cli("op spatial_correlation --input1 a.npy --input2 b32.npy --out y.npy", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_npy(f.dir / "y.npy").dtype(), DataType::Float32);
}

TEST(CliCorrelationFloat16, SimBackendRefusesFloat16InOneLineWithExitTwo) {
    HalfFiles f("flownet_multiply_k3_md2_stride2_2");
    for (const std::string extra : {" --backend sim", " --backend sim --dtype float16"}) {
        SCOPED_TRACE(extra);
        const auto r = run_cli(std::string(kFlowNetArgs) + extra + " --out y.npy", f.dir);
        EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
        EXPECT_TRUE(one_line(r.err)) << r.err;
        EXPECT_NE(
            r.err.find("flownet_correlation: dtype float16 is not a device data type (tt-metal has none); "
                       "use float32 or bfloat16"),
            std::string::npos)
            << r.err;
        EXPECT_FALSE(std::filesystem::exists(f.dir / "y.npy"));
    }
    // A device dtype on half files runs: the files are converted exactly.
    const auto r = run_cli(std::string(kFlowNetArgs) + " --backend sim --dtype bfloat16 --out y.npy", f.dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_npy(f.dir / "y.npy").dtype(), DataType::Float32);
}

TEST(CliCorrelationFloat16, RunConfigTakesDtypeFloat16) {
    HalfFiles f("spatial_patch5");
    std::ofstream(f.dir / "run.json") << R"({
  "name": "spatial correlation on half inputs",
  "op": "spatial_correlation",
  "args": {"patch_size": 5, "dtype": "float16"},
  "inputs": {"input1": {"npy": "a32.npy"}, "input2": {"npy": "b32.npy"}},
  "backends": ["cpu"],
  "reference": "cpu",
  "outputs": {"out": "y.npy"}
})";
    expect_half_output_matching(f, run_cli("run run.json", f.dir));
}
