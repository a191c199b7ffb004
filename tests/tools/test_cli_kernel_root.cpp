// `tilesim op grid_sample --kernel-root DIR`: the factory names its kernels by their paths in a tt-metal
// source tree and looks them up in DIR first, so tt-metal's own kernel files run. tt-metal's files cannot
// be copied here, so the tree is made of tilesim's kernels at tt-metal's paths: the same output proves the
// layout (CB indices, compile-time and runtime argument order) is the one those paths are called with.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_test_util.hpp"

using namespace tilesim;
using namespace tilesim::testing;
namespace fs = std::filesystem;

TEST(CliKernelRoot, GridSampleRunsTheKernelsAtTtMetalsPathsAndGivesTheSameOutput) {
    TempDir dir;
    const fs::path root = dir.path() / "tt-metal";
    const fs::path src = TILESIM_SOURCE_DIR;
    const fs::path dataflow = root / "ttnn/cpp/ttnn/operations/pool/grid_sample/device/kernels/dataflow";
    const fs::path compute = root / "ttnn/cpp/ttnn/operations/pool/generic/device/kernels/compute";
    fs::create_directories(dataflow);
    fs::create_directories(compute);
    fs::copy_file(src / "kernels/grid_sample/reader_grid_sample_interleaved.cpp",
                  dataflow / "reader_grid_sample_interleaved_start_id.cpp");
    fs::copy_file(src / "kernels/grid_sample/writer_grid_sample.cpp",
                  dataflow / "writer_grid_sample_interleaved.cpp");
    fs::copy_file(src / "kernels/grid_sample/compute_grid_sample.cpp", compute / "compute_pool_2d.cpp");
    fs::create_directory_symlink(src / "kernels", root / "kernels");  // the headers our kernels include

    write_npy(dir / "x.npy", random_tensor(Shape{1, 11, 13, 37}, 1, -2.f, 2.f));
    write_npy(dir / "g.npy", random_tensor(Shape{1, 5, 9, 2}, 2, -1.1f, 1.1f));
    const std::string common = "op grid_sample --input x.npy --grid g.npy --input-layout nhwc --backend sim ";
    const auto ours = run_cli(common + "--out ours.npy", dir);
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    const auto theirs = run_cli(common + "--out theirs.npy --kernel-root '" + root.string() + "'", dir);
    ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
    EXPECT_NE(theirs.out.find("reader_grid_sample_interleaved_start_id"), std::string::npos) << theirs.out;
    EXPECT_NE(theirs.out.find("compute_pool_2d"), std::string::npos) << theirs.out;
    EXPECT_NE(theirs.out.find("writer_grid_sample_interleaved"), std::string::npos) << theirs.out;
    EXPECT_EQ(ours.out.find("compute_pool_2d"), std::string::npos) << ours.out;
    EXPECT_EQ(read_file(dir / "theirs.npy"), read_file(dir / "ours.npy"));

    // A tree without the files: the error names the tt-metal path and where it was looked up.
    const auto missing = run_cli(common + "--out y.npy --kernel-root '" + dir.path().string() + "'", dir);
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(one_line(missing.err)) << missing.err;
    EXPECT_NE(missing.err.find("reader_grid_sample_interleaved_start_id.cpp' not found; looked in " +
                               dir.path().string()),
              std::string::npos)
        << missing.err;
}
