#pragma once
// Helpers of the simulated correlation tests: random NCHW tensors, the run arguments of the CPU reference
// and of the simulated device, the output's scale, and checking an error message.
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ops/correlation/correlation.hpp"
#include "tilesim/error.hpp"

namespace tilesim::testing {

inline Tensor random_tensor(Shape shape, uint32_t seed, float lo = -1.f, float hi = 1.f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(shape.volume());
    for (auto& x : v) x = d(rng);
    return Tensor::from_floats(std::move(shape), v);
}

inline ops::DeviceRunOptions cpu_args(DataType dtype = DataType::Float32) {
    ops::DeviceRunOptions a;
    a.dtype = dtype;
    return a;
}

inline ops::DeviceRunOptions sim_args(DataType dtype = DataType::Float32, uint32_t threads = 2) {
    ops::DeviceRunOptions a;
    a.backend = ops::Backend::Sim;
    a.dtype = dtype;
    a.run.host_threads = threads;
    return a;
}

// Largest |value| (at least 1): float32 tolerances are relative to it.
inline double scale_of(const Tensor& t) {
    double s = 1.0;
    for (float v : t.to_floats()) s = std::max(s, static_cast<double>(std::abs(v)));
    return s;
}

inline bool bitwise_equal(const Tensor& a, const Tensor& b) {
    const auto x = a.to_floats(), y = b.to_floats();
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

}  // namespace tilesim::testing
