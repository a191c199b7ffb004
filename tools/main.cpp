// tilesim: the command-line tool. Runs an op on .npy files on a backend, a JSON run config, a sweep, or
// the demo; prints reports. Errors become one line on stderr and a non-zero exit code
// (2: bad arguments or inputs, 3: the simulated program failed, 4: results outside the tolerance of the
// comparison, 1: anything else).
#include <malloc.h>

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"
#include "tilesim/kernel_build.hpp"

int main(int argc, char** argv) {
    using namespace tilesim;
    // Ops allocate tensors of megabytes on every --repeat. glibc maps such blocks afresh each time (a page
    // fault per 4 KiB, costing more than some ops themselves); keep blocks up to 32 MiB (glibc's largest
    // threshold) in the heap and do not hand freed memory back to the system eagerly.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    CLI::App app{"tilesim: simulate tt-metal style programs (grid_sample and friends) on the CPU"};
    app.set_version_flag("--version", std::string("tilesim ") + TILESIM_VERSION);
    app.require_subcommand(1);
    CLI::App* op = app.add_subcommand("op", "run one op on .npy inputs (cpu | sim | cuda)");
    op->require_subcommand(1);
    cli::add_grid_sample_command(*op);
    cli::add_deformable_aggregation_command(*op);
    cli::add_sample_sum_command(*op);
    cli::add_sample_dot_command(*op);
    cli::add_correlation_commands(*op);
    cli::add_run_command(app);
    cli::add_sweep_command(app);
    cli::add_demo_command(app);
    cli::add_random_command(app);
    cli::add_kernels_command(app);
    cli::add_calibrate_command(app);
    cli::add_params_command(app);

    std::string device_name;
    CLI::App* devices = app.add_subcommand("devices", "list the shipped device configs, or describe one");
    devices->add_option("name", device_name, "device name or .json path");
    devices->callback([&] {
        if (!device_name.empty()) {
            std::puts(load_device(device_name).summary().c_str());
            return;
        }
        for (const auto& e : std::filesystem::directory_iterator(default_config_dir() / "devices")) {
            if (e.path().extension() == ".json") std::printf("%s\n", e.path().stem().c_str());
        }
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // the command already said why (e.g. a comparison that failed)
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "tilesim: %s (see --help)\n", e.what());
        return 2;
    } catch (const KernelBuildError& e) {  // the user's kernel source: bad input, one line
        std::fprintf(stderr, "tilesim: error: %s\n", e.what());
        return 2;
    } catch (const InvalidArgument& e) {
        std::fprintf(stderr, "tilesim: error: %s\n", e.what());
        return 2;
    } catch (const BackendUnavailable& e) {
        std::fprintf(stderr, "tilesim: error: %s\n", e.what());
        return 2;
    } catch (const Error& e) {
        std::fprintf(stderr, "tilesim: simulation failed: %s\n", e.what());
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tilesim: internal error: %s\n", e.what());
        return 1;
    }
    return 0;
}
