#include "tilesim/program.hpp"

#include <filesystem>
#include <set>

#include "tilesim/error.hpp"
#include "tilesim/kernel_build.hpp"

namespace tilesim {

std::string_view to_string(KernelKind k) {
    switch (k) {
        case KernelKind::Reader:
            return "reader";
        case KernelKind::Writer:
            return "writer";
        case KernelKind::Compute:
            return "compute";
    }
    return "?";
}

CircularBufferConfig::CircularBufferConfig(uint32_t total_size, std::map<uint8_t, DataType> data_formats)
    : total_size_(total_size) {
    if (data_formats.size() != 1) {
        fail("CircularBufferConfig: exactly one CB index per config is supported, got {}",
             data_formats.size());
    }
    index_ = data_formats.begin()->first;
    format_ = data_formats.begin()->second;
    if (index_ >= kNumCircularBuffers)
        fail("CircularBufferConfig: CB index {} is out of range [0, {})", index_, kNumCircularBuffers);
    check_device_data_type(format_, fmt::format("CircularBufferConfig: data format of CB c_{}", index_));
    if (total_size == 0) fail("CircularBufferConfig: total_size of CB c_{} must be > 0, got 0", index_);
}

CircularBufferConfig::CircularBufferConfig(uint32_t total_size, std::map<CBIndex, DataType> data_formats)
    : CircularBufferConfig(total_size, [&] {
          std::map<uint8_t, DataType> m;
          for (auto& [k, v] : data_formats) m.emplace(static_cast<uint8_t>(k), v);
          return m;
      }()) {}

CircularBufferConfig& CircularBufferConfig::set_page_size(uint8_t cb_index, uint32_t page_size) {
    if (cb_index != index_)
        fail("CircularBufferConfig::set_page_size: CB c_{} is not in this config (it holds c_{})", cb_index,
             index_);
    if (page_size == 0 || total_size_ % page_size != 0) {
        fail(
            "CircularBufferConfig::set_page_size: total_size {} of CB c_{} must be a positive multiple of "
            "the page "
            "size, got page size {}",
            total_size_, index_, page_size);
    }
    page_size_ = page_size;
    return *this;
}

CircularBufferConfig& CircularBufferConfig::set_globally_allocated_address(const Buffer& buffer) {
    if (buffer.buffer_type() != BufferType::L1) {
        fail(
            "CircularBufferConfig::set_globally_allocated_address: CB c_{} must be backed by an L1 buffer, "
            "got {}",
            index_, buffer.str());
    }
    buffer_ = &buffer;
    return *this;
}

std::vector<CoreCoord> Program::cores_with_kernels() const {
    std::set<CoreCoord> cores;
    for (const auto& k : kernels_) {
        for (CoreCoord c : k.cores.cores()) cores.insert(c);
    }
    return {cores.begin(), cores.end()};
}

CBHandle CreateCircularBuffer(Program& program, const CoreSpec& cores, const CircularBufferConfig& config) {
    if (config.page_size() == 0) {
        fail("CreateCircularBuffer: CB c_{} has no page size (call set_page_size)", config.index());
    }
    for (const auto& existing : program.cbs_) {
        if (existing.config.index() != config.index()) continue;
        for (CoreCoord c : cores.set.cores()) {
            if (existing.cores.contains(c))
                fail("CreateCircularBuffer: CB c_{} already exists on core {}", config.index(), c);
        }
    }
    program.cbs_.push_back({cores.set, config});
    return static_cast<CBHandle>(program.cbs_.size() - 1);
}

KernelHandle CreateKernel(Program& program, const std::string& path, const CoreSpec& cores,
                          const KernelConfig& config) {
    KernelSpec spec;
    spec.path = path;
    spec.name = std::filesystem::path(path).stem().string();
    spec.cores = cores.set;
    const ResolvedKernelPath resolved = resolve_kernel_path(path);
    spec.source = resolved.source;
    spec.include_root = resolved.include_root;
    std::visit(
        [&](const auto& c) {
            using C = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<C, ComputeConfig>) {
                spec.kind = KernelKind::Compute;
                spec.math_fidelity = c.math_fidelity;
                spec.fp32_dest_acc_en = c.fp32_dest_acc_en;
                spec.math_approx_mode = c.math_approx_mode;
            } else {
                spec.kind =
                    c.processor == DataMovementProcessor::RISCV_1 ? KernelKind::Reader : KernelKind::Writer;
            }
            spec.compile_args = c.compile_args;
            spec.defines = c.defines;
            spec.named_compile_args = c.named_compile_args;
        },
        config);
    for (const auto& other : program.kernels_) {
        if (other.kind != spec.kind) continue;
        for (CoreCoord c : spec.cores.cores()) {
            if (other.cores.contains(c)) {
                fail("CreateKernel: core {} already runs {} kernel '{}' on the {} processor; cannot add '{}'",
                     c, to_string(other.kind), other.path,
                     spec.kind == KernelKind::Compute
                         ? "compute"
                         : (spec.kind == KernelKind::Reader ? "RISCV_1" : "RISCV_0"),
                     path);
            }
        }
    }
    program.kernels_.push_back(std::move(spec));
    return static_cast<KernelHandle>(program.kernels_.size() - 1);
}

uint32_t CreateSemaphore(Program& program, const CoreSpec& cores, uint32_t initial_value) {
    program.semaphores_.push_back({cores.set, initial_value});
    return static_cast<uint32_t>(program.semaphores_.size() - 1);
}

namespace {
KernelSpec& kernel_checked(Program& program, KernelHandle kernel, const char* fn) {
    if (kernel >= program.kernels().size())
        fail("{}: kernel handle {} is not in this program ({} kernels)", fn, kernel,
             program.kernels().size());
    return program.kernels()[kernel];
}
}  // namespace

void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreSpec& cores,
                    const std::vector<uint32_t>& args) {
    KernelSpec& k = kernel_checked(program, kernel, "SetRuntimeArgs");
    for (CoreCoord c : cores.set.cores()) {
        if (!k.cores.contains(c))
            fail("SetRuntimeArgs: kernel '{}' does not run on core {} (it runs on {})", k.path, c, k.cores);
        k.runtime_args[c] = args;
    }
}

std::vector<uint32_t>& GetRuntimeArgs(Program& program, KernelHandle kernel, CoreCoord core) {
    KernelSpec& k = kernel_checked(program, kernel, "GetRuntimeArgs");
    auto it = k.runtime_args.find(core);
    if (it == k.runtime_args.end())
        fail("GetRuntimeArgs: kernel '{}' has no runtime args on core {}", k.path, core);
    return it->second;
}

void SetCommonRuntimeArgs(Program& program, KernelHandle kernel, const std::vector<uint32_t>& args) {
    kernel_checked(program, kernel, "SetCommonRuntimeArgs").common_runtime_args = args;
}

}  // namespace tilesim
