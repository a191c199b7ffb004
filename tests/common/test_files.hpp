#pragma once
// Helpers the file-format tests share: the manifests of generated cases (tests/golden/data/<dir>/
// cases.json), JSON numbers that may be "nan" / "inf" / "-inf", and files read whole.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tilesim/error.hpp"

namespace tilesim::testing {

inline nlohmann::json read_manifest(const std::filesystem::path& dir) {
    std::ifstream in(dir / "cases.json");
    return nlohmann::json::parse(in);
}

// A float from a manifest: a number, or one of the strings "nan", "inf", "-inf" (JSON has no such numbers).
inline float json_float(const nlohmann::json& v) {
    if (v.is_string()) {
        const std::string s = v;
        return s == "nan" ? NAN : s == "inf" ? INFINITY : -INFINITY;
    }
    return v.get<float>();
}

inline std::vector<std::byte> file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    const std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(c.size());
    if (!c.empty()) std::memcpy(out.data(), c.data(), c.size());
    return out;
}

inline std::string file_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each value of `got` equals the manifest's `want` (JSON values, see json_float): NaN where it says nan,
// otherwise the same value with the same sign (so -0 is not 0).
inline void expect_manifest_values(const std::vector<float>& got, const nlohmann::json& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const float w = json_float(want[i]);
        if (std::isnan(w)) {
            EXPECT_TRUE(std::isnan(got[i])) << i;
        } else {
            EXPECT_EQ(got[i], w) << i;
            EXPECT_EQ(std::signbit(got[i]), std::signbit(w)) << i;
        }
    }
}

// A fresh folder per test (under the system's temporary folder, named after the test and the process),
// removed afterwards.
class ScratchFolderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               fmt::format("tilesim_{}_{}_{}", info->test_suite_name(), info->name(), ::getpid());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

}  // namespace tilesim::testing
