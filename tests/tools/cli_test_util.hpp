#pragma once
// Running the built `tilesim` binary from tests: exit code, stdout and stderr, in a fresh temporary folder.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "common/source_dir.hpp"
#include "tilesim/npy.hpp"
#include "tilesim/tensor.hpp"

namespace tilesim::testing {

struct CliResult {
    int exit_code = -1;
    std::string out, err;
};

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A temporary folder removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("tilesim-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// The `tilesim` binary under test: $TILESIM_CLI where set (a build carried to another machine:
// bench/gpu_check.sh), else the one built beside the tests.
inline std::string cli_path() {
    const char* cli = std::getenv("TILESIM_CLI");
    return cli != nullptr && *cli != '\0' ? cli : TILESIM_CLI_PATH;
}

// Runs `tilesim <args>` (args already shell-quoted where needed) in `dir`.
inline CliResult run_cli(const std::string& args, const TempDir& dir) {
    const std::string out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = "cd '" + dir.path().string() + "' && '" + cli_path() + "' " + args + " >'" + out +
                            "' 2>'" + err + "' </dev/null";
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
}

inline Tensor random_tensor(Shape shape, uint32_t seed, float lo = -1.f, float hi = 1.f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(shape.volume());
    for (auto& x : v) x = d(rng);
    return Tensor::from_floats(std::move(shape), v);
}

// stderr must be exactly one line.
inline bool one_line(const std::string& s) {
    return !s.empty() && s.find('\n') == s.size() - 1;
}

}  // namespace tilesim::testing
