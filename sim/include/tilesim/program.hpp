#pragma once
// The host API for building a program, named as in tt-metal so that a program factory ports with few
// edits: Program, CircularBufferConfig, CreateCircularBuffer, CreateKernel, SetRuntimeArgs, ...
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tilesim/buffer.hpp"
#include "tilesim/core_coord.hpp"
#include "tilesim/data_format.hpp"
#include "tilesim/device_spec.hpp"

namespace tilesim {

constexpr uint32_t kNumCircularBuffers = 32;

// tt-metal's tt::CBIndex::c_0 ... c_31.
enum class CBIndex : uint8_t {
    c_0,
    c_1,
    c_2,
    c_3,
    c_4,
    c_5,
    c_6,
    c_7,
    c_8,
    c_9,
    c_10,
    c_11,
    c_12,
    c_13,
    c_14,
    c_15,
    c_16,
    c_17,
    c_18,
    c_19,
    c_20,
    c_21,
    c_22,
    c_23,
    c_24,
    c_25,
    c_26,
    c_27,
    c_28,
    c_29,
    c_30,
    c_31
};

class CircularBufferConfig {
  public:
    // total_size bytes for the CB(s) in `data_formats` (tt-metal allows several indices sharing one
    // allocation; tilesim supports exactly one index per config).
    CircularBufferConfig(uint32_t total_size, std::map<uint8_t, DataType> data_formats);
    CircularBufferConfig(uint32_t total_size, std::map<CBIndex, DataType> data_formats);
    CircularBufferConfig& set_page_size(uint8_t cb_index, uint32_t page_size);
    CircularBufferConfig& set_page_size(CBIndex cb_index, uint32_t page_size) {
        return set_page_size(static_cast<uint8_t>(cb_index), page_size);
    }
    // Backs the CB with a sharded L1 buffer: the CB's pages are the core's shard (no CB space used).
    CircularBufferConfig& set_globally_allocated_address(const Buffer& buffer);
    // tilesim's addition: what the CB holds ("4 corner sticks"), for program summaries and L1 reports. A
    // factory that also builds on tt-metal leaves it out there (tt-metal's config has no label).
    CircularBufferConfig& set_label(std::string label) {
        label_ = std::move(label);
        return *this;
    }

    uint32_t total_size() const { return total_size_; }
    uint8_t index() const { return index_; }
    DataType data_format() const { return format_; }
    uint32_t page_size() const { return page_size_; }
    const Buffer* globally_allocated_buffer() const { return buffer_; }
    const std::string& label() const { return label_; }

  private:
    uint32_t total_size_;
    uint8_t index_ = 0;
    DataType format_ = DataType::Float32;
    uint32_t page_size_ = 0;
    const Buffer* buffer_ = nullptr;
    std::string label_;
};

// Cores a kernel, CB or semaphore is placed on: one core, one rectangle, or a set.
struct CoreSpec {
    CoreRangeSet set;
    CoreSpec(CoreCoord c) : set({CoreRange(c)}) {}   // NOLINT(google-explicit-constructor)
    CoreSpec(const CoreRange& r) : set({r}) {}       // NOLINT(google-explicit-constructor)
    CoreSpec(CoreRangeSet s) : set(std::move(s)) {}  // NOLINT(google-explicit-constructor)
};

enum class DataMovementProcessor { RISCV_0, RISCV_1 };
enum class NOC { NOC_0, NOC_1, RISCV_0_default, RISCV_1_default };

struct DataMovementConfig {
    DataMovementProcessor processor = DataMovementProcessor::RISCV_0;
    NOC noc = NOC::RISCV_0_default;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
    std::map<std::string, uint32_t> named_compile_args;  // get_named_compile_time_arg_val("name")
};
// tt-metal's conveniences: the reader runs on RISCV_1 (NCRISC, NOC 1), the writer on RISCV_0 (BRISC, NOC 0).
struct ReaderDataMovementConfig : DataMovementConfig {
    explicit ReaderDataMovementConfig(std::vector<uint32_t> compile_args = {},
                                      std::map<std::string, std::string> defines = {})
        : DataMovementConfig{DataMovementProcessor::RISCV_1,
                             NOC::RISCV_1_default,
                             std::move(compile_args),
                             std::move(defines),
                             {}} {}
};
struct WriterDataMovementConfig : DataMovementConfig {
    explicit WriterDataMovementConfig(std::vector<uint32_t> compile_args = {},
                                      std::map<std::string, std::string> defines = {})
        : DataMovementConfig{DataMovementProcessor::RISCV_0,
                             NOC::RISCV_0_default,
                             std::move(compile_args),
                             std::move(defines),
                             {}} {}
};
struct ComputeConfig {
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc_en = false;  // false: DEST holds bf16, results are rounded to bf16 (as hardware)
    bool math_approx_mode = false;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
    std::map<std::string, uint32_t> named_compile_args;
};
using KernelConfig =
    std::variant<DataMovementConfig, ReaderDataMovementConfig, WriterDataMovementConfig, ComputeConfig>;

using CBHandle = uint32_t;
using KernelHandle = uint32_t;

enum class KernelKind { Reader, Writer, Compute };  // by processor: RISCV_1, RISCV_0, compute
std::string_view to_string(KernelKind k);

struct KernelSpec {
    std::string
        path;  // as named in CreateKernel, e.g. "kernels/grid_sample/reader_grid_sample_interleaved.cpp"
    std::string name;                    // short name for reports: file stem
    std::filesystem::path source;        // the kernel source file it resolved to (see kernel_build.hpp)
    std::filesystem::path include_root;  // where its root-relative includes resolve
    CoreRangeSet cores;
    KernelKind kind = KernelKind::Reader;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc_en = false;
    bool math_approx_mode = false;
    std::map<std::string, uint32_t> named_compile_args;
    void (*function)() = nullptr;  // the loaded kernel's entry point (built at EnqueueProgram)
    std::string built_for;         // the device the entry point was built for
    std::map<CoreCoord, std::vector<uint32_t>> runtime_args;
    std::vector<uint32_t> common_runtime_args;
};

struct CircularBufferSpec {
    CoreRangeSet cores;
    CircularBufferConfig config;
};

struct SemaphoreSpec {
    CoreRangeSet cores;
    uint32_t initial_value = 0;
};

class Program {
  public:
    Program() = default;
    const std::vector<KernelSpec>& kernels() const { return kernels_; }
    std::vector<KernelSpec>& kernels() { return kernels_; }
    const std::vector<CircularBufferSpec>& circular_buffers() const { return cbs_; }
    const std::vector<SemaphoreSpec>& semaphores() const { return semaphores_; }
    // Every core with a kernel, in row-major order.
    std::vector<CoreCoord> cores_with_kernels() const;

  private:
    friend CBHandle CreateCircularBuffer(Program&, const CoreSpec&, const CircularBufferConfig&);
    friend KernelHandle CreateKernel(Program&, const std::string&, const CoreSpec&, const KernelConfig&);
    friend uint32_t CreateSemaphore(Program&, const CoreSpec&, uint32_t);
    std::vector<KernelSpec> kernels_;
    std::vector<CircularBufferSpec> cbs_;
    std::vector<SemaphoreSpec> semaphores_;
};

CBHandle CreateCircularBuffer(Program& program, const CoreSpec& cores, const CircularBufferConfig& config);
// `path` names a kernel source file (tilesim/kernel_build.hpp says where it is looked up; an unknown path is
// an error listing those places). The kernel is compiled for its compile-time args and defines when the
// program is first enqueued.
KernelHandle CreateKernel(Program& program, const std::string& path, const CoreSpec& cores,
                          const KernelConfig& config);
// Returns the semaphore id; kernels turn it into an L1 address with get_semaphore(id).
uint32_t CreateSemaphore(Program& program, const CoreSpec& cores, uint32_t initial_value);

void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreSpec& cores,
                    const std::vector<uint32_t>& args);
std::vector<uint32_t>& GetRuntimeArgs(Program& program, KernelHandle kernel, CoreCoord core);
void SetCommonRuntimeArgs(Program& program, KernelHandle kernel, const std::vector<uint32_t>& args);

}  // namespace tilesim
