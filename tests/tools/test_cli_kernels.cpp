// `tilesim kernels build | list | clean`: compile a kernel source, find it in the cache the second time,
// list and clean the cache; bad kernels and paths are one-line errors.
#include <gtest/gtest.h>

#include "cli_test_util.hpp"

using namespace tilesim::testing;

namespace {
CliResult run_kernels(const std::string& args, const TempDir& dir) {
    // The environment (cache, kernel path) is inherited from the test process.
    return run_cli("kernels " + args, dir);
}
}  // namespace

TEST(CliKernels, BuildCompilesThenLoadsFromTheCacheAndCleanEmptiesIt) {
    TempDir dir;
    setenv("TILESIM_KERNEL_CACHE", (dir / "cache").c_str(), 1);
    const auto first =
        run_kernels("build kernels/examples/writer_unary_pages.cpp --compile-args 96,16 --kind writer", dir);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.out.find("kernels/examples/writer_unary_pages.cpp: compiled in"), std::string::npos)
        << first.out;
    const auto second =
        run_kernels("build kernels/examples/writer_unary_pages.cpp --compile-args 96,16 --kind writer", dir);
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.out.find("loaded from the cache in"), std::string::npos) << second.out;
    const auto other =
        run_kernels("build kernels/examples/writer_unary_pages.cpp --compile-args 64,16 --kind writer", dir);
    EXPECT_NE(other.out.find("compiled in"), std::string::npos) << other.out;  // another combination
    const auto list = run_kernels("list", dir);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("writer; compile-time args [96,16]"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("writer; compile-time args [64,16]"), std::string::npos) << list.out;
    const auto clean = run_kernels("clean", dir);
    EXPECT_NE(clean.out.find("removed 2 cached kernel(s)"), std::string::npos) << clean.out;
    unsetenv("TILESIM_KERNEL_CACHE");
}

TEST(CliKernels, CompileErrorAndUnknownPathAreOneLineErrors) {
    TempDir dir;
    setenv("TILESIM_KERNEL_CACHE", (dir / "cache").c_str(), 1);
    setenv("TILESIM_KERNEL_PATH", TILESIM_SOURCE_DIR "/tests/kernels", 1);
    const auto broken = run_kernels("build tt_metal_style/dataflow/syntax_error.cpp", dir);
    EXPECT_EQ(broken.exit_code, 2);
    EXPECT_TRUE(one_line(broken.err)) << broken.err;
    EXPECT_NE(broken.err.find("kernel build failed: tt_metal_style/dataflow/syntax_error.cpp (reader; "
                              "compile-time args [])"),
              std::string::npos)
        << broken.err;
    const auto missing =
        run_kernels("build tt_metal_style/dataflow/reads_missing_arg.cpp --compile-args 1,2", dir);
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("compile-time arg 3 is missing"), std::string::npos) << missing.err;
    const auto unknown = run_kernels("build tt_metal_style/dataflow/nope.cpp", dir);
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_TRUE(one_line(unknown.err)) << unknown.err;
    EXPECT_NE(unknown.err.find("kernel file 'tt_metal_style/dataflow/nope.cpp' not found; looked in"),
              std::string::npos)
        << unknown.err;
    unsetenv("TILESIM_KERNEL_PATH");
    unsetenv("TILESIM_KERNEL_CACHE");
}
