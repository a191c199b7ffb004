// libFuzzer target: the device JSON loader must refuse any malformed config with ConfigError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tilesim/device.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const tilesim::DeviceSpec spec =
            tilesim::parse_device_spec(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
        (void)spec.summary();
    } catch (const tilesim::ConfigError&) {
    }
    return 0;
}
