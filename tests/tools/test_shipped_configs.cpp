// Every run config shipped in configs/runs runs and passes its comparison (sweeps: every point).
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"

using namespace tilesim::testing;

namespace {
std::vector<std::string> shipped_configs() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/configs/runs")) {
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}
class ShippedConfig : public ::testing::TestWithParam<std::string> {};
}  // namespace

TEST_P(ShippedConfig, RunsAndPasses) {
    const std::string path = source_dir() + "/configs/runs/" + GetParam() + ".json";
    std::ifstream in(path);
    const bool sweep = nlohmann::json::parse(in).contains("sweep");
    TempDir dir;
    const auto r = run_cli(std::string(sweep ? "sweep '" : "run '") + path + "'", dir);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Configs, ShippedConfig, ::testing::ValuesIn(shipped_configs()),
                         [](const auto& info) { return info.param; });
