// libFuzzer target: the run-config loader must refuse any malformed config with InvalidArgument (of which
// ConfigError is one), never crash or allocate absurd inputs.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "run_config.hpp"
#include "tilesim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool registered = [] {
        CLI::App app;
        CLI::App* op = app.add_subcommand("op");
        tilesim::cli::add_grid_sample_command(*op);
        tilesim::cli::add_deformable_aggregation_command(*op);
        tilesim::cli::add_sample_sum_command(*op);
        tilesim::cli::add_sample_dot_command(*op);
        tilesim::cli::add_correlation_commands(*op);
        return true;
    }();
    (void)registered;
    static const std::string path = "/tmp/tilesim-fuzz-run-config-" + std::to_string(getpid()) + ".json";
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    try {
        (void)tilesim::cli::load_run_config(path);
    } catch (const tilesim::InvalidArgument&) {
    }
    return 0;
}
