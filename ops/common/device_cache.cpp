#include "ops/common/detail/device_cache.hpp"

#include <map>
#include <memory>

#include "tilesim/device_spec.hpp"

namespace tilesim::ops {

Device& cached_device(const std::string& name_or_path) {
    thread_local std::map<std::string, std::unique_ptr<Device>> devices;
    auto& slot = devices[name_or_path];
    if (!slot) slot = std::make_unique<Device>(load_device(name_or_path));
    return *slot;
}

}  // namespace tilesim::ops
