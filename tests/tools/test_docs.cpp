// The docs are runnable: every `sh` block (```bash blocks are the set-up commands CI runs itself) of the
// tutorial and of docs/cli.md runs (in order, in one shell, from a scratch copy of the repository layout) and
// each following `text` block's lines appear in that block's output.
#include <gtest/gtest.h>

#include <regex>

#include "cli_test_util.hpp"

using namespace tilesim::testing;

namespace {
struct Block {
    std::string script;
    std::vector<std::string> expected;
};

std::vector<Block> sh_blocks(const std::string& markdown) {
    std::vector<Block> blocks;
    std::istringstream in(markdown);
    std::string line, fence;
    std::string body;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && (line == "```sh" || line == "```text")) {
            inside = true;
            fence = line.substr(3);
            body.clear();
        } else if (inside && line == "```") {
            inside = false;
            if (fence == "sh") {
                blocks.push_back({body, {}});
            } else if (!blocks.empty() && blocks.back().expected.empty()) {
                std::istringstream lines(body);
                for (std::string l; std::getline(lines, l);) {
                    if (!l.empty()) blocks.back().expected.push_back(l);
                }
            }
        } else if (inside) {
            body += line + "\n";
        }
    }
    return blocks;
}

// Runs the blocks in one bash session from a scratch folder laid out like the repository (configs/ and
// build/tools/tilesim linked), printing a marker before each block.
void run_doc(const std::string& doc) {
    const auto blocks = sh_blocks(read_file(std::string(TILESIM_SOURCE_DIR) + "/" + doc));
    ASSERT_FALSE(blocks.empty()) << doc;
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "build" / "tools");
    std::filesystem::create_symlink(TILESIM_CLI_PATH, dir.path() / "build" / "tools" / "tilesim");
    std::filesystem::create_symlink(std::string(TILESIM_SOURCE_DIR) + "/configs", dir.path() / "configs");
    std::string script = "set -e\ncd '" + dir.path().string() + "'\n";
    for (size_t i = 0; i < blocks.size(); ++i)
        script += "echo '@@BLOCK " + std::to_string(i) + "'\n" + blocks[i].script;
    std::ofstream(dir / "doc.sh") << script;
    const std::string out = dir / "doc.out";
    const int status = std::system(("bash '" + (dir / "doc.sh") + "' >'" + out + "' 2>&1").c_str());
    const std::string output = read_file(out);
    ASSERT_EQ(WEXITSTATUS(status), 0) << doc << " failed:\n" << output;
    for (size_t i = 0; i < blocks.size(); ++i) {
        const std::string marker = "@@BLOCK " + std::to_string(i) + "\n";
        const size_t begin = output.find(marker);
        ASSERT_NE(begin, std::string::npos) << marker;
        const size_t end = output.find("@@BLOCK " + std::to_string(i + 1) + "\n");
        const std::string section =
            output.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        for (const auto& want : blocks[i].expected) {
            EXPECT_NE(section.find(want), std::string::npos)
                << doc << " block " << i << " lacks '" << want << "':\n"
                << section;
        }
    }
}
}  // namespace

TEST(Docs, TutorialNearestRunsAsWritten) {
    run_doc("docs/tutorial-nearest.md");
}
// README's usage block (its Quick start, ./tilesim.sh demo and test, is what CI runs).
TEST(Docs, ReadmeUsageRunsAsWritten) {
    run_doc("README.md");
}
TEST(Docs, CliGuideRunsAsWritten) {
    run_doc("docs/cli.md");
}
TEST(Docs, CorrelationGuideRunsAsWritten) {
    run_doc("docs/ops/correlation.md");
}
