#pragma once
// One simulated Device per (thread, device config) reused across op calls, as a tt-metal program opens
// its device once: the config is parsed once and the memories are reused. Buffers an op creates are
// freed when the op returns, so each call starts with empty allocators.
#include <string>

#include "tilesim/device.hpp"

namespace tilesim::ops {

Device& cached_device(const std::string& name_or_path);

}  // namespace tilesim::ops
