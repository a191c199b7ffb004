#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include <nlohmann/json.hpp>

#include "common/expect_throw_msg.hpp"
#include "tilesim/error.hpp"
#include "common/test_files.hpp"
#include "tilesim/npy.hpp"

namespace fs = std::filesystem;
using namespace tilesim;
using namespace tilesim::testing;

namespace {

const fs::path kDir = fs::path(TILESIM_SOURCE_DIR) / "tests" / "golden" / "data" / "npy";

class NpyFiles : public ScratchFolderTest {};

}  // namespace

TEST(Npy, ManifestCoversAcceptedAndRejectedFiles) {
    const auto m = read_manifest(kDir);
    size_t ok = 0, bad = 0;
    for (const auto& c : m["cases"]) (c.contains("error") ? bad : ok)++;
    EXPECT_GE(ok, 6u);
    EXPECT_GE(bad, 15u);
}

TEST(Npy, ReadsNumpyWrittenFilesOfEveryVersion) {
    const auto m = read_manifest(kDir);  // kept alive: a temporary would die before the loop body
    for (const auto& c : m["cases"]) {
        if (c.contains("error")) continue;
        const std::string name = c["file"];
        SCOPED_TRACE(name);
        const Tensor t = read_npy(kDir / name);
        EXPECT_EQ(t.shape().dims(), c["shape"].get<std::vector<uint32_t>>());
        EXPECT_EQ(t.dtype(), DataType::Float32);
        EXPECT_EQ(t.layout(), Layout::ROW_MAJOR);
        expect_manifest_values(t.to_floats(), c["values"]);
        // The in-memory parser agrees with the file reader.
        EXPECT_EQ(parse_npy(file_bytes(kDir / name)).shape(), t.shape());
    }
}

TEST(Npy, RejectsEveryUnsupportedFileNamingWhatAndTheFile) {
    const auto m = read_manifest(kDir);  // kept alive: a temporary would die before the loop body
    for (const auto& c : m["cases"]) {
        if (!c.contains("error")) continue;
        const std::string name = c["file"];
        SCOPED_TRACE(name);
        const std::string error = c["error"];
        EXPECT_THROW_MSG(read_npy(kDir / name, "--grid"), InvalidArgument,
                         "--grid: " + (kDir / name).string() + ": ");
        EXPECT_THROW_MSG(read_npy(kDir / name, "--grid"), InvalidArgument, error);
        EXPECT_THROW_MSG(parse_npy(file_bytes(kDir / name), "input"), InvalidArgument, "input: <memory>: ");
        EXPECT_THROW_MSG(parse_npy(file_bytes(kDir / name), "input"), InvalidArgument, error);
    }
}

TEST(Npy, HugeClaimIsRefusedWithFoundAndExpectedSizes) {
    EXPECT_THROW_MSG(
        read_npy(kDir / "huge_claim.npy"), InvalidArgument,
        "data size mismatch: shape [1000000000, 1000000] of float32 needs 4000000000000000 bytes, "
        "the file has 0 bytes after the header (truncated)");
}

TEST_F(NpyFiles, RoundTripKeepsShapeAndBits) {
    std::mt19937 rng(3);
    std::normal_distribution<float> d;
    for (const Shape& s : {Shape{3, 37, 45}, Shape{7}, Shape{1, 1, 1, 5}, Shape{0, 4}}) {
        std::vector<float> v(s.volume());
        for (auto& x : v) x = d(rng);
        if (!v.empty()) v[0] = -0.0f;
        const fs::path p = dir_ / "t.npy";
        write_npy(p, Tensor::from_floats(s, v));
        const Tensor back = read_npy(p);
        EXPECT_EQ(back.shape(), s);
        const auto got = back.to_floats();
        ASSERT_EQ(got.size(), v.size());
        EXPECT_TRUE(v.empty() || std::memcmp(got.data(), v.data(), v.size() * 4) == 0);
        EXPECT_EQ(fs::file_size(p) % 64, (v.size() * 4) % 64);  // the header ends on a 64-byte boundary
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);  // no temp file left
}

TEST_F(NpyFiles, WriterConvertsDtypeAndLayoutToFloat32RowMajor) {
    const Shape s{2, 33, 17};
    std::vector<float> v(s.volume());
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(i % 97) * 0.125f;
    const Tensor tiled = Tensor::from_floats(s, v).to_layout(Layout::TILE).to_dtype(DataType::BFloat16);
    write_npy(dir_ / "b.npy", tiled);
    EXPECT_EQ(read_npy(dir_ / "b.npy").to_floats(), tiled.to_floats());
}

TEST_F(NpyFiles, UnwritablePathIsAnInvalidArgumentNamingIt) {
    const fs::path p = dir_ / "no_such_dir" / "out.npy";
    EXPECT_THROW_MSG(write_npy(p, Tensor(Shape{2}, DataType::Float32)), InvalidArgument,
                     "write_npy: cannot write " + p.string() + ": ");
}

TEST_F(NpyFiles, MissingFileIsNamed) {
    EXPECT_THROW_MSG(read_npy(dir_ / "absent.npy", "--input"), InvalidArgument,
                     "--input: " + (dir_ / "absent.npy").string() + ": no such file (or not a regular file)");
}

TEST(Npy, ParseRejectsEveryPrefixOfAValidFile) {
    const auto bytes = file_bytes(kDir / "v1_f4_3x7x5.npy");
    for (size_t n = 0; n < bytes.size(); n += 7) {
        EXPECT_THROW(parse_npy(std::span(bytes).first(n)), InvalidArgument) << n;
    }
}

// A small deterministic fuzz: flipped bytes anywhere in a valid file either parse or raise
// InvalidArgument, never anything else (run under ASan/UBSan in CI's sanitizer job).
TEST(Npy, CorruptedBytesAreParsedOrRejectedCleanly) {
    const auto good = file_bytes(kDir / "v2_f4_4x6.npy");
    std::mt19937 rng(99);
    std::uniform_int_distribution<size_t> pos(0, good.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    size_t rejected = 0;
    for (int i = 0; i < 3000; ++i) {
        auto bytes = good;
        const int flips = 1 + i % 4;
        // Most flips land in the 128-byte header, where the parser does its work.
        for (int f = 0; f < flips; ++f) bytes[i % 2 ? pos(rng) % 128 : pos(rng)] = std::byte(byte(rng));
        try {
            (void)parse_npy(bytes);
        } catch (const InvalidArgument&) {
            ++rejected;
        }
    }
    EXPECT_GT(rejected, 100u);
}
