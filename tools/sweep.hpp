#pragma once
// Sweeps (`tilesim sweep`, docs/cli.md): the points of a run config's "sweep" grid, times its "shapes",
// run one at a time by one serial function; the rows they give, as a table that carries the sweep's
// identity and each row's point index, so that slices run in other processes or on other machines
// (--jobs, --shard, the Python package's Dask sweep) merge into the table a serial run writes, byte for
// byte.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_config.hpp"

namespace tilesim::cli {

// A sweep's points: for each shape (outer), each setting of the cartesian product of "sweep" (inner).
struct SweepPlan {
    RunConfig config;
    std::vector<std::string> axes;            // the "sweep" keys, in the config's order
    std::vector<nlohmann::json> settings;     // one object {axis: value} per grid point
    std::vector<std::string> shape_labels;    // one per shape; "" when the config has no "shapes"
    std::vector<nlohmann::json> shape_specs;  // {input name: shape} per shape (empty: the config's inputs)
    std::string id;                           // hash of the config (and its shapes): a sweep's identity

    size_t size() const { return shape_labels.size() * settings.size(); }
    size_t shape_of(size_t point) const { return point / settings.size(); }
    const nlohmann::json& setting_of(size_t point) const { return settings[point % settings.size()]; }
};
SweepPlan plan_sweep(const std::filesystem::path& config_file);

// One point's result. Host wall time is deliberately absent: rows must not depend on the host.
struct SweepRow {
    size_t point = 0;
    std::string status;  // "ok"; "refused" (the factory said no); "no_l1" (CBs + buffers exceed L1)
    double predicted_us = 0, predicted_cycles = 0;
    std::string bound;
    uint64_t cores = 0, max_l1_bytes = 0, l1_limit = 0;
    uint64_t l1_needed = 0;  // no_l1: the bytes one core would need
    double max_abs_error = 0, pcc = 0;
    bool pass = false;
    std::string reason;  // refused / no_l1: the factory's message
};
// The JSON of a row in a table (`--json`): every field, under its name.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SweepRow, point, status, predicted_us, predicted_cycles, bound, cores,
                                   max_l1_bytes, l1_limit, l1_needed, max_abs_error, pcc, pass, reason)

// Runs points of one plan, one after another; the reference once per shape it meets.
class SweepRunner {
  public:
    SweepRunner(const SweepPlan& plan, unsigned host_threads, bool no_checks);
    SweepRow run_point(size_t point);

  private:
    const TensorMap& inputs_of(size_t shape);
    const SweepPlan& plan_;
    unsigned host_threads_;
    bool no_checks_;
    std::map<size_t, TensorMap> inputs_;
    std::map<size_t, std::vector<float>> references_;
};

// What a table needs besides its rows, also when it is read back from JSON without the config.
struct SweepTable {
    std::string id, name, op;
    std::vector<std::string> axes;
    std::vector<std::string> shape_labels;
    std::vector<nlohmann::json> settings;
    size_t points = 0;                         // of the whole sweep
    std::vector<SweepRow> rows;                // sorted by point
    std::string label_of(size_t point) const;  // "grid_batching=4 core_grid=[8,8]"
    std::string shape_label_of(size_t point) const { return shape_labels[point / settings.size()]; }
    const nlohmann::json& setting_of(size_t point) const { return settings[point % settings.size()]; }
};
SweepTable empty_table(const SweepPlan& plan);

std::string sweep_csv(const SweepTable& t);
std::string sweep_text_row(const SweepTable& t, const SweepRow& r);  // one line of the printed table
std::string sweep_text_header();
nlohmann::json sweep_json(const SweepTable& t, const std::string& shard);
// Reads one file sweep_json wrote; errors name the file.
SweepTable read_sweep_json(const std::filesystem::path& file);
// Joins slices of one sweep: refuses slices of another sweep, a point in two slices, a point in none.
SweepTable merge_sweep_tables(const std::vector<std::filesystem::path>& files);

// "--shard i/N" -> {i, N}; errors name the option, the value and what was expected.
std::pair<size_t, size_t> parse_shard(const std::string& text);

}  // namespace tilesim::cli
