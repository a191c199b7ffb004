#pragma once
// Golden fixtures made by PyTorch scripts in tests/golden/ (never hand-edited). A fixture file is JSON:
//   {"generator": "...", "torch_version": "...", "cases": [{"name": ..., "params": {...},
//     "tensors": {"input": {"shape": [..], "data": [..]}, ...}}, ...]}
// Floats are written with full precision; NaN/Infinity are written as the strings "nan", "inf", "-inf".
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/source_dir.hpp"

namespace tilesim::testing {

struct GoldenTensor {
    std::vector<int64_t> shape;
    std::vector<float> data;
};

struct GoldenCase {
    std::string name;
    nlohmann::json params;
    nlohmann::json tensors;
    bool has(const std::string& tensor_name) const { return tensors.contains(tensor_name); }
    GoldenTensor tensor(const std::string& tensor_name) const {
        if (!tensors.contains(tensor_name)) {
            throw std::runtime_error("golden case '" + name + "' has no tensor '" + tensor_name + "'");
        }
        const auto& t = tensors.at(tensor_name);
        GoldenTensor out;
        out.shape = t.at("shape").get<std::vector<int64_t>>();
        out.data.reserve(t.at("data").size());
        for (const auto& v : t.at("data")) {
            if (v.is_string()) {
                const std::string s = v.get<std::string>();
                out.data.push_back(s == "nan"   ? std::numeric_limits<float>::quiet_NaN()
                                   : s == "inf" ? std::numeric_limits<float>::infinity()
                                                : -std::numeric_limits<float>::infinity());
            } else {
                out.data.push_back(v.get<float>());
            }
        }
        return out;
    }
};

// Loads tests/golden/data/<file> from the source tree (source_dir()).
inline std::vector<GoldenCase> load_golden(const std::string& file) {
    const std::string path = source_dir() + "/tests/golden/data/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open golden fixture " + path);
    nlohmann::json j = nlohmann::json::parse(in);
    std::vector<GoldenCase> cases;
    for (const auto& c : j.at("cases")) {
        cases.push_back(
            {c.at("name").get<std::string>(), c.value("params", nlohmann::json::object()), c.at("tensors")});
    }
    return cases;
}

}  // namespace tilesim::testing
