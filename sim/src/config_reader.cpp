// Strict JSON configuration reading (see config_reader.hpp).
#include "config_reader.hpp"

#include <cmath>

namespace tilesim::detail {
namespace {

// A short description of a JSON value for "got ..." messages.
std::string describe(const nlohmann::json& v) {
    std::string dumped = v.dump();
    if (dumped.size() > 40) dumped = dumped.substr(0, 37) + "...";
    return fmt::format("{} {}", v.type_name(), dumped);
}

}  // namespace

ConfigObject::ConfigObject(const nlohmann::json& json, std::string file, std::string path)
    : json_(json), file_(std::move(file)), path_(std::move(path)) {
    if (!json_.is_object()) {
        throw ConfigError(fmt::format("{}: {}: must be a JSON object, got {}", file_,
                                      path_.empty() ? "<root>" : path_, describe(json_)));
    }
}

const nlohmann::json& ConfigObject::require(const std::string& key) {
    auto it = json_.find(key);
    if (it == json_.end()) fail_key(key, "missing required key");
    read_.insert(key);
    return *it;
}

uint64_t ConfigObject::get_uint(const std::string& key, uint64_t max) {
    const auto& v = require(key);
    // nlohmann stores non-negative integer literals as number_unsigned; 16.0 or -1 are refused.
    if (!v.is_number_unsigned()) fail_key(key, "must be a non-negative integer, got {}", describe(v));
    const uint64_t u = v.get<uint64_t>();
    if (u > max) fail_key(key, "must be at most {}, got {}", max, u);
    return u;
}

double ConfigObject::get_number(const std::string& key) {
    const auto& v = require(key);
    if (!v.is_number()) fail_key(key, "must be a number, got {}", describe(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail_key(key, "must be finite, got {}", d);
    return d;
}

std::string ConfigObject::get_string(const std::string& key) {
    const auto& v = require(key);
    if (!v.is_string()) fail_key(key, "must be a string, got {}", describe(v));
    return v.get<std::string>();
}

ConfigObject ConfigObject::get_object(const std::string& key) {
    const auto& v = require(key);
    if (!v.is_object()) fail_key(key, "must be an object, got {}", describe(v));
    return ConfigObject(v, file_, key_path(key));
}

void ConfigObject::reject_unknown_keys() const {
    for (const auto& [key, value] : json_.items()) {
        if (!read_.count(key)) {
            std::string known;
            for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
            fail_key(key, "unknown key (known keys here: {})", known);
        }
    }
}

nlohmann::json parse_config_json(const std::string& text, const std::string& file) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw ConfigError(fmt::format("{}: invalid JSON at byte {}: {}", file, e.byte, e.what()));
    } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for any C++ type
        throw ConfigError(fmt::format("{}: invalid JSON: {}", file, e.what()));
    }
}

}  // namespace tilesim::detail
