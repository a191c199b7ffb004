#pragma once
// Kernels are tt-metal kernel source files. On first use of a (source, compile-time args, named
// compile-time args, defines, kernel kind, device arch, build flags) combination tilesim compiles the
// source with the host C++ compiler into a shared object, caches it on disk and loads it, as tt-metal's
// JIT build makes one binary per combination. The kernel sees tt-metal's kernel API (sim/kernel_include/)
// and, for tilesim's own kernels, kernels/common/: nothing else of tilesim is on its include path.
//
//   cache:   $TILESIM_KERNEL_CACHE, else $XDG_CACHE_HOME/tilesim/kernels, else ~/.cache/tilesim/kernels
//   lookup:  an absolute path as it is; a relative one in each folder of $TILESIM_KERNEL_PATH (colon-
//            separated, like a tt-metal source root), then in tilesim's own kernel root
//   compiler: $TILESIM_KERNEL_CXX, else the compiler tilesim was built with
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"

namespace tilesim {

struct KernelSpec;

// A kernel source that failed to compile. what() is one line: the kernel file, the combination and the
// compiler's first error; log() is the compiler's whole output.
class KernelBuildError : public Error {
  public:
    KernelBuildError(const std::string& what, std::string log) : Error(what), log_(std::move(log)) {}
    const std::string& log() const { return log_; }

  private:
    std::string log_;
};

// Where a relative kernel path is looked up, in order.
std::vector<std::filesystem::path> kernel_search_roots();
// tilesim's own kernel root (holds kernels/) and the folder of tt-metal's kernel API headers.
std::filesystem::path tilesim_kernel_root();
std::filesystem::path kernel_api_include_dir();
std::filesystem::path kernel_cache_dir();

struct ResolvedKernelPath {
    std::filesystem::path source;        // absolute path of the kernel file
    std::filesystem::path include_root;  // what the kernel's root-relative includes resolve against
};
// Finds `path`; an unknown path is an InvalidArgument listing every place it looked.
ResolvedKernelPath resolve_kernel_path(const std::string& path);

using KernelEntry = void (*)();

// Everything a kernel binary depends on.
struct KernelBuildRequest {
    std::string display_path;  // as the factory named it
    ResolvedKernelPath resolved;
    bool compute = false;
    bool reader = true;  // data movement: RISCV_1 (reader, NoC 1) or RISCV_0 (writer, NoC 0)
    std::vector<uint32_t> compile_args;
    std::map<std::string, uint32_t> named_compile_args;
    std::map<std::string, std::string> defines;
    std::string arch;  // device name, e.g. "wormhole_b0"
    uint32_t dram_banks = 0, l1_banks = 0;
    int math_fidelity = 4;
    bool fp32_dest_acc_en = false;
    bool math_approx_mode = false;
    // Data movement: the device's prices for the kernel's own scalar work (modelled = false: not costed).
    RiscvScalarCost scalar;
    bool costs_scalar_work() const;
};
KernelBuildRequest make_build_request(const KernelSpec& spec, const DeviceSpec& device);

struct KernelBuildInfo {
    std::string key;              // hex digest naming the cache entry
    std::filesystem::path entry;  // cache folder of the combination
    bool cached = false;          // found built on disk (or already loaded)
    double compile_seconds = 0;   // when compiled now
    double seconds = 0;           // wall time of this request: compile or cache load
};

// Compiles the requests that are not cached (in parallel, up to the host's threads), loads each and
// returns their entry points in order. Throws KernelBuildError for the first that fails to compile.
std::vector<KernelEntry> build_kernels(const std::vector<KernelBuildRequest>& requests,
                                       std::vector<KernelBuildInfo>* info = nullptr);
// Builds (if needed) and loads every kernel of `program` that has no entry point yet for this device.
void build_program_kernels(std::vector<KernelSpec>& kernels, const DeviceSpec& device);

// The cache's entries: one line each (key, kernel file, kind, args) for `tilesim kernels list`.
std::vector<std::string> list_cached_kernels();
// Removes every cache entry; returns how many.
size_t clean_kernel_cache();

}  // namespace tilesim
