#pragma once
// Run configs (configs/runs/*.json): which device, which op with which arguments, the inputs (random with
// a seed, or .npy files), the backends to compare and where to write reports. `tilesim run` executes
// one; `tilesim sweep` executes one per point of its "sweep" grid. docs/cli.md documents the format.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_common.hpp"

namespace tilesim::cli {

struct RunConfig {
    std::filesystem::path file;
    std::string name;
    std::string device = "wormhole_b0";
    std::string op;
    nlohmann::json args = nlohmann::json::object();
    TensorMap inputs;
    std::vector<std::string> backends{"sim", "cpu"};
    std::string reference = "cpu";  // backend the others are compared with
    double max_abs = 1e-4;
    double min_pcc = 0.999;
    std::map<std::string, std::string> outputs;  // report, trace, heatmap, l1_chart, out
    nlohmann::json sweep = nlohmann::json::object();
    // "shapes" (or the ops of "shapes_file"): one object {input name: shape, "name": label} per shape a
    // sweep runs its grid on; each replaces the shapes of the named inputs, keeping their seeds.
    std::vector<nlohmann::json> shapes;
    nlohmann::json raw;  // the config as read, for a sweep's identity and its inputs per shape
};

// Reads and validates a config; errors are ConfigError naming the file and the key.
RunConfig load_run_config(const std::filesystem::path& file);
// The inputs for one entry of `shapes` (the config's own inputs for an empty object).
TensorMap make_inputs(const RunConfig& c, const nlohmann::json& shape);

struct BackendRun {
    std::string backend;
    OpOutcome outcome;
    double wall_ms = 0;
};

}  // namespace tilesim::cli
