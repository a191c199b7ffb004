#pragma once
// Helpers shared by the correlation tests: owned NCHW tensors (from fixtures or random), tolerances
// relative to the output's scale, running under a fixed number of threads, finite differences, and
// checking an error message.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "common/golden.hpp"
#include "ops/correlation/correlation_common.hpp"
#include "tilesim/error.hpp"

namespace tilesim::testing {

struct OwnedNchw {
    std::vector<float> data;
    ops::NchwShape shape;
    ops::NchwView view() const { return {data, shape}; }
};

inline OwnedNchw from_golden(const GoldenTensor& t) {
    EXPECT_EQ(t.shape.size(), 4u);
    return {t.data, {t.shape.at(0), t.shape.at(1), t.shape.at(2), t.shape.at(3)}};
}

inline std::vector<float> random_values(int64_t count, uint32_t seed, float lo = -1.f, float hi = 1.f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(static_cast<size_t>(count));
    for (auto& x : v) x = dist(rng);
    return v;
}

inline OwnedNchw random_nchw(ops::NchwShape shape, uint32_t seed) {
    return {random_values(shape.volume(), seed), shape};
}

// Absolute tolerance for float32 against a float64 reference: `relative` of the reference's scale.
inline double tolerance(std::span<const float> expected, double relative = 1e-5) {
    double scale = 1.0;
    for (float v : expected) scale = std::max(scale, static_cast<double>(std::abs(v)));
    return relative * scale;
}

// Runs f inside an arena of `threads` threads (allowing more than the host's cores).
template <class F>
auto with_threads(int threads, F&& f) {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, threads);
    oneapi::tbb::task_arena arena(threads);
    return arena.execute(std::forward<F>(f));
}

inline double dot(std::span<const float> a, std::span<const float> b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

// Central differences of L(x) = <grad_output, f(x)> at every element of x.
inline std::vector<double> finite_difference(
    const std::function<std::vector<float>(const std::vector<float>&)>& f, std::vector<float> x,
    std::span<const float> grad_output, float eps) {
    std::vector<double> grad(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        const float saved = x[i];
        x[i] = saved + eps;
        const double plus = dot(grad_output, f(x));
        x[i] = saved - eps;
        const double minus = dot(grad_output, f(x));
        x[i] = saved;
        grad[i] = (plus - minus) / (2.0 * eps);
    }
    return grad;
}

inline void expect_close_to_double(std::span<const float> actual, const std::vector<double>& expected,
                                   double max_abs) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NEAR(actual[i], expected[i], max_abs) << "element " << i;
    }
}

inline bool bitwise_equal(std::span<const float> a, std::span<const float> b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
               return std::memcmp(&x, &y, sizeof(float)) == 0;
           });
}

}  // namespace tilesim::testing
