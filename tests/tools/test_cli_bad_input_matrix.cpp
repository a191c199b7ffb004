// The bad-input matrix through the CLI, for every op: a wrong rank, zero-sized dims, a float64 / truncated /
// Fortran-order / missing .npy, an unwritable output path, an unknown flag — each exits 2 with one line on
// stderr and leaves no output file; NaN and inf in the coordinates run to completion on cpu and sim.
#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "cli_test_util.hpp"

using namespace tilesim;
using namespace tilesim::testing;

namespace {
struct OpCase {
    std::string op;
    std::vector<std::pair<std::string, Tensor>> inputs;  // flag -> a valid input
    std::string extra;                                   // other flags
    std::string coordinates;                             // the input holding coordinates (NaN/inf test)
};

Tensor values(Shape s, std::vector<float> v) {
    return Tensor::from_floats(std::move(s), v);
}

std::vector<OpCase> op_cases() {
    return {
        {"grid_sample",
         {{"--input", random_tensor({1, 3, 5, 6}, 1)}, {"--grid", random_tensor({1, 4, 4, 2}, 2)}},
         "",
         "--grid"},
        {"spatial_correlation",
         {{"--input1", random_tensor({1, 3, 6, 7}, 3)}, {"--input2", random_tensor({1, 3, 6, 7}, 4)}},
         "--patch-size 3",
         ""},
        {"correlation",
         {{"--input1", random_tensor({1, 3, 6, 7}, 5)}, {"--input2", random_tensor({1, 3, 6, 7}, 6)}},
         "--max-displacement 2 --pad-size 2",
         ""},
        {"corr_lookup",
         {{"--fmap1", random_tensor({1, 3, 6, 7}, 7)},
          {"--fmap2", random_tensor({1, 3, 6, 7}, 8)},
          {"--coords", random_tensor({1, 2, 6, 7}, 9, 0.f, 6.f)}},
         "--num-levels 2 --radius 1",
         "--coords"},
        {"deformable_aggregation",
         {{"--mc-ms-feat", random_tensor({1, 600, 8}, 10)},
          {"--spatial-shape", values({2, 2, 2}, {12, 20, 6, 10, 12, 20, 6, 10})},
          {"--scale-start-index", values({2, 2}, {0, 240, 300, 540})},
          {"--sampling-location", random_tensor({1, 5, 2, 2, 2}, 11, 0.05f, 0.95f)},
          {"--weights", random_tensor({1, 5, 2, 2, 2, 4}, 12)}},
         "",
         "--sampling-location"},
        {"sample_sum",
         {{"--images", random_tensor({1, 4, 5, 6}, 13)},
          {"--samples", random_tensor({1, 3, 2, 2}, 14)},
          {"--weights", random_tensor({1, 2, 3, 2}, 15)}},
         "",
         "--samples"},
        {"sample_dot",
         {{"--images", random_tensor({1, 6, 5, 6}, 16)},
          {"--samples", random_tensor({1, 3, 2, 2}, 17)},
          {"--queries", random_tensor({1, 2, 3, 2}, 18)},
          {"--depths", random_tensor({1, 3, 2}, 19, 0.f, 2.f)}},
         "--num-octaves 2",
         "--samples"},
    };
}

// Writes the case's inputs as <flag>.npy and returns "op NAME --flag file ... extra".
std::string write_case(const OpCase& c, const TempDir& dir, const std::string& first_file = "") {
    std::string args = "op " + c.op;
    for (size_t i = 0; i < c.inputs.size(); ++i) {
        const std::string file = c.inputs[i].first.substr(2) + ".npy";
        write_npy(dir / file, c.inputs[i].second);
        args += " " + c.inputs[i].first + " " + (i == 0 && !first_file.empty() ? first_file : file);
    }
    return args + " " + c.extra;
}

const std::string kFixtures = source_dir() + "/tests/golden/data/npy/";

struct Corruption {
    const char* name;
    std::function<std::string(const OpCase&, const TempDir&)> args;
};

std::vector<Corruption> corruptions() {
    return {
        {"WrongRank",
         [](const OpCase& c, const TempDir& d) {
             const Shape& s = c.inputs[0].second.shape();
             write_npy(d / "bad.npy", c.inputs[0].second.reshape(Shape(
                                          std::vector<uint32_t>(s.dims().begin() + 1, s.dims().end()))));
             return write_case(c, d, "bad.npy") + " --out y.npy";
         }},
        {"ZeroSized",
         [](const OpCase& c, const TempDir& d) {
             return write_case(c, d, kFixtures + "empty_0x3.npy") + " --out y.npy";
         }},
        {"Float64", [](const OpCase& c,
                       const TempDir& d) { return write_case(c, d, kFixtures + "f8.npy") + " --out y.npy"; }},
        {"Truncated",
         [](const OpCase& c, const TempDir& d) {
             return write_case(c, d, kFixtures + "truncated_data.npy") + " --out y.npy";
         }},
        {"FortranOrder",
         [](const OpCase& c, const TempDir& d) {
             return write_case(c, d, kFixtures + "fortran_order.npy") + " --out y.npy";
         }},
        {"MissingFile",
         [](const OpCase& c, const TempDir& d) { return write_case(c, d, "missing.npy") + " --out y.npy"; }},
        {"UnwritableOutput",
         [](const OpCase& c, const TempDir& d) {
             return write_case(c, d) + " --out /nonexistent/dir/y.npy";
         }},
        {"UnknownFlag",
         [](const OpCase& c, const TempDir& d) { return write_case(c, d) + " --out y.npy --bogus-flag"; }},
    };
}

class BadInputMatrix : public ::testing::TestWithParam<std::tuple<size_t, size_t>> {};
}  // namespace

TEST_P(BadInputMatrix, ExitsTwoWithOneLineAndNoOutputFile) {
    const OpCase c = op_cases()[std::get<0>(GetParam())];
    const Corruption k = corruptions()[std::get<1>(GetParam())];
    TempDir dir;
    const auto r = run_cli(k.args(c, dir), dir);
    EXPECT_EQ(r.exit_code, 2) << c.op << " " << k.name << ": " << r.out << r.err;
    EXPECT_TRUE(one_line(r.err)) << c.op << " " << k.name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "y.npy")) << c.op << " " << k.name;
    EXPECT_FALSE(std::filesystem::exists(dir / "y.npy.tmp")) << c.op << " " << k.name;
}

INSTANTIATE_TEST_SUITE_P(EveryOp, BadInputMatrix,
                         ::testing::Combine(::testing::Range<size_t>(0, 7), ::testing::Range<size_t>(0, 8)),
                         [](const auto& info) {
                             return op_cases()[std::get<0>(info.param)].op + "_" +
                                    corruptions()[std::get<1>(info.param)].name;
                         });

TEST(BadInputMatrix, NanAndInfCoordinatesRunToCompletionOnCpuAndSim) {
    for (OpCase c : op_cases()) {
        if (c.coordinates.empty()) continue;
        for (auto& [flag, t] : c.inputs) {
            if (flag != c.coordinates) continue;
            std::vector<float> v = t.to_floats();
            v[0] = std::numeric_limits<float>::quiet_NaN();
            v[1] = std::numeric_limits<float>::infinity();
            v[v.size() - 1] = -std::numeric_limits<float>::infinity();
            t = Tensor::from_floats(t.shape(), v);
        }
        for (const char* backend : {"cpu", "sim"}) {
            TempDir dir;
            const auto r = run_cli(write_case(c, dir) + " --out y.npy --backend " + backend, dir);
            EXPECT_EQ(r.exit_code, 0) << c.op << " " << backend << ": " << r.err;
            EXPECT_TRUE(std::filesystem::exists(dir / "y.npy")) << c.op << " " << backend;
        }
    }
}
