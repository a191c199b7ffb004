// Costing the scalar work of data-movement kernels from their disassembly: see detail/scalar_cost.hpp.
#include "detail/scalar_cost.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tilesim/error.hpp"

__thread uint64_t tilesim_scalar_pending = 0;

namespace tilesim::detail {
namespace {

constexpr uint32_t kTableMagic = 0x53434f54;  // "TOCS"

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

uint32_t units(double cycles) {
    return static_cast<uint32_t>(std::lround(cycles * kScalarUnitsPerCycle));
}

// SSE/AVX floating-point arithmetic: the RV32IM core runs each lane as a software routine.
struct FloatOp {
    const char* stem;
    double RiscvScalarCost::*cycles;
};
constexpr FloatOp kFloatOps[] = {
    {"add", &RiscvScalarCost::float_add_cycles},       {"sub", &RiscvScalarCost::float_add_cycles},
    {"mul", &RiscvScalarCost::float_mul_cycles},       {"div", &RiscvScalarCost::float_div_cycles},
    {"sqrt", &RiscvScalarCost::float_sqrt_cycles},     {"min", &RiscvScalarCost::float_compare_cycles},
    {"max", &RiscvScalarCost::float_compare_cycles},   {"comi", &RiscvScalarCost::float_compare_cycles},
    {"ucomi", &RiscvScalarCost::float_compare_cycles}, {"round", &RiscvScalarCost::float_convert_cycles},
    {"rcp", &RiscvScalarCost::float_div_cycles},       {"rsqrt", &RiscvScalarCost::float_sqrt_cycles},
};

// Cost of one SSE float instruction, or a negative number when `m` is not one.
double float_instruction_cycles(std::string m, const RiscvScalarCost& c) {
    if (m.size() > 4 && m[0] == 'v') m.erase(0, 1);  // AVX encodings of the same operations
    if (starts_with(m, "cvt")) {
        // cvtsi2ss, cvttss2si, cvtss2sd, cvtps2pd, cvtdq2ps, ...: one conversion per lane
        const bool dbl = m.find("sd") != std::string::npos || m.find("pd") != std::string::npos;
        const int lanes = m.find("ps") != std::string::npos || m.find("dq") != std::string::npos ? 4
                          : m.find("pd") != std::string::npos                                    ? 2
                                                                                                 : 1;
        return lanes * c.float_convert_cycles * (dbl ? c.double_factor : 1.0);
    }
    std::string stem;
    int lanes = 1;
    bool dbl = false;
    if (ends_with(m, "ss")) {
        stem = m.substr(0, m.size() - 2);
    } else if (ends_with(m, "sd")) {
        stem = m.substr(0, m.size() - 2), dbl = true;
    } else if (ends_with(m, "ps")) {
        stem = m.substr(0, m.size() - 2), lanes = 4;
    } else if (ends_with(m, "pd")) {
        stem = m.substr(0, m.size() - 2), lanes = 2, dbl = true;
    } else {
        return -1;
    }
    if (starts_with(stem, "cmp")) return lanes * c.float_compare_cycles * (dbl ? c.double_factor : 1.0);
    for (const auto& op : kFloatOps) {
        if (stem == op.stem) return lanes * (c.*op.cycles) * (dbl ? c.double_factor : 1.0);
    }
    return -1;
}

// A call into libm (the build leaves floor/round to libm when the host ISA has no instruction for them).
double libm_call_cycles(std::string callee, const RiscvScalarCost& c) {
    if (ends_with(callee, "@plt")) callee.resize(callee.size() - 4);
    static const std::set<std::string> rounding = {"floor",   "ceil", "trunc", "round",  "lround",
                                                   "llround", "rint", "lrint", "llrint", "nearbyint"};
    static const std::set<std::string> libm = {
        "fmod", "exp",  "exp2",  "expm1", "log",  "log2",      "log10", "log1p", "pow",
        "sin",  "cos",  "tan",   "asin",  "acos", "atan",      "atan2", "sinh",  "cosh",
        "tanh", "cbrt", "hypot", "erf",   "erfc", "remainder", "modf",  "frexp", "ldexp"};
    bool single = !callee.empty() && callee.back() == 'f';
    std::string base = single ? callee.substr(0, callee.size() - 1) : callee;
    if (!rounding.count(base) && !libm.count(base) && base != "sqrt" && base != "fabs") {
        single = false;
        base = callee;
    }
    const double factor = single ? 1.0 : c.double_factor;
    if (rounding.count(base)) return 2 * c.float_convert_cycles * factor;  // to integer and back
    if (base == "sqrt") return c.float_sqrt_cycles * factor;
    if (base == "fabs") return c.cycles_per_instruction;
    if (libm.count(base)) return c.libm_call_cycles * factor;
    return -1;
}

struct Instruction {
    uint64_t address = 0;
    std::string mnemonic, operands;
    bool label = false;  // "0000000000001250 <name>:" starts a function (no address needed)
};

// One line of objdump's output, or false when it is neither an instruction nor a function label.
bool parse_line(const std::string& line, Instruction& out) {
    if (line.empty()) return false;
    if (line[0] != ' ') {
        // "0000000000001250 <entry>:"
        const auto lt = line.find(" <");
        if (lt == std::string::npos || line.back() != ':') return false;
        out = {};
        out.label = true;
        return true;
    }
    // "    1278:\tcall   1110 <f>" (GNU objdump) or "    1278:      \tcallq\t0x1110 <f>" (llvm-objdump)
    const auto colon = line.find(':');
    if (colon == std::string::npos) return false;
    char* end = nullptr;
    out = {};
    out.address = std::strtoull(line.c_str(), &end, 16);
    if (end != line.c_str() + colon || colon == line.find_first_not_of(' ')) return false;
    std::istringstream rest(line.substr(colon + 1));
    static const std::set<std::string> prefixes = {"lock",  "rep",     "repz", "repnz",  "repe",
                                                   "repne", "notrack", "bnd",  "data16", "cs",
                                                   "ds",    "es",      "ss",   "addr32"};
    while (rest >> out.mnemonic && prefixes.count(out.mnemonic)) {
    }
    std::getline(rest >> std::ws, out.operands);
    return !out.mnemonic.empty();
}

}  // namespace

uint32_t instruction_cost_units(const std::string& m, const std::string& operands, const RiscvScalarCost& c) {
    if (starts_with(m, "nop") || m == "endbr64" || (m == "xchg" && operands == "%ax,%ax") || m == "int3" ||
        m == "(bad)")
        return 0;  // padding
    if (const double f = float_instruction_cycles(m, c); f >= 0) return units(f);
    if (starts_with(m, "imul") || m == "mul" || m == "mull" || m == "mulq" || m == "mulb" || m == "mulw" ||
        m == "mulx")
        return units(c.int_multiply_cycles);
    if (m == "div" || m == "idiv" || (m.size() == 4 && (starts_with(m, "div"))) ||
        (m.size() == 5 && starts_with(m, "idiv")))
        return units(c.int_divide_cycles);
    if (starts_with(m, "call")) {
        const auto lt = operands.find('<'), gt = operands.rfind('>');
        if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
            std::string callee = operands.substr(lt + 1, gt - lt - 1);
            if (const auto plus = callee.find('+'); plus != std::string::npos) callee.resize(plus);
            if (const double f = libm_call_cycles(callee, c); f >= 0) return units(f);
        }
        return units(c.cycles_per_instruction);
    }
    // A 16-byte SSE load or store moves what the RV32 core moves in four words.
    static const std::set<std::string> wide_moves = {"movdqu", "movdqa",  "movups",  "movaps",  "movupd",
                                                     "movapd", "vmovdqu", "vmovdqa", "vmovups", "vmovaps"};
    if (wide_moves.count(m) && operands.find('(') != std::string::npos)
        return units(4 * c.cycles_per_instruction);
    return units(c.cycles_per_instruction);
}

ScalarCostTable scalar_cost_table_from_disassembly(const std::string& text, const RiscvScalarCost& c) {
    std::map<uint64_t, double> blocks;  // block start -> units
    std::istringstream in(text);
    Instruction ins;
    uint64_t block = 0;
    bool in_block = false, next_starts_block = false;
    double prologue = 0;  // instructions of a function before its first block (entry prologue)
    for (std::string line; std::getline(in, line);) {
        if (!parse_line(line, ins)) continue;
        if (ins.label) {
            in_block = next_starts_block = false;
            prologue = 0;
            continue;
        }
        if (starts_with(ins.mnemonic, "call") &&
            ins.operands.find("<__sanitizer_cov_trace_pc") != std::string::npos) {
            next_starts_block = true;
            continue;
        }
        const double cost = instruction_cost_units(ins.mnemonic, ins.operands, c);
        if (next_starts_block) {
            block = ins.address;
            blocks[block] = in_block ? 0 : prologue;
            in_block = true;
            next_starts_block = false;
        }
        if (in_block)
            blocks[block] += cost;
        else
            prologue += cost;
    }
    ScalarCostTable t;
    if (blocks.empty()) return t;
    t.first_offset = blocks.begin()->first;
    t.units.assign(blocks.rbegin()->first - t.first_offset + 1, 0);
    for (const auto& [address, u] : blocks) {
        t.units[address - t.first_offset] = static_cast<uint32_t>(std::max(1.0, u));
    }
    t.blocks = blocks.size();
    return t;
}

std::vector<std::string> disassemble_command(const std::filesystem::path& binary) {
    const char* env = std::getenv("TILESIM_OBJDUMP");
    return {env && *env ? std::string(env) : std::string(TILESIM_OBJDUMP_DEFAULT), "-d", "--no-show-raw-insn",
            "-w", binary.string()};
}

void write_scalar_cost_table(const std::filesystem::path& file, const ScalarCostTable& t) {
    std::ofstream out(file, std::ios::binary);
    const uint64_t header[4] = {kTableMagic, t.first_offset, t.units.size(), t.blocks};
    out.write(reinterpret_cast<const char*>(header), sizeof(header));
    out.write(reinterpret_cast<const char*>(t.units.data()),
              std::streamsize(t.units.size() * sizeof(uint32_t)));
    if (!out) fail("kernel build: cannot write the scalar cost table {}", file.string());
}

bool read_scalar_cost_table(const std::filesystem::path& file, ScalarCostTable& t) {
    std::ifstream in(file, std::ios::binary);
    uint64_t header[4] = {};
    if (!in.read(reinterpret_cast<char*>(header), sizeof(header)) || header[0] != kTableMagic ||
        header[2] > (uint64_t(1) << 28))
        return false;
    t.first_offset = header[1];
    t.units.resize(header[2]);
    t.blocks = header[3];
    return bool(
        in.read(reinterpret_cast<char*>(t.units.data()), std::streamsize(t.units.size() * sizeof(uint32_t))));
}

bool scalar_costing_supported() {
#if defined(__x86_64__)
    return true;
#else
    return false;
#endif
}

}  // namespace tilesim::detail
