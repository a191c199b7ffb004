// The scalar work of data-movement kernels: priced per instruction from the kernel binary's disassembly,
// counted per basic block as the kernel runs, charged to its clock deterministically.
#include <gtest/gtest.h>

#include "detail/scalar_cost.hpp"
#include "tilesim/device.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"

using namespace tilesim;

namespace {

// Distinct prices, so that each instruction class shows which price it took.
RiscvScalarCost distinct_prices() {
    RiscvScalarCost c;
    c.modelled = true;
    c.cycles_per_instruction = 1;
    c.int_multiply_cycles = 3;
    c.int_divide_cycles = 30;
    c.float_add_cycles = 70;
    c.float_mul_cycles = 110;
    c.float_div_cycles = 100;
    c.float_sqrt_cycles = 200;
    c.float_convert_cycles = 35;
    c.float_compare_cycles = 24;
    c.double_factor = 2;
    c.libm_call_cycles = 500;
    return c;
}

double cycles_of(const std::string& mnemonic, const std::string& operands = "") {
    return detail::instruction_cost_units(mnemonic, operands, distinct_prices()) /
           detail::kScalarUnitsPerCycle;
}

TEST(ScalarCost, EachInstructionTakesItsClassPrice) {
    EXPECT_EQ(cycles_of("mov", "%edi,%eax"), 1);
    EXPECT_EQ(cycles_of("addss", "%xmm1,%xmm0"), 70);
    EXPECT_EQ(cycles_of("subsd", "%xmm1,%xmm0"), 140);  // double: twice its float routine here
    EXPECT_EQ(cycles_of("mulss", "0x8(%rsp),%xmm0"), 110);
    EXPECT_EQ(cycles_of("vmulss", "%xmm2,%xmm1,%xmm0"), 110);
    EXPECT_EQ(cycles_of("divss", "%xmm1,%xmm0"), 100);
    EXPECT_EQ(cycles_of("sqrtss", "%xmm0,%xmm0"), 200);
    EXPECT_EQ(cycles_of("mulps", "%xmm1,%xmm0"), 4 * 110);  // four lanes
    EXPECT_EQ(cycles_of("cvttss2si", "%xmm0,%eax"), 35);
    EXPECT_EQ(cycles_of("cvtsi2sd", "%eax,%xmm0"), 70);
    EXPECT_EQ(cycles_of("comiss", "%xmm1,%xmm0"), 24);
    EXPECT_EQ(cycles_of("cmpnless", "%xmm0,%xmm3"), 24);
    EXPECT_EQ(cycles_of("maxss", "%xmm0,%xmm3"), 24);
    EXPECT_EQ(cycles_of("imul", "$0x3,%eax,%eax"), 3);
    EXPECT_EQ(cycles_of("divl", "%ecx"), 30);
    EXPECT_EQ(cycles_of("idiv", "%ecx"), 30);
    EXPECT_EQ(cycles_of("call", "1030 <floorf@plt>"), 2 * 35);
    EXPECT_EQ(cycles_of("call", "1030 <floor@plt>"), 2 * 2 * 35);
    EXPECT_EQ(cycles_of("call", "1030 <expf@plt>"), 500);
    EXPECT_EQ(cycles_of("call", "1030 <tilesim_hook_noc_read@plt>"), 1);  // the simulator prices the call
    EXPECT_EQ(cycles_of("movups", "(%rax),%xmm0"), 4);                    // 16 bytes: four RV32 words
    EXPECT_EQ(cycles_of("movaps", "%xmm1,%xmm0"), 1);
    EXPECT_EQ(cycles_of("andps", "%xmm2,%xmm1"), 1);  // bit operations are integer work
    EXPECT_EQ(cycles_of("nopl", "0x0(%rax)"), 0);
    EXPECT_EQ(cycles_of("endbr64"), 0);
}

TEST(ScalarCost, BlocksRunFromEachInstrumentationCallToTheNext) {
    const std::string listing = R"(
k.so:     file format elf64-x86-64

Disassembly of section .text:

0000000000001110 <__sanitizer_cov_trace_pc>:
    1110:	push   %rbx
    1111:	ret

0000000000001250 <entry>:
    1250:	push   %rbp
    1251:	sub    $0x18,%rsp
    1258:	call   1110 <__sanitizer_cov_trace_pc>
    125d:	mov    %edi,%ebx
    1260:	call   1110 <__sanitizer_cov_trace_pc>
    1265:	mulss  %xmm1,%xmm0
    1269:	addss  %xmm1,%xmm0
    126d:	jne    1260 <entry+0x10>
    1270:	call   1110 <__sanitizer_cov_trace_pc>
    1275:	ret
    1276:	cs nopw 0x0(%rax,%rax,1)
)";
    const auto t = detail::scalar_cost_table_from_disassembly(listing, distinct_prices());
    ASSERT_EQ(t.blocks, 3u);
    EXPECT_EQ(t.first_offset, 0x125du);
    auto at = [&](uint64_t address) {
        return t.units.at(address - t.first_offset) / detail::kScalarUnitsPerCycle;
    };
    EXPECT_EQ(at(0x125d), 3);             // the entry prologue (push, sub) and the mov
    EXPECT_EQ(at(0x1265), 110 + 70 + 1);  // mulss, addss, jne
    EXPECT_EQ(at(0x1275), 1);             // ret; the padding costs nothing
    EXPECT_EQ(at(0x1266), 0);             // no block starts there
}

TEST(ScalarCost, LlvmObjdumpListingsReadTheSame) {
    // clang's toolchain (the sanitizer builds) disassembles with llvm-objdump: other spacing, AT&T suffixes.
    const std::string listing =
        "0000000000001130 <_Z1ffi>:\n"
        "    1151:      \tmovq\t40(%rsp), %rdi\n"
        "    115b:      \tcallq\t0x1130 <__sanitizer_cov_trace_pc>\n"
        "    1160:      \tmulss\t%xmm1, %xmm0\n"
        "    1164:      \timull\t$3, %eax, %eax\n"
        "    1167:      \tidivl\t%ecx\n"
        "    1169:      \tretq\n";
    const auto t = detail::scalar_cost_table_from_disassembly(listing, distinct_prices());
    ASSERT_EQ(t.blocks, 1u);
    EXPECT_EQ(t.first_offset, 0x1160u);
    EXPECT_EQ(t.units.at(0) / detail::kScalarUnitsPerCycle,
              1 + 110 + 3 + 30 + 1);  // movq (prologue) ... retq
}

struct ScalarRun {
    double predicted = 0, end = 0, scalar = 0;
};

ScalarRun run_scalar_work(const DeviceSpec& spec, uint32_t iterations, uint32_t mode,
                          RunOptions options = {}) {
    Device device(spec);
    Program p;
    const CoreCoord core{1, 2};
    auto k = CreateKernel(p, "tests/kernels/sim/scalar_work.cpp", core, ReaderDataMovementConfig{});
    SetRuntimeArgs(p, k, core, {iterations, mode, 0x20000});
    const RunReport r = EnqueueProgram(device, p, options);
    for (const auto& cs : r.cores) {
        for (const auto& ks : cs.kernels) {
            if (ks.name == "scalar_work") return {r.predicted_cycles, ks.end_cycle, ks.scalar_cycles};
        }
    }
    ADD_FAILURE() << "no scalar_work kernel in the report";
    return {};
}

TEST(ScalarCost, FloatArithmeticCostsItsSoftwareRoutines) {
    const DeviceSpec spec = load_device("wormhole_b0");
    ASSERT_TRUE(spec.cost.riscv.modelled);
    const auto& f = spec.cost.riscv;
    const uint32_t n = 301;
    const ScalarRun integer = run_scalar_work(spec, n, 0), floating = run_scalar_work(spec, n, 1);
    EXPECT_GT(integer.scalar, n * 3.0);  // a few instructions per step
    EXPECT_LT(integer.scalar, n * 20.0);
    // Each float step is a multiply and an add (and maybe an int -> float conversion) in software.
    const double per_step = (floating.scalar - integer.scalar) / n;
    EXPECT_GE(per_step, 0.9 * (f.float_mul_cycles + f.float_add_cycles)) << per_step;
    EXPECT_LE(per_step, f.float_mul_cycles + f.float_add_cycles + 2 * f.float_convert_cycles + 20)
        << per_step;
    // The counted work is the kernel's busy time here (it moves no data).
    EXPECT_DOUBLE_EQ(floating.end, floating.scalar);
}

TEST(ScalarCost, GrowsLinearlyWithTheWorkDone) {
    const DeviceSpec spec = load_device("wormhole_b0");
    const double a = run_scalar_work(spec, 100, 1).scalar, b = run_scalar_work(spec, 200, 1).scalar,
                 c = run_scalar_work(spec, 300, 1).scalar;
    EXPECT_GT(b, a);
    EXPECT_NEAR(c - b, b - a, 1e-6 * c);
}

TEST(ScalarCost, SamePredictionOnEveryRunThreadCountAndExecutor) {
    const DeviceSpec spec = load_device("wormhole_b0");
    const ScalarRun first = run_scalar_work(spec, 257, 1);
    EXPECT_GT(first.scalar, 0);
    for (Executor e : {Executor::Fibers, Executor::Threads}) {
        for (uint32_t threads : {1u, 2u, 3u}) {
            RunOptions o;
            o.executor = e;
            o.host_threads = threads;
            const ScalarRun again = run_scalar_work(spec, 257, 1, o);
            EXPECT_EQ(again.scalar, first.scalar) << threads;
            EXPECT_EQ(again.predicted, first.predicted) << threads;
        }
    }
}

TEST(ScalarCost, PricesComeFromTheDeviceConfig) {
    DeviceSpec spec = load_device("wormhole_b0");
    const double base = run_scalar_work(spec, 211, 1).scalar;
    spec.cost.riscv.float_mul_cycles *= 2;
    const double dearer = run_scalar_work(spec, 211, 1).scalar;
    EXPECT_NEAR(dearer - base, 211 * load_device("wormhole_b0").cost.riscv.float_mul_cycles, 1e-6 * dearer);
    spec.cost.riscv.modelled = false;  // a config without "riscv": not costed
    const ScalarRun off = run_scalar_work(spec, 211, 1);
    EXPECT_EQ(off.scalar, 0);
    EXPECT_LT(off.end, base);
}

TEST(ScalarCost, KernelSpendCyclesStaysAnOverrideOnTop) {
    const DeviceSpec spec = load_device("wormhole_b0");
    const ScalarRun spent = run_scalar_work(spec, 0, 2);
    EXPECT_GT(spent.scalar, 0);  // the instructions that lead to the call
    // The kernel moves no data: its time is its counted work plus what it charged.
    EXPECT_DOUBLE_EQ(spent.end - spent.scalar, 1000);
}

}  // namespace
