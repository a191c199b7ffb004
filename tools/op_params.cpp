#include "op_params.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ops/common/front_end.hpp"
#include "tilesim/error.hpp"

namespace tilesim::cli {

ParamSpec param(std::string name, ParamType type, nlohmann::json default_value, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = type;
    p.default_value = std::move(default_value);
    p.help = std::move(help);
    return p;
}

ParamTable with_device_params(ParamTable table) {
    table.push_back(param("buffering_factor", ParamType::Int, 2, "CB pages per item in flight")
                        .in_range(1, ops::kMaxBufferingFactor)
                        .sim());
    table.push_back(
        param("core_grid", ParamType::IntPair, {0, 0}, "worker grid to use, X Y ([0, 0]: the whole device)")
            .in_range(0, 64)
            .expecting("[x, y] with 1..64 cores per axis")
            .sim());
    table.push_back(
        param("fp32_dest_acc_en", ParamType::Bool, nullptr,
              "DEST accumulates in fp32 (default: yes for float32 data, no for bfloat16, as tt-metal's "
              "ops choose; --fp32-dest-acc-en=false to turn it off)")
            .sim());
    return table;
}

ParamSpec dtype_param(std::vector<std::string> choices, nlohmann::json default_value, std::string help) {
    return param("dtype", ParamType::Choice, std::move(default_value), std::move(help))
        .one_of(std::move(choices));
}

namespace {
bool is_int_pair(const nlohmann::json& v) {
    return v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer();
}

std::string range_text(const ParamRange& r) {
    if (r.max == std::numeric_limits<int64_t>::max()) return fmt::format(">= {}", r.min);
    return fmt::format("in [{}, {}]", r.min, r.max);
}

// The integers of an Int, IntOrPair or IntPair value already of the right JSON type.
std::vector<int64_t> integers(const nlohmann::json& v) {
    if (v.is_number_integer()) return {v.get<int64_t>()};
    return {v[0].get<int64_t>(), v[1].get<int64_t>()};
}

std::string flag_name(const std::string& name) {
    std::string flag = "--" + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    return flag;
}

// The default as the docs show it (`2`, `[0, 0]`, `bilinear`) or, with code = false, as --help does.
std::string default_text(const ParamSpec& p, bool code = true) {
    if (p.required) return "required";
    if (p.default_value.is_null()) return "—";
    std::string text;
    if (p.default_value.is_string()) {
        text = p.default_value.get<std::string>();
    } else if (p.default_value.is_array()) {
        text = fmt::format("[{}]", fmt::join(integers(p.default_value), ", "));
    } else {
        text = p.default_value.dump();
    }
    return code ? "`" + text + "`" : text;
}

std::string type_text(ParamType t) {
    switch (t) {
        case ParamType::Int:
            return "int";
        case ParamType::IntOrPair:
            return "int or [h, w]";
        case ParamType::IntPair:
            return "[x, y]";
        case ParamType::Bool:
            return "bool";
        case ParamType::Choice:
            return "string";
    }
    return "";
}

std::string help_text(const ParamSpec& p) {
    return (p.sim_only ? "sim: " : "") + p.help;
}
}  // namespace

std::optional<std::string> param_problem(const ParamSpec& p, const nlohmann::json& v) {
    const std::string& key = p.name;
    switch (p.type) {
        case ParamType::Int:
            if (!v.is_number_integer())
                return fmt::format("argument '{}' must be an integer, got {}", key, v.dump());
            break;
        case ParamType::IntOrPair:
            if (!v.is_number_integer() && !is_int_pair(v))
                return fmt::format("argument '{}' must be an integer or a pair of integers, got {}", key,
                                   v.dump());
            break;
        case ParamType::IntPair:
            if (!is_int_pair(v))
                return fmt::format("argument '{}' must be a pair of integers [x, y], got {}", key, v.dump());
            break;
        case ParamType::Bool:
            if (!v.is_boolean())
                return fmt::format("argument '{}' must be true or false, got {}", key, v.dump());
            return std::nullopt;
        case ParamType::Choice:
            if (!v.is_string() ||
                std::find(p.choices.begin(), p.choices.end(), v.get<std::string>()) == p.choices.end())
                return fmt::format("{} must be one of {}, got {}", key, fmt::join(p.choices, ", "), v.dump());
            return std::nullopt;
    }
    if (!p.range) return std::nullopt;
    const std::vector<int64_t> xs = integers(v);
    for (int64_t x : xs) {
        if (x >= p.range->min && x <= p.range->max) continue;
        if (!p.expected.empty()) {
            const std::string got =
                xs.size() == 1 ? fmt::format("{}", x) : fmt::format("[{}]", fmt::join(xs, ", "));
            return fmt::format("{} must be {}, got {}", key, p.expected, got);
        }
        return fmt::format("{} must be {}, got {}", key, range_text(*p.range), x);
    }
    return std::nullopt;
}

const ParamSpec* find_param(const ParamTable& table, std::string_view name) {
    for (const ParamSpec& p : table) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

std::string param_names(const ParamTable& table) {
    std::vector<std::string> names;
    for (const ParamSpec& p : table) names.push_back(p.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

void validate_args(const ParamTable& table, const nlohmann::json& args, std::string_view op) {
    if (!args.is_object()) fail("{}: the arguments must be a JSON object, got {}", op, args.dump());
    for (const auto& [key, v] : args.items()) {
        const ParamSpec* p = find_param(table, key);
        if (!p) fail("{}: unknown argument '{}' (known: {})", op, key, param_names(table));
        if (auto problem = param_problem(*p, v)) fail("{}: {}", op, *problem);
    }
    for (const ParamSpec& p : table) {
        if (p.required && !args.contains(p.name)) fail("{}: missing argument '{}'", op, p.name);
    }
}

OpArgs::OpArgs(const ParamTable& table, nlohmann::json args, std::string op)
    : table_(&table), args_(std::move(args)), op_(std::move(op)) {
    validate_args(table, args_, op_);
}

bool OpArgs::has(std::string_view name) const {
    return args_.contains(name);
}

bool OpArgs::has_value(std::string_view name) const {
    const ParamSpec* p = find_param(*table_, name);
    return has(name) || (p && !p->default_value.is_null());
}

const nlohmann::json& OpArgs::value(std::string_view name) const {
    const ParamSpec* p = find_param(*table_, name);
    if (!p) throw std::logic_error(fmt::format("{}: '{}' is not in the op's parameter table", op_, name));
    if (args_.contains(name)) return args_[std::string(name)];
    if (p->default_value.is_null()) fail("{}: missing argument '{}'", op_, name);
    return p->default_value;
}

int64_t OpArgs::integer(std::string_view name) const {
    return value(name).get<int64_t>();
}

std::pair<int64_t, int64_t> OpArgs::pair(std::string_view name) const {
    const std::vector<int64_t> v = integers(value(name));
    return {v.front(), v.back()};
}

bool OpArgs::flag(std::string_view name) const {
    return value(name).get<bool>();
}

std::string OpArgs::choice(std::string_view name) const {
    return value(name).get<std::string>();
}

void add_param_flags(CLI::App* cmd, const ParamTable& table, ParamFlags& f) {
    for (const ParamSpec& p : table) {
        std::string names = flag_name(p.name);
        if (names != "--" + p.name) names += ",--" + p.name;  // the JSON key works as a flag too
        std::string help = help_text(p);
        if (!p.default_value.is_null() && p.type != ParamType::Bool)
            help += fmt::format(" [default: {}]", default_text(p, false));
        CLI::Option* o = nullptr;
        switch (p.type) {
            case ParamType::Int:
                o = cmd->add_option(names, f.ints[p.name], help);
                break;
            case ParamType::IntOrPair:
                o = cmd->add_option(names, f.lists[p.name], help)->expected(1, 2);
                break;
            case ParamType::IntPair:
                o = cmd->add_option(names, f.lists[p.name], help)->expected(2);
                break;
            case ParamType::Bool:
                o = cmd->add_flag(names, f.bools[p.name], help);
                break;
            case ParamType::Choice:  // refused while parsing, naming the flag
                o = cmd->add_option(names, f.strings[p.name], help)->check(CLI::IsMember(p.choices));
                break;
        }
        if (p.required) o->required();
        f.options[p.name] = o;
    }
}

nlohmann::json flags_to_json(const ParamTable& table, const ParamFlags& f) {
    nlohmann::json args = nlohmann::json::object();
    for (const ParamSpec& p : table) {
        if (f.options.at(p.name)->count() == 0) continue;
        switch (p.type) {
            case ParamType::Int:
                args[p.name] = f.ints.at(p.name);
                break;
            case ParamType::IntOrPair: {
                const auto& v = f.lists.at(p.name);
                args[p.name] = v.size() == 1 ? nlohmann::json(v[0]) : nlohmann::json(v);
                break;
            }
            case ParamType::IntPair:
                args[p.name] = f.lists.at(p.name);
                break;
            case ParamType::Bool:
                args[p.name] = f.bools.at(p.name);
                break;
            case ParamType::Choice:
                args[p.name] = f.strings.at(p.name);
                break;
        }
    }
    return args;
}

std::string param_table_markdown(const ParamTable& table) {
    auto cell = [](std::string s) {  // a '|' would end the cell
        std::string out;
        for (char ch : s) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
        return out;
    };
    std::string md =
        "| argument | flag | type | default | range or choices | description |\n"
        "|---|---|---|---|---|---|\n";
    for (const ParamSpec& p : table) {
        std::string allowed;
        if (!p.choices.empty()) {
            std::vector<std::string> quoted;
            for (const auto& c : p.choices) quoted.push_back("`" + c + "`");
            allowed = fmt::format("{}", fmt::join(quoted, " | "));
        } else if (!p.expected.empty()) {
            allowed = p.expected;
        } else if (p.range) {
            allowed = range_text(*p.range);
        }
        md += fmt::format("| `{}` | `{}` | {} | {} | {} | {} |\n", p.name, flag_name(p.name),
                          cell(type_text(p.type)), default_text(p), cell(allowed), cell(help_text(p)));
    }
    return md;
}

}  // namespace tilesim::cli
