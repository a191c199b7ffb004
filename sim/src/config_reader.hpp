#pragma once
// Private helper for strict JSON configuration files: every key must be read exactly once, unknown keys
// and wrong types are ConfigErrors naming the file and the full key path (e.g. "l1.size_bytes").
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "tilesim/error.hpp"

namespace tilesim::detail {

class ConfigObject {
  public:
    // `json` must outlive this object. `path` is the key path of the object ("" for the root).
    ConfigObject(const nlohmann::json& json, std::string file, std::string path);

    uint64_t get_uint(const std::string& key, uint64_t max = std::numeric_limits<uint64_t>::max());
    uint32_t get_uint32(const std::string& key) { return static_cast<uint32_t>(get_uint(key, UINT32_MAX)); }
    double get_number(const std::string& key);  // any finite JSON number
    std::string get_string(const std::string& key);
    ConfigObject get_object(const std::string& key);
    bool has(const std::string& key) const { return json_.contains(key); }
    // Throws when the object holds a key that was never read.
    void reject_unknown_keys() const;

    std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    const std::string& file() const { return file_; }

    // "<file>: <key path>: <problem>"
    template <class... Args>
    [[noreturn]] void fail_key(const std::string& key, fmt::format_string<Args...> format,
                               Args&&... args) const {
        throw ConfigError(fmt::format("{}: {}: {}", file_, key_path(key),
                                      fmt::format(format, std::forward<Args>(args)...)));
    }

  private:
    const nlohmann::json& require(const std::string& key);

    const nlohmann::json& json_;
    std::string file_;
    std::string path_;
    std::set<std::string> read_;
};

// Parses JSON text; a syntax error becomes a ConfigError naming the file and the byte offset.
nlohmann::json parse_config_json(const std::string& text, const std::string& file);

}  // namespace tilesim::detail
