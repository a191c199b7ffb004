#pragma once
// Where an op runs: the CPU reference, the simulated device, or the CUDA reference.
#include <string>
#include <string_view>

#include "tilesim/error.hpp"

namespace tilesim::ops {

enum class Backend { Cpu, Sim, Cuda };

inline std::string_view to_string(Backend b) {
    return b == Backend::Cpu ? "cpu" : b == Backend::Sim ? "sim" : "cuda";
}

inline Backend parse_backend(std::string_view s) {
    if (s == "cpu") return Backend::Cpu;
    if (s == "sim") return Backend::Sim;
    if (s == "cuda") return Backend::Cuda;
    fail("backend must be one of cpu, sim, cuda; got '{}'", s);
}

}  // namespace tilesim::ops
