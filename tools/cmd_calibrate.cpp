// tilesim calibrate [--device NAME]: runs the cost model's calibration probes (sim/src/calibration.cpp) on
// a device config and prints model vs published silicon per cell (model numbers only where nothing is
// published for the device).
#include <cstdio>

#include "cli_common.hpp"
#include "tilesim/calibration.hpp"
#include "tilesim/device_spec.hpp"

namespace tilesim::cli {

void add_calibrate_command(CLI::App& app) {
    auto device = std::make_shared<std::string>("wormhole_b0");
    CLI::App* cmd = app.add_subcommand("calibrate", "cost model vs silicon measurements, cell by cell");
    cmd->add_option("--device", *device, "device config name or .json path (default wormhole_b0)");
    cmd->callback([device] {
        const DeviceSpec spec = load_device(*device);
        std::printf("%s\n%s", spec.summary().c_str(), format_calibration(run_calibration(spec)).c_str());
    });
}

}  // namespace tilesim::cli
