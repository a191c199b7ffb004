#pragma once
// An op's parameters, declared once (in the spirit of gem5's Params): each row of a ParamTable gives a
// parameter's name, type, default, range or choices and help. From the table come the op command's flags
// (`--kernel-size` for kernel_size), the JSON arguments of `tilesim op` / `run` / `sweep`, their validation
// (one message naming the op, the argument, the value and what was expected) and the tables in the docs
// (`tilesim params`).
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace tilesim::cli {

enum class ParamType {
    Int,        // 3
    IntOrPair,  // 3 or [3, 5] (PyTorch's _pair); the flag takes one or two values
    IntPair,    // [x, y]; the flag takes two values
    Bool,       // true / false; the flag is a switch
    Choice,     // one of `choices`
};

struct ParamRange {
    int64_t min = 0;
    int64_t max = std::numeric_limits<int64_t>::max();  // this max: no upper bound (">= min")
};

struct ParamSpec {
    std::string name;  // the JSON key; the flag is --name with '-' for '_'
    ParamType type = ParamType::Int;
    nlohmann::json default_value;  // null: none (the op decides; `help` says how)
    std::optional<ParamRange> range;
    std::vector<std::string> choices;
    std::string help;
    bool sim_only = false;  // only --backend sim uses it
    bool required = false;
    std::string expected;  // what a bad value is told it must be, when the range's "in [min, max]" is not it

    // Rows read as one line: param("grid_batching", ParamType::Int, 1, "...").in_range(1, 1024).sim().
    ParamSpec in_range(int64_t min, int64_t max = std::numeric_limits<int64_t>::max()) && {
        range = ParamRange{min, max};
        return std::move(*this);
    }
    ParamSpec one_of(std::vector<std::string> values) && {
        choices = std::move(values);
        return std::move(*this);
    }
    ParamSpec sim() && {
        sim_only = true;
        return std::move(*this);
    }
    ParamSpec require() && {
        required = true;
        return std::move(*this);
    }
    ParamSpec expecting(std::string what) && {
        expected = std::move(what);
        return std::move(*this);
    }
};
ParamSpec param(std::string name, ParamType type, nlohmann::json default_value, std::string help);
using ParamTable = std::vector<ParamSpec>;

// Tables are built from these rows, then the device rows every op shares appended.
ParamTable with_device_params(ParamTable table);  // + buffering_factor, core_grid
ParamSpec dtype_param(std::vector<std::string> choices, nlohmann::json default_value, std::string help);

// What is wrong with `value` as `p` ("must be in [1, 64], got 0"); nothing when it is fine.
std::optional<std::string> param_problem(const ParamSpec& p, const nlohmann::json& value);
// A known key's row, or nothing.
const ParamSpec* find_param(const ParamTable& table, std::string_view name);
std::string param_names(const ParamTable& table);  // "a, b, c"

// JSON op arguments checked against the table, with typed getters that fall back to the defaults.
class OpArgs {
  public:
    // Throws InvalidArgument "<op>: ..." for an unknown key, a wrong type, a value out of range or not among
    // the choices, or a missing required argument.
    OpArgs(const ParamTable& table, nlohmann::json args, std::string op);

    bool has(std::string_view name) const;        // given explicitly
    bool has_value(std::string_view name) const;  // given, or the table has a default
    int64_t integer(std::string_view name) const;
    std::pair<int64_t, int64_t> pair(std::string_view name) const;  // IntOrPair and IntPair
    bool flag(std::string_view name) const;
    std::string choice(std::string_view name) const;
    const nlohmann::json& json() const { return args_; }  // as given
    const std::string& op() const { return op_; }
    const ParamTable& table() const { return *table_; }

  private:
    const nlohmann::json& value(std::string_view name) const;  // given or default; throws when neither
    const ParamTable* table_;
    nlohmann::json args_;
    std::string op_;
};
void validate_args(const ParamTable& table, const nlohmann::json& args, std::string_view op);

// One flag per row on `cmd`; after parsing, flags_to_json gives the flags given as JSON arguments.
struct ParamFlags {
    std::map<std::string, int64_t> ints;
    std::map<std::string, std::vector<int64_t>> lists;
    std::map<std::string, bool> bools;
    std::map<std::string, std::string> strings;
    std::map<std::string, CLI::Option*> options;
};
void add_param_flags(CLI::App* cmd, const ParamTable& table, ParamFlags& flags);
nlohmann::json flags_to_json(const ParamTable& table, const ParamFlags& flags);

// The table in markdown: argument | flag | type | default | range or choices | description.
std::string param_table_markdown(const ParamTable& table);

}  // namespace tilesim::cli
