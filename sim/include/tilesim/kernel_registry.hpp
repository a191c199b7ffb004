#pragma once
// Kernels are ordinary C++ functions registered under the path of their file, as tt-metal names kernel
// files. A kernel file reads:
//
//   #include "tilesim/kernel_api.hpp"
//   TILESIM_KERNEL_MAIN("kernels/my_op/reader_my_op.cpp") {
//       const uint32_t src_addr = get_arg_val<uint32_t>(0);
//       ...
//   }
#include <string>
#include <vector>

namespace tilesim {

using KernelFunction = void (*)();

// Registers `fn` under `path`; a second registration of the same path is an error at load time.
bool register_kernel(const char* path, KernelFunction fn);
// The function registered under `path`; throws InvalidArgument listing the closest registered paths.
KernelFunction find_kernel(const std::string& path);
std::vector<std::string> registered_kernels();
// The function registered under `path`, or nullptr.
KernelFunction find_linked_kernel(const std::string& path);

}  // namespace tilesim

#define TILESIM_KERNEL_CONCAT_INNER(a, b) a##b
#define TILESIM_KERNEL_CONCAT(a, b) TILESIM_KERNEL_CONCAT_INNER(a, b)
#define TILESIM_KERNEL_MAIN(path)                                                                    \
    static void TILESIM_KERNEL_CONCAT(tilesim_kernel_main_, __LINE__)();                             \
    [[maybe_unused]] static const bool TILESIM_KERNEL_CONCAT(tilesim_kernel_registered_, __LINE__) = \
        ::tilesim::register_kernel(path, &TILESIM_KERNEL_CONCAT(tilesim_kernel_main_, __LINE__));    \
    static void TILESIM_KERNEL_CONCAT(tilesim_kernel_main_, __LINE__)()
