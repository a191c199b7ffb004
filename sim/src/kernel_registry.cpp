#include "tilesim/kernel_registry.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "tilesim/error.hpp"

namespace tilesim {

namespace {
std::map<std::string, KernelFunction>& registry() {
    static std::map<std::string, KernelFunction> r;
    return r;
}
std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
}
// Levenshtein distance, to suggest the closest registered paths.
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}
}  // namespace

bool register_kernel(const char* path, KernelFunction fn) {
    std::lock_guard lock(registry_mutex());
    auto [it, inserted] = registry().emplace(path, fn);
    if (!inserted && it->second != fn) {
        // Two kernel files claim one path: a build error in spirit; refuse loudly at load time.
        throw Error(fmt::format("kernel path '{}' is registered twice", path));
    }
    return true;
}

KernelFunction find_linked_kernel(const std::string& path) {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(path);
    return it == registry().end() ? nullptr : it->second;
}

KernelFunction find_kernel(const std::string& path) {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(path);
    if (it != registry().end()) return it->second;
    std::vector<std::pair<size_t, std::string>> scored;
    for (const auto& [name, fn] : registry()) scored.emplace_back(edit_distance(path, name), name);
    std::sort(scored.begin(), scored.end());
    std::string close;
    for (size_t i = 0; i < std::min<size_t>(3, scored.size()); ++i)
        close += (i ? ", " : "") + scored[i].second;
    fail("CreateKernel: no kernel is registered under '{}'; closest: {}", path,
         close.empty() ? "(none registered)" : close);
}

std::vector<std::string> registered_kernels() {
    std::lock_guard lock(registry_mutex());
    std::vector<std::string> out;
    for (const auto& [name, fn] : registry()) out.push_back(name);
    return out;
}

}  // namespace tilesim
