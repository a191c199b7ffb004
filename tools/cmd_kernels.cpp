// tilesim kernels build | list | clean: the kernel build's cache from the command line. `build` compiles
// kernel sources for one combination of compile-time args and defines (a quick compile check for a kernel
// author, and a way to prewarm the cache); `list` shows the cached combinations; `clean` empties the cache.
#include <cstdio>

#include "cli_common.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/kernel_build.hpp"
#include "tilesim/program.hpp"

namespace tilesim::cli {

void add_kernels_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> files;
        std::vector<uint32_t> compile_args;
        std::vector<std::string> defines;
        std::vector<std::string> named;
        std::string kind = "reader";
        std::string device = "wormhole_b0";
        bool fp32_dest_acc = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("kernels", "build, list or clean the kernel cache");
    cmd->require_subcommand(1);
    CLI::App* build = cmd->add_subcommand("build", "compile kernel sources for one set of compile-time args");
    build->add_option("files", o->files, "kernel source paths (looked up as CreateKernel does)")->required();
    build->add_option("--compile-args", o->compile_args, "compile-time args, e.g. --compile-args 4 1 0")
        ->delimiter(',');
    build->add_option("--define", o->defines, "NAME or NAME=VALUE (repeatable)");
    build->add_option("--named-arg", o->named, "NAME=VALUE named compile-time arg (repeatable)");
    build->add_option("--kind", o->kind, "reader | writer | compute (default reader)")
        ->check(CLI::IsMember({"reader", "writer", "compute"}));
    build->add_option("--device", o->device, "device config (default wormhole_b0)");
    build->add_flag("--fp32-dest-acc", o->fp32_dest_acc, "compute: fp32 DEST accumulation");
    build->callback([o] {
        const DeviceSpec device = load_device(o->device);
        std::vector<KernelBuildRequest> requests;
        for (const auto& f : o->files) {
            KernelSpec spec;
            spec.path = f;
            const ResolvedKernelPath r = resolve_kernel_path(f);
            spec.source = r.source;
            spec.include_root = r.include_root;
            spec.kind = o->kind == "compute"
                            ? KernelKind::Compute
                            : (o->kind == "writer" ? KernelKind::Writer : KernelKind::Reader);
            spec.compile_args = o->compile_args;
            spec.fp32_dest_acc_en = o->fp32_dest_acc;
            for (const auto& d : o->defines) {
                const auto eq = d.find('=');
                spec.defines[d.substr(0, eq)] = eq == std::string::npos ? "" : d.substr(eq + 1);
            }
            for (const auto& n : o->named) {
                const auto eq = n.find('=');
                if (eq == std::string::npos || eq == 0)
                    fail("kernels build: --named-arg '{}' must be NAME=VALUE", n);
                try {
                    spec.named_compile_args[n.substr(0, eq)] =
                        static_cast<uint32_t>(std::stoul(n.substr(eq + 1)));
                } catch (const std::exception&) {
                    fail("kernels build: --named-arg '{}': the value must be an unsigned integer", n);
                }
            }
            requests.push_back(make_build_request(spec, device));
        }
        std::vector<KernelBuildInfo> info;
        build_kernels(requests, &info);
        for (size_t i = 0; i < requests.size(); ++i) {
            const std::string how =
                info[i].cached ? fmt::format("loaded from the cache in {:.2f} ms", info[i].seconds * 1e3)
                               : fmt::format("compiled in {:.2f} s", info[i].compile_seconds);
            std::printf("%s: %s (%s)\n", requests[i].display_path.c_str(), how.c_str(),
                        info[i].entry.c_str());
        }
    });
    cmd->add_subcommand("list", "list the cached kernel binaries")->callback([] {
        std::printf("kernel cache: %s\n", kernel_cache_dir().c_str());
        for (const auto& line : list_cached_kernels()) std::printf("%s\n", line.c_str());
    });
    cmd->add_subcommand("clean", "remove every cached kernel binary")->callback([] {
        const size_t n = clean_kernel_cache();
        std::printf("removed %zu cached kernel(s) from %s\n", n, kernel_cache_dir().c_str());
    });
}

}  // namespace tilesim::cli
