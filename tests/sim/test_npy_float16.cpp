// .npy float16 ('<f2'): NumPy-written files read as Float16 tensors (tests/golden/gen_float16.py), the
// files refused with the reason, and write_npy writing Float16 tensors as '<f2' bit for bit.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/expect_throw_msg.hpp"
#include "tilesim/error.hpp"
#include "common/test_files.hpp"
#include "tilesim/npy.hpp"

namespace fs = std::filesystem;
using namespace tilesim;
using namespace tilesim::testing;

namespace {

const fs::path kGolden = fs::path(TILESIM_SOURCE_DIR) / "tests" / "golden" / "data";
const fs::path kDir = kGolden / "float16";

class NpyFloat16Files : public ScratchFolderTest {};

}  // namespace

TEST(NpyFloat16, ReadsNumpyWrittenHalfFilesAsFloat16Tensors) {
    const auto m = read_manifest(kDir);
    size_t read = 0;
    for (const auto& c : m["cases"]) {
        if (c.contains("error")) continue;
        const std::string name = c["file"];
        SCOPED_TRACE(name);
        const Tensor t = read_npy(kDir / name);
        EXPECT_EQ(t.dtype(), DataType::Float16);
        EXPECT_EQ(t.layout(), Layout::ROW_MAJOR);
        EXPECT_EQ(t.shape().dims(), c["shape"].get<std::vector<uint32_t>>());
        expect_manifest_values(t.to_floats(), c["values"]);
        const Tensor mem = parse_npy(file_bytes(kDir / name));
        EXPECT_EQ(mem.dtype(), DataType::Float16);
        EXPECT_TRUE(std::equal(mem.bytes().begin(), mem.bytes().end(), t.bytes().begin(), t.bytes().end()));
        ++read;
    }
    EXPECT_GE(read, 4u);
}

TEST(NpyFloat16, RefusesHalfFilesItCannotReadNamingTheFileAndTheReason) {
    const auto m = read_manifest(kDir);
    size_t refused = 0;
    for (const auto& c : m["cases"]) {
        if (!c.contains("error")) continue;
        const std::string name = c["file"];
        SCOPED_TRACE(name);
        EXPECT_THROW_MSG(read_npy(kDir / name, "--input1"), InvalidArgument,
                         "--input1: " + (kDir / name).string() + ": ");
        EXPECT_THROW_MSG(read_npy(kDir / name, "--input1"), InvalidArgument, c["error"].get<std::string>());
        ++refused;
    }
    EXPECT_GE(refused, 3u);
}

TEST(NpyFloat16, OtherDtypesAreRefusedNamingBothAcceptedOnes) {
    EXPECT_THROW_MSG(read_npy(kGolden / "npy" / "f8.npy", "--grid"), InvalidArgument,
                     "f8.npy: dtype '<f8' is not supported, expected '<f4' (little-endian float32) or '<f2' "
                     "(little-endian float16)");
}

TEST_F(NpyFloat16Files, WritesFloat16TensorsAsF2BitForBit) {
    Tensor all(Shape{256, 256}, DataType::Float16);  // every half bit pattern, NaNs included
    auto bits = all.data<float16_bits>();
    for (uint32_t i = 0; i < bits.size(); ++i) bits[i] = static_cast<float16_bits>(i);
    const fs::path p = dir_ / "all.npy";
    write_npy(p, all);
    EXPECT_NE(file_text(p).find("'descr': '<f2'"), std::string::npos);
    EXPECT_EQ(fs::file_size(p) % 64, 0u);  // header on a 64-byte boundary, 2 * 65536 data bytes
    const Tensor back = read_npy(p);
    EXPECT_EQ(back.dtype(), DataType::Float16);
    EXPECT_EQ(back.shape(), all.shape());
    EXPECT_TRUE(std::equal(back.bytes().begin(), back.bytes().end(), all.bytes().begin(), all.bytes().end()));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);  // no temp file left
}

TEST_F(NpyFloat16Files, TiledFloat16IsWrittenRowMajorAndOtherDtypesAsF4) {
    const Shape s{3, 33, 5};
    std::vector<float> v(s.volume());
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(i % 101) * 0.3f - 15.0f;
    const Tensor half = Tensor::from_floats(s, v, DataType::Float16);
    write_npy(dir_ / "tiled.npy", half.to_layout(Layout::TILE));
    const Tensor back = read_npy(dir_ / "tiled.npy");
    EXPECT_EQ(back.dtype(), DataType::Float16);
    EXPECT_EQ(back.to_floats(), half.to_floats());
    write_npy(dir_ / "bf16.npy", Tensor::from_floats(s, v, DataType::BFloat16));
    EXPECT_NE(file_text(dir_ / "bf16.npy").find("'descr': '<f4'"), std::string::npos);
    EXPECT_EQ(read_npy(dir_ / "bf16.npy").dtype(), DataType::Float32);
}

TEST_F(NpyFloat16Files, DataSizeMismatchCountsHalfBytes) {
    write_npy(dir_ / "h.npy", Tensor(Shape{2, 5}, DataType::Float16));
    std::ofstream(dir_ / "h.npy", std::ios::binary | std::ios::app) << "xy";
    EXPECT_THROW_MSG(
        read_npy(dir_ / "h.npy"), InvalidArgument,
        "data size mismatch: shape [2, 5] of float16 needs 20 bytes, the file has 22 bytes after the "
        "header");
}
