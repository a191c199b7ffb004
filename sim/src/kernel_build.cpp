// The kernel build: one shared object per (kernel source, compile-time args, named args, defines, kind,
// arch, build flags), compiled with the host compiler, cached on disk and loaded with dlopen. See
// tilesim/kernel_build.hpp for where things are looked up and docs/kernels.md for the design.
#include "tilesim/kernel_build.hpp"

#include <dlfcn.h>
#include <link.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "detail/scalar_cost.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/program.hpp"

extern char** environ;

namespace tilesim {
namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

// This library's file, to find an installed prefix's share/tilesim and to link kernels against.
fs::path library_file() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&library_file), &info) && info.dli_fname)
        return fs::weakly_canonical(fs::path(info.dli_fname));
    return {};
}
fs::path library_dir() {
    return library_file().parent_path();
}

fs::path installed_share_dir() {
    static const fs::path dir = [] {
        // <prefix>/lib or <prefix>/lib/<multiarch> -> <prefix>/share/tilesim
        std::error_code ec;
        fs::path up = library_dir();
        for (int level = 0; level < 3 && !up.empty(); ++level, up = up.parent_path()) {
            const fs::path share = up / "share" / "tilesim";
            if (level > 0 && fs::is_directory(share / "kernel_include", ec))
                return fs::weakly_canonical(share);
        }
        return fs::path{};
    }();
    return dir;
}

uint64_t fnv1a(const std::string& s, uint64_t h) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    return h;
}
std::string digest(const std::string& s) {
    return fmt::format("{:016x}{:016x}", fnv1a(s, 0xcbf29ce484222325ull), fnv1a(s, 0x84222325cbf29ce4ull));
}

std::string join_args(const std::vector<uint32_t>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(v[i]);
    }
    return s;
}

// The compiler command line of a request, as argv.
std::vector<std::string> compile_command(const KernelBuildRequest& r, const fs::path& wrapper,
                                         const fs::path& output, const fs::path& depfile) {
    std::vector<std::string> cmd = {env_or("TILESIM_KERNEL_CXX", TILESIM_KERNEL_CXX_DEFAULT),
                                    "-std=c++20",
                                    "-O2",
                                    "-fPIC",
                                    "-shared",
                                    "-fvisibility=hidden",
                                    "-fno-semantic-interposition"};
    std::istringstream extra(TILESIM_KERNEL_EXTRA_FLAGS);
    for (std::string f; extra >> f;) cmd.push_back(f);
    if (const char* user = std::getenv("TILESIM_KERNEL_CXXFLAGS")) {
        std::istringstream u(user);
        for (std::string f; u >> f;) cmd.push_back(f);
    }
    cmd.push_back("-I" + kernel_api_include_dir().string());
    cmd.push_back("-I" + r.resolved.include_root.string());
    cmd.push_back("-DTILESIM_KERNEL_BUILD=1");
    if (!r.compile_args.empty()) cmd.push_back("-DKERNEL_COMPILE_TIME_ARGS=" + join_args(r.compile_args));
    if (!r.named_compile_args.empty()) {
        std::string m;
        for (const auto& [name, value] : r.named_compile_args)
            m += fmt::format("{}{{\"{}\",{}}}", m.empty() ? "" : ",", name, value);
        cmd.push_back("-DKERNEL_COMPILE_TIME_ARG_MAP=" + m);
    }
    if (r.arch.find("wormhole") != std::string::npos) cmd.push_back("-DARCH_WORMHOLE");
    if (r.arch.find("blackhole") != std::string::npos) cmd.push_back("-DARCH_BLACKHOLE");
    if (r.arch.find("grayskull") != std::string::npos) cmd.push_back("-DARCH_GRAYSKULL");
    cmd.push_back(fmt::format("-DNUM_DRAM_BANKS={}", r.dram_banks));
    cmd.push_back(fmt::format("-DNUM_L1_BANKS={}", r.l1_banks));
    if (r.compute) {
        for (const char* d :
             {"-DTILESIM_COMPUTE_KERNEL", "-DCOMPILE_FOR_TRISC", "-DTRISC_UNPACK", "-DTRISC_MATH",
              "-DTRISC_PACK", "-DUCK_CHLKC_UNPACK", "-DUCK_CHLKC_MATH", "-DUCK_CHLKC_PACK"})
            cmd.push_back(d);
        cmd.push_back(fmt::format("-DTILESIM_DST_ACCUM_MODE={}", r.fp32_dest_acc_en ? 1 : 0));
        cmd.push_back(fmt::format("-DTILESIM_MATH_FIDELITY={}", r.math_fidelity));
        cmd.push_back(fmt::format("-DTILESIM_MATH_APPROX={}", r.math_approx_mode ? 1 : 0));
    } else {
        cmd.push_back(r.reader ? "-DCOMPILE_FOR_NCRISC" : "-DCOMPILE_FOR_BRISC");
        cmd.push_back(fmt::format("-DTILESIM_NOC_INDEX={}", r.reader ? 1 : 0));
    }
    if (r.costs_scalar_work()) {
        // Every basic block calls __sanitizer_cov_trace_pc (defined by the generated wrapper), and the
        // disassembly prices each block; no vectorisation, since the RV32IM core has no vector unit.
        // clang prunes blocks whose coverage others imply; counting executions needs every block.
        const bool clang = fs::path(cmd[0]).filename().string().find("clang") != std::string::npos;
        cmd.push_back(clang ? "-fsanitize-coverage=trace-pc,no-prune" : "-fsanitize-coverage=trace-pc");
        cmd.push_back("-fno-tree-vectorize");
        cmd.push_back("-DTILESIM_SCALAR_COST_PRICES=" + r.scalar.key());
    }
    for (const auto& [name, value] : r.defines)
        cmd.push_back(value.empty() ? "-D" + name : "-D" + name + "=" + value);
    cmd.push_back("-include");
    cmd.push_back("tilesim/kernel_prelude.h");
    cmd.insert(cmd.end(), {"-MD", "-MF", depfile.string(), wrapper.string(), "-o", output.string()});
    // The hooks come from this library: linking against it records it as a dependency, so a kernel
    // resolves them however the library itself was loaded (e.g. privately, by a Python extension).
    if (const fs::path lib = library_file(); !lib.empty()) cmd.push_back(lib.string());
    return cmd;
}

std::string describe(const KernelBuildRequest& r) {
    std::string d = r.compute ? "compute" : (r.reader ? "reader" : "writer");
    d += "; compile-time args [" + join_args(r.compile_args) + "]";
    if (!r.named_compile_args.empty()) {
        d += "; named args {";
        bool first = true;
        for (const auto& [n, v] : r.named_compile_args)
            d += fmt::format("{}{}={}", first ? "" : ", ", n, v), first = false;
        d += "}";
    }
    if (!r.defines.empty()) {
        d += "; defines {";
        bool first = true;
        for (const auto& [n, v] : r.defines)
            d += fmt::format("{}{}={}", first ? "" : ", ", n, v), first = false;
        d += "}";
    }
    return d;
}

// The cache key: every input of the compile command except the files' contents (those are checked through
// the dependency list, so an edited header rebuilds).
std::string key_of(const KernelBuildRequest& r) {
    const auto cmd = compile_command(r, "W", "O", "D");
    std::string s = std::string(TILESIM_VERSION) + "\n" + r.resolved.source.string() + "\n";
    for (const auto& a : cmd) s += a + "\n";
    return digest(s);
}

struct FileStamp {
    std::string path;
    int64_t mtime_ns = 0;
    int64_t size = 0;
};
bool stamp(const std::string& path, FileStamp& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    out = {path, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, int64_t(st.st_size)};
    return true;
}

// Make's dependency file -> the list of files the object was built from.
std::vector<std::string> read_depfile(const fs::path& depfile) {
    std::ifstream in(depfile);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::string> files;
    std::string cur;
    bool after_colon = false;
    for (size_t i = 0; i < all.size(); ++i) {
        const char c = all[i];
        if (c == '\\' && i + 1 < all.size() && (all[i + 1] == '\n' || all[i + 1] == '\r')) {
            ++i;
            continue;
        }
        if (c == '\\' && i + 1 < all.size() && all[i + 1] == ' ') {
            cur += ' ';
            ++i;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!cur.empty()) {
                if (!after_colon && cur.back() == ':')
                    after_colon = true;
                else if (after_colon)
                    files.push_back(cur);
                cur.clear();
            }
            continue;
        }
        cur += c;
    }
    if (!cur.empty() && after_colon) files.push_back(cur);
    return files;
}

// manifest: line 1 the .so file name, line 2 a description, then "mtime size path" per dependency.
struct Manifest {
    std::string library;
    std::string description;
    std::vector<FileStamp> deps;
};
bool read_manifest(const fs::path& entry, Manifest& m) {
    std::ifstream in(entry / "manifest");
    if (!in || !std::getline(in, m.library) || !std::getline(in, m.description)) return false;
    for (std::string line; std::getline(in, line);) {
        std::istringstream ls(line);
        FileStamp f;
        ls >> f.mtime_ns >> f.size;
        std::getline(ls >> std::ws, f.path);
        if (!f.path.empty()) m.deps.push_back(f);
    }
    return !m.library.empty();
}
bool manifest_current(const fs::path& entry, const Manifest& m) {
    std::error_code ec;
    if (!fs::exists(entry / m.library, ec)) return false;
    for (const auto& d : m.deps) {
        FileStamp now;
        if (!stamp(d.path, now) || now.mtime_ns != d.mtime_ns || now.size != d.size) return false;
    }
    return true;
}

// Runs argv with stdout+stderr to `log`; returns the exit status.
int run_command(const std::vector<std::string>& argv, const fs::path& log) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        std::ofstream(log) << fmt::format("cannot start the kernel compiler '{}': {}\n", argv[0],
                                          std::strerror(rc));
        return -1;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// One line from the compiler's output: the first error, said plainly where we know what it means.
std::string first_error(const std::string& log, const KernelBuildRequest& r) {
    static const std::regex missing_arg(R"(compile_time_arg\(\s*(\d+)\s*\))");
    std::smatch m;
    if (log.find("compile_time_arg_index_out_of_range") != std::string::npos &&
        std::regex_search(log, m, missing_arg)) {
        return fmt::format(
            "compile-time arg {} is missing: the kernel reads get_compile_time_arg_val({}) but "
            "was given {} compile-time args",
            m[1].str(), m[1].str(), r.compile_args.size());
    }
    if (log.find("named_compile_time_arg_missing") != std::string::npos)
        return "a named compile-time arg the kernel reads (get_named_compile_time_arg_val) was not given";
    std::istringstream in(log);
    std::string first;
    for (std::string line; std::getline(in, line);) {
        if (line.find(": error:") != std::string::npos || line.find(": fatal error:") != std::string::npos)
            return line;
        if (first.empty() && !line.empty()) first = line;
    }
    return first.empty() ? "the compiler failed without a message" : first;
}

// The block costs of a costed kernel binary, beside it in its cache entry.
fs::path scalar_costs_file(const fs::path& entry, const std::string& library) {
    return entry / (fs::path(library).stem().string() + ".costs");
}

class KernelCache {
  public:
    static KernelCache& instance() {
        static KernelCache c;
        return c;
    }

    // Entry point of an already built and current request, or nullptr.
    KernelEntry find_loaded(const std::string& key, const fs::path& entry) {
        std::lock_guard lock(mutex_);
        auto it = loaded_.find(key);
        if (it == loaded_.end()) return nullptr;
        Manifest m;
        if (!read_manifest(entry, m) || m.library != it->second.library || !manifest_current(entry, m))
            return nullptr;
        return it->second.fn;
    }

    KernelEntry load(const std::string& key, const fs::path& entry, const Manifest& m,
                     const KernelBuildRequest& r) {
        std::lock_guard lock(mutex_);
        const fs::path so = entry / m.library;
        void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            throw KernelBuildError(
                fmt::format("kernel load: {} ({}): {}", r.display_path, describe(r), dlerror()), "");
        }
        auto fn = reinterpret_cast<KernelEntry>(dlsym(handle, "tilesim_kernel_entry"));
        if (!fn) throw KernelBuildError(fmt::format("kernel load: {}: no entry point", r.display_path), "");
        std::unique_ptr<detail::ScalarCostTable> costs;
        if (r.costs_scalar_work()) {
            costs = std::make_unique<detail::ScalarCostTable>();
            using SetCosts = void (*)(const uint32_t*, uintptr_t, uintptr_t);
            auto set = reinterpret_cast<SetCosts>(dlsym(handle, "tilesim_kernel_set_scalar_costs"));
            link_map* lm = nullptr;
            if (!set || dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm ||
                !detail::read_scalar_cost_table(scalar_costs_file(entry, m.library), *costs)) {
                throw KernelBuildError(
                    fmt::format("kernel load: {} ({}): its scalar cost table is missing or "
                                "unreadable (`tilesim kernels clean` rebuilds it)",
                                r.display_path, describe(r)),
                    "");
            }
            set(costs->units.data(), lm->l_addr + costs->first_offset, costs->units.size());
        }
        loaded_[key] = {m.library, fn, std::move(costs)};
        return fn;
    }

  private:
    struct Loaded {
        std::string library;
        KernelEntry fn;
        std::unique_ptr<detail::ScalarCostTable> costs;  // costed kernels: referenced by the kernel for ever
    };
    std::mutex mutex_;
    std::map<std::string, Loaded> loaded_;
};

// Holds an exclusive lock on the cache entry (other processes compiling the same combination wait).
class EntryLock {
  public:
    explicit EntryLock(const fs::path& entry) {
        fd_ = ::open((entry.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~EntryLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    EntryLock(const EntryLock&) = delete;
    EntryLock& operator=(const EntryLock&) = delete;

  private:
    int fd_ = -1;
};

std::string random_suffix() {
    static std::mutex m;
    static std::mt19937_64 rng(std::random_device{}() ^ uint64_t(::getpid()));
    std::lock_guard lock(m);
    return fmt::format("{:012x}", rng() & 0xffffffffffffull);
}

// Appended to the wrapper of a data-movement kernel whose scalar work is costed: the block callback the
// instrumentation calls (not instrumented itself) and the setter the loader hands the block costs to.
constexpr const char* kScalarCostWrapper = R"(
#if defined(__clang__)
#define TILESIM_NOT_INSTRUMENTED __attribute__((no_sanitize("coverage")))
#else
#define TILESIM_NOT_INSTRUMENTED __attribute__((no_sanitize_coverage))
#endif
extern "C" __thread uint64_t tilesim_scalar_pending;
namespace {
const uint32_t* tilesim_scalar_units = nullptr;
uintptr_t tilesim_scalar_first = 0, tilesim_scalar_count = 0;
}
extern "C" __attribute__((visibility("hidden"))) TILESIM_NOT_INSTRUMENTED void __sanitizer_cov_trace_pc() {
    const uintptr_t i = (uintptr_t)__builtin_return_address(0) - tilesim_scalar_first;
    if (i < tilesim_scalar_count) tilesim_scalar_pending += tilesim_scalar_units[i];
}
extern "C" __attribute__((visibility("default"))) TILESIM_NOT_INSTRUMENTED void tilesim_kernel_set_scalar_costs(
    const uint32_t* units, uintptr_t first, uintptr_t count) {
    tilesim_scalar_units = units;
    tilesim_scalar_first = first;
    tilesim_scalar_count = count;
}
)";

// Compiles `r` into `entry` (the caller holds the entry's lock) and writes its manifest.
Manifest compile_into(const KernelBuildRequest& r, const fs::path& entry) {
    fs::create_directories(entry);
    const fs::path wrapper = entry / "kernel_main.cpp";
    {
        std::ofstream w(wrapper);
        w << "// Generated by tilesim: the kernel source, then the entry point the simulator calls.\n"
          << "#include \"" << r.resolved.source.string() << "\"\n"
          << "extern \"C\" __attribute__((visibility(\"default\"))) void tilesim_kernel_entry() {\n"
          << "    if (tilesim_compute::kernel_main) tilesim_compute::kernel_main();\n"
          << "    else if (::kernel_main) ::kernel_main();\n"
          << "    else tilesim_hook_compile_time_arg_missing(0xfffffffeu, 0);\n"
          << "}\n";
        if (r.costs_scalar_work()) w << kScalarCostWrapper;
    }
    const std::string suffix = random_suffix();
    const std::string library = "kernel-" + suffix + ".so";
    const fs::path tmp_so = entry / (library + ".tmp");
    const fs::path depfile = entry / ("deps-" + suffix + ".d");
    const fs::path log = entry / "build.log";
    const auto start = std::chrono::steady_clock::now();
    const int rc = run_command(compile_command(r, wrapper, tmp_so, depfile), log);
    const double compile_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rc != 0) {
        const std::string text = read_text(log);
        std::error_code ec;
        fs::remove(tmp_so, ec);
        fs::remove(depfile, ec);
        throw KernelBuildError(fmt::format("kernel build failed: {} ({}): {}", r.display_path, describe(r),
                                           first_error(text, r)),
                               text);
    }
    detail::ScalarCostTable costs;
    if (r.costs_scalar_work()) {
        const fs::path listing = entry / ("disassembly-" + suffix + ".txt");
        const std::vector<std::string> disassemble = detail::disassemble_command(tmp_so);
        const int drc = run_command(disassemble, listing);
        const std::string text = read_text(listing);
        std::error_code ec;
        fs::remove(listing, ec);
        if (drc == 0) costs = detail::scalar_cost_table_from_disassembly(text, r.scalar);
        if (drc != 0 || costs.blocks == 0) {
            fs::remove(tmp_so, ec);
            fs::remove(depfile, ec);
            throw KernelBuildError(
                fmt::format("kernel build: {} ({}): cannot price the kernel's scalar work: '{}' {}",
                            r.display_path, describe(r), disassemble[0],
                            drc != 0 ? "failed (set TILESIM_OBJDUMP to a working objdump)"
                                     : "found no instrumented basic block"),
                text);
        }
    }
    Manifest m;
    m.library = library;
    m.description =
        fmt::format("{}\t{}\tcompiled in {:.2f} s", r.resolved.source.string(), describe(r), compile_seconds);
    for (const auto& dep : read_depfile(depfile)) {
        if (dep == wrapper.string()) continue;
        FileStamp f;
        if (stamp(dep, f)) m.deps.push_back(f);
    }
    std::error_code ec;
    fs::remove(depfile, ec);
    // Old binaries of this entry go (a process that mapped one keeps it until it exits).
    for (const auto& e : fs::directory_iterator(entry, ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("kernel-", 0) == 0 && n != library + ".tmp") fs::remove(e.path(), ec);
    }
    fs::rename(tmp_so, entry / library);
    if (r.costs_scalar_work()) detail::write_scalar_cost_table(scalar_costs_file(entry, library), costs);
    const fs::path tmp_manifest = entry / ("manifest." + suffix);
    {
        std::ofstream out(tmp_manifest);
        out << m.library << "\n" << m.description << "\n";
        for (const auto& d : m.deps) out << d.mtime_ns << " " << d.size << " " << d.path << "\n";
    }
    fs::rename(tmp_manifest, entry / "manifest");
    return m;
}

KernelEntry build_one(const KernelBuildRequest& r, KernelBuildInfo& info) {
    info.key = key_of(r);
    const fs::path stem = r.resolved.source.stem();
    info.entry = kernel_cache_dir() / (stem.string() + "-" + info.key.substr(0, 20));
    KernelCache& cache = KernelCache::instance();
    if (KernelEntry fn = cache.find_loaded(info.key, info.entry)) {
        info.cached = true;
        return fn;
    }
    fs::create_directories(kernel_cache_dir());
    Manifest m;
    // A costed kernel's binary is current only with its cost table beside it.
    auto current = [&] {
        std::error_code ec;
        return read_manifest(info.entry, m) && manifest_current(info.entry, m) &&
               (!r.costs_scalar_work() || fs::exists(scalar_costs_file(info.entry, m.library), ec));
    };
    if (current()) {
        info.cached = true;
        return cache.load(info.key, info.entry, m, r);
    }
    EntryLock lock(info.entry);
    if (current()) {  // built by another process
        info.cached = true;
        return cache.load(info.key, info.entry, m, r);
    }
    const auto start = std::chrono::steady_clock::now();
    m = compile_into(r, info.entry);
    info.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return cache.load(info.key, info.entry, m, r);
}

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// Files beside where `path` was looked for whose names are close to its name (a typo's likely target).
std::string close_matches(const std::vector<fs::path>& roots, const fs::path& path) {
    std::vector<std::pair<size_t, std::string>> scored;
    std::error_code ec;
    for (const auto& root : roots) {
        for (const auto& e : fs::directory_iterator(root / path.parent_path(), ec)) {
            const std::string name = e.path().filename().string();
            const size_t d = edit_distance(name, path.filename().string());
            if (d <= 3) scored.emplace_back(d, (path.parent_path() / name).string());
        }
    }
    std::sort(scored.begin(), scored.end());
    std::string out;
    for (size_t i = 0; i < std::min<size_t>(3, scored.size()); ++i) {
        if (i) out += ", ";
        out += scored[i].second;
    }
    return out;
}

}  // namespace

fs::path tilesim_kernel_root() {
    const fs::path share = installed_share_dir();
    return share.empty() ? fs::path(TILESIM_SOURCE_KERNEL_ROOT) : share;
}

fs::path kernel_api_include_dir() {
    const fs::path share = installed_share_dir();
    return share.empty() ? fs::path(TILESIM_SOURCE_KERNEL_API) : share / "kernel_include";
}

// The include root of tilesim's own kernels holds kernels/ and nothing else, so a kernel cannot reach
// ops/ or sim/ (in the source tree: a folder in the build tree with a link to kernels/).
static fs::path tilesim_kernel_include_root() {
    const fs::path share = installed_share_dir();
    return share.empty() ? fs::path(TILESIM_BUILD_KERNEL_INCLUDE_ROOT) : share;
}

fs::path kernel_cache_dir() {
    if (const char* c = std::getenv("TILESIM_KERNEL_CACHE"); c && *c) return c;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "tilesim" / "kernels";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "tilesim" / "kernels";
    return fs::temp_directory_path() / "tilesim-kernels";
}

std::vector<fs::path> kernel_search_roots() {
    std::vector<fs::path> roots;
    if (const char* p = std::getenv("TILESIM_KERNEL_PATH"); p && *p) {
        std::string s = p;
        size_t pos = 0;
        while (pos <= s.size()) {
            const size_t end = s.find(':', pos);
            const std::string part = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
            if (!part.empty()) roots.emplace_back(part);
            if (end == std::string::npos) break;
            pos = end + 1;
        }
    }
    roots.push_back(tilesim_kernel_root());
    return roots;
}

ResolvedKernelPath resolve_kernel_path(const std::string& path) {
    std::error_code ec;
    if (path.empty()) fail("CreateKernel: the kernel path is empty (expected a kernel source file)");
    const fs::path p(path);
    if (p.is_absolute()) {
        if (!fs::is_regular_file(p, ec)) fail("CreateKernel: kernel file '{}' does not exist", path);
        return {fs::weakly_canonical(p), p.parent_path()};
    }
    std::string looked;
    const auto roots = kernel_search_roots();
    for (size_t i = 0; i < roots.size(); ++i) {
        const fs::path candidate = roots[i] / p;
        if (fs::is_regular_file(candidate, ec)) {
            const bool own = i + 1 == roots.size();
            return {fs::weakly_canonical(candidate), own ? tilesim_kernel_include_root() : roots[i]};
        }
        if (!looked.empty()) looked += ", ";
        looked += candidate.string();
    }
    const std::string close = close_matches(roots, p);
    fail("CreateKernel: kernel file '{}' not found; looked in {} (set TILESIM_KERNEL_PATH to add folders){}",
         path, looked, close.empty() ? "" : "; closest: " + close);
}

bool KernelBuildRequest::costs_scalar_work() const {
    return !compute && scalar.modelled && detail::scalar_costing_supported();
}

KernelBuildRequest make_build_request(const KernelSpec& spec, const DeviceSpec& device) {
    KernelBuildRequest r;
    r.display_path = spec.path;
    r.resolved = {spec.source, spec.include_root};
    r.compute = spec.kind == KernelKind::Compute;
    r.reader = spec.kind == KernelKind::Reader;
    r.compile_args = spec.compile_args;
    r.named_compile_args = spec.named_compile_args;
    r.defines = spec.defines;
    r.arch = device.name;
    r.dram_banks = device.dram_banks;
    r.l1_banks = device.worker_grid.x * device.worker_grid.y;
    r.math_fidelity = static_cast<int>(spec.math_fidelity);
    r.fp32_dest_acc_en = spec.fp32_dest_acc_en;
    r.math_approx_mode = spec.math_approx_mode;
    if (!r.compute) r.scalar = device.cost.riscv;
    return r;
}

std::vector<KernelEntry> build_kernels(const std::vector<KernelBuildRequest>& requests,
                                       std::vector<KernelBuildInfo>* info) {
    std::vector<KernelEntry> entries(requests.size(), nullptr);
    std::vector<KernelBuildInfo> infos(requests.size());
    std::vector<std::exception_ptr> errors(requests.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < requests.size();) {
            try {
                const auto start = std::chrono::steady_clock::now();
                entries[i] = build_one(requests[i], infos[i]);
                infos[i].seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const size_t workers =
        std::min<size_t>(requests.size(), std::max(1u, std::thread::hardware_concurrency()));
    if (workers <= 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        for (size_t t = 0; t < workers; ++t) pool.emplace_back(work);
        for (auto& t : pool) t.join();
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    if (info) *info = std::move(infos);
    return entries;
}

void build_program_kernels(std::vector<KernelSpec>& kernels, const DeviceSpec& device) {
    std::vector<KernelBuildRequest> requests;
    std::vector<size_t> which;
    for (size_t i = 0; i < kernels.size(); ++i) {
        KernelSpec& k = kernels[i];
        if (k.function && k.built_for == device.name) continue;
        requests.push_back(make_build_request(k, device));
        which.push_back(i);
    }
    if (requests.empty()) return;
    const auto entries = build_kernels(requests);
    for (size_t j = 0; j < which.size(); ++j) {
        kernels[which[j]].function = entries[j];
        kernels[which[j]].built_for = device.name;
    }
}

std::vector<std::string> list_cached_kernels() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(kernel_cache_dir(), ec)) {
        if (!e.is_directory()) continue;
        Manifest m;
        if (!read_manifest(e.path(), m)) continue;
        const bool current = manifest_current(e.path(), m);
        out.push_back(fmt::format("{}  {}{}", e.path().filename().string(), m.description,
                                  current ? "" : "  (stale: a source or header changed)"));
    }
    std::sort(out.begin(), out.end());
    return out;
}

size_t clean_kernel_cache() {
    size_t n = 0;
    std::error_code ec;
    const fs::path dir = kernel_cache_dir();
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.is_directory() && fs::exists(e.path() / "manifest", ec)) ++n;
        fs::remove_all(e.path(), ec);
    }
    return n;
}

}  // namespace tilesim
