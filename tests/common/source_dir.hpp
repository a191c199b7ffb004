#pragma once
// Where the tests find the source tree (golden fixtures, shipped configs): $TILESIM_SOURCE_DIR where set — a
// build carried to another machine, whose checkout lies elsewhere (bench/gpu_check.sh) — else the tree the
// tests were built from.
#include <cstdlib>
#include <string>

namespace tilesim::testing {

inline std::string source_dir() {
    const char* root = std::getenv("TILESIM_SOURCE_DIR");
    return root != nullptr && *root != '\0' ? root : TILESIM_SOURCE_DIR;
}

}  // namespace tilesim::testing
