#pragma once
// Included before every kernel source (the kernel build passes -include): what tt-metal's JIT build gives
// a kernel without an include — compile-time args as constexpr values, named compile-time args, the data
// format enum, the tt_l1_ptr attribute — and, for data-movement kernels, the whole dataflow API.
//
// Compile-time args arrive as -DKERNEL_COMPILE_TIME_ARGS=v0,v1,... and named ones as
// -DKERNEL_COMPILE_TIME_ARG_MAP={"name",value},... exactly as tt-metal passes them.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "tilesim/kernel_hooks.h"

// ---- compile-time args
// -------------------------------------------------------------------------------------
namespace tilesim_kernel {
struct CompileTimeArgs {
    static constexpr uint32_t values[] = {0u
#ifdef KERNEL_COMPILE_TIME_ARGS
                                          ,
                                          KERNEL_COMPILE_TIME_ARGS
#endif
    };
    static constexpr uint32_t count = sizeof(values) / sizeof(values[0]) - 1;
    constexpr uint32_t size() const {
        return count;
    }
    constexpr uint32_t operator[](uint32_t i) const {
        return values[i + 1];
    }
};
// Reached only when a kernel reads an arg the factory did not pass: in a constant expression the compiler
// stops here ("call to non-'constexpr' function ... compile_time_arg_index_out_of_range"), which the
// kernel build turns into a one-line error naming the index; at run time it raises the same error.
inline uint32_t compile_time_arg_index_out_of_range(uint32_t index) {
    tilesim_hook_compile_time_arg_missing(index, CompileTimeArgs::count);
    return 0;
}
constexpr uint32_t compile_time_arg(uint32_t index) {
    return index < CompileTimeArgs::count ? CompileTimeArgs::values[index + 1]
                                          : compile_time_arg_index_out_of_range(index);
}

struct NamedArg {
    const char* name;
    uint32_t value;
};
constexpr NamedArg named_args[] = {{"", 0}
#ifdef KERNEL_COMPILE_TIME_ARG_MAP
                                   ,
                                   KERNEL_COMPILE_TIME_ARG_MAP
#endif
};
constexpr bool same_name(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}
inline uint32_t named_compile_time_arg_missing() {
    tilesim_hook_compile_time_arg_missing(0xffffffffu, 0);
    return 0;
}
constexpr uint32_t named_compile_time_arg(const char* name) {
    for (const NamedArg& a : named_args) {
        if (a.name[0] && same_name(a.name, name)) return a.value;
    }
    // (the empty name keeps a constant path, which clang requires of a constexpr function)
    return name[0] == '\0' ? 0u : named_compile_time_arg_missing();
}
}  // namespace tilesim_kernel

constexpr tilesim_kernel::CompileTimeArgs kernel_compile_time_args{};
#define get_compile_time_arg_val(index) (::tilesim_kernel::compile_time_arg(index))
#define get_named_compile_time_arg_val(name) (::tilesim_kernel::named_compile_time_arg(name))

// ---- data formats and CB indices (tt-metal's codes)
// ---------------------------------------------------------
enum class DataFormat : uint8_t {
    Float32 = 0,
    Float16 = 1,
    Bfp8 = 2,
    Bfp4 = 3,
    Tf32 = 4,
    Float16_b = 5,
    Bfp8_b = 6,
    Bfp4_b = 7,
    Int32 = 8,
    UInt16 = 9,
    Lf8 = 10,
    Bfp2 = 11,
    Int8 = 14,
    Bfp2_b = 15,
    UInt32 = 24,
    UInt8 = 30,
    RawUInt8 = 0xf0,
    RawUInt16 = 0xf1,
    RawUInt32 = 0xf2,
    Invalid = 0xff
};
namespace tt {
using ::DataFormat;
enum CBIndex : uint8_t {
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
    c_31,
    SIZE = 32
};
}  // namespace tt

// ---- L1 pointers
// -------------------------------------------------------------------------------------------- On silicon an
// L1 address is a pointer. Here each core's L1 is a block of host memory, so a kernel's integer -> pointer
// reinterpret_cast goes through the running core's L1 base (bounds-checked), and a pointer -> 32-bit integer
// cast gives the L1 address back. Every other reinterpret_cast is the language's. The keyword is redirected
// only in kernel code (this header is included first; standard headers that a kernel includes later see only
// the pass-through cases). C-style casts of an integer to a pointer are not seen: write reinterpret_cast, as
// tt-metal's kernels do.
#define tt_l1_ptr
#define tt_reg_ptr
namespace tilesim_kernel {
template <class To, class From>
inline To l1_cast(From&& from) {
    using F = std::remove_cv_t<std::remove_reference_t<From>>;
    if constexpr (std::is_pointer_v<To> && (std::is_integral_v<F> || std::is_enum_v<F>)) {
        using Pointee = std::remove_pointer_t<To>;
        constexpr uint64_t bytes = std::is_void_v<Pointee> ? 1 : sizeof(Pointee);
        return static_cast<To>(tilesim_hook_l1_pointer(static_cast<uint64_t>(from), bytes));
    } else if constexpr (std::is_integral_v<To> && sizeof(To) == 4 && std::is_pointer_v<F>) {
        return static_cast<To>(tilesim_hook_l1_address(from));
    } else {
        return reinterpret_cast<To>(static_cast<From&&>(from));
    }
}
}  // namespace tilesim_kernel
#define reinterpret_cast ::tilesim_kernel::l1_cast

// ---- entry points
// ------------------------------------------------------------------------------------------- Data-movement
// kernels and current compute kernels: void kernel_main(); legacy compute kernels: namespace NAMESPACE { void
// MAIN { ... } }. Whichever the source defines is called.
#define NAMESPACE tilesim_compute
#define MAIN kernel_main()
__attribute__((weak)) void kernel_main();
namespace tilesim_compute {
__attribute__((weak)) void kernel_main();
}

// ---- what tt-metal's build defines as constants
// ------------------------------------------------------------
#ifdef TILESIM_COMPUTE_KERNEL
constexpr bool DST_ACCUM_MODE = TILESIM_DST_ACCUM_MODE;
constexpr int32_t MATH_FIDELITY = TILESIM_MATH_FIDELITY;
constexpr bool APPROX = TILESIM_MATH_APPROX;
#define UNPACK(x) x
#define MATH(x) x
#define PACK(x) x
#else
constexpr uint8_t noc_index = TILESIM_NOC_INDEX;
#include "tilesim/dataflow_api.h"
#endif
