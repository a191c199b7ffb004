#pragma once
// Scalar work of data-movement kernels (docs/cost-model.md, "Scalar kernel work"). A data-movement kernel
// is built with -fsanitize-coverage=trace-pc: the compiler calls __sanitizer_cov_trace_pc() at the start of
// every basic block. After the build the kernel's disassembly gives each block a cost (its instructions,
// with integer multiply/divide and float operations at the RISC-V core's prices); the kernel's callback adds
// the cost of each block it enters to a per-thread counter that the simulator moves onto the kernel's clock
// at its next API call. The count depends only on the binary and the device's prices: every run and host
// thread count predicts the same.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tilesim/device_spec.hpp"

// Scalar cycles the running kernel has executed since the simulator last charged them, in 1/256 cycle.
extern "C" __attribute__((visibility("default"))) __thread uint64_t tilesim_scalar_pending;

namespace tilesim::detail {

constexpr double kScalarUnitsPerCycle = 256.0;

// Block costs of one kernel binary, indexed by the block's start address (the return address of its
// __sanitizer_cov_trace_pc call) minus `first_offset`, relative to the binary's load address.
struct ScalarCostTable {
    uint64_t first_offset = 0;
    std::vector<uint32_t> units;  // 1/256 cycle; 0 where no block starts
    size_t blocks = 0;
};

// The cost of one x86-64 instruction (objdump's AT&T mnemonic and operands) in 1/256 cycle.
uint32_t instruction_cost_units(const std::string& mnemonic, const std::string& operands,
                                const RiscvScalarCost& cost);

// Builds the table from `objdump -d --no-show-raw-insn -w` output of the kernel binary.
ScalarCostTable scalar_cost_table_from_disassembly(const std::string& disassembly,
                                                   const RiscvScalarCost& cost);

// The disassembler's command line for `binary` ($TILESIM_OBJDUMP, else the objdump CMake found).
std::vector<std::string> disassemble_command(const std::filesystem::path& binary);

void write_scalar_cost_table(const std::filesystem::path& file, const ScalarCostTable& table);
bool read_scalar_cost_table(const std::filesystem::path& file, ScalarCostTable& table);

// Whether this host's kernel binaries can be costed (x86-64, objdump found).
bool scalar_costing_supported();

}  // namespace tilesim::detail
