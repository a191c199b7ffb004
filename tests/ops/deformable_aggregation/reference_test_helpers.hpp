#pragma once
// Helpers for the tests of the CPU references that take ArrayView / HostArray (deformable aggregation,
// sample_sum / sample_dot): fixture conversion, random inputs, finite differences, error messages.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include "common/compare.hpp"
#include "common/golden.hpp"
#include "ops/common/host_array.hpp"
#include "tilesim/error.hpp"

namespace tilesim::testing {

using ops::ArrayView;
using ops::HostArray;

inline HostArray<float> to_array(const GoldenTensor& t) {
    return {t.shape, t.data};
}

inline HostArray<int32_t> to_int_array(const GoldenTensor& t) {
    std::vector<int32_t> v(t.data.size());
    std::transform(t.data.begin(), t.data.end(), v.begin(), [](float x) { return static_cast<int32_t>(x); });
    return {t.shape, std::move(v)};
}

inline HostArray<float> random_array(std::vector<int64_t> shape, std::mt19937& rng, float lo = -1.f,
                                     float hi = 1.f) {
    HostArray<float> a(std::move(shape));
    std::uniform_real_distribution<float> dist(lo, hi);
    for (float& v : a.data) v = dist(rng);
    return a;
}

// Float32 agreement with a float64 reference: max abs error within `rel` of the reference's scale.
inline ::testing::AssertionResult matches(const std::vector<float>& actual,
                                          const std::vector<float>& expected, double rel = 1e-5) {
    double scale = 1.0;
    for (float e : expected) scale = std::max(scale, static_cast<double>(std::abs(e)));
    return close(actual, expected, rel * scale, 0.99999);
}

// `actual` has the shape of the fixture's tensor `name` and matches its values.
inline ::testing::AssertionResult matches_golden(const HostArray<float>& actual, const GoldenCase& c,
                                                 const std::string& name) {
    const GoldenTensor e = c.tensor(name);
    if (actual.shape != e.shape) {
        return ::testing::AssertionFailure() << name << ": shape " << ops::shape_str(actual.shape)
                                             << ", expected " << ops::shape_str(e.shape);
    }
    return matches(actual.data, e.data) << " (" << name << ")";
}

// Bitwise equality, for determinism checks.
inline bool identical(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
               return std::memcmp(&x, &y, sizeof(float)) == 0;
           });
}

// Runs `f` on an arena with `threads` threads (1 = serial) and returns its result.
template <class F>
auto with_threads(int threads, F&& f) {
    oneapi::tbb::task_arena arena(threads);
    return arena.execute(std::forward<F>(f));
}

// 2, and 3 and 4 where the machine has the cores (asking TBB for more only prints a warning).
inline std::vector<int> parallel_thread_counts() {
    std::vector<int> counts = {2};
    for (int t : {3, 4}) {
        if (t <= oneapi::tbb::info::default_concurrency()) counts.push_back(t);
    }
    return counts;
}

// Central finite differences of loss(x) = Σ f(x) · r with respect to every element of `x` (modified in
// place and restored), accumulated in double.
inline std::vector<float> finite_difference(std::vector<float>& x, float eps,
                                            const std::function<std::vector<float>()>& f,
                                            const std::vector<float>& r) {
    auto loss = [&] {
        const std::vector<float> y = f();
        double s = 0;
        for (size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * r[i];
        return s;
    };
    std::vector<float> grad(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        const float saved = x[i];
        x[i] = saved + eps;
        const double up = loss();
        x[i] = saved - eps;
        const double down = loss();
        x[i] = saved;
        grad[i] = static_cast<float>((up - down) / (2.0 * eps));
    }
    return grad;
}

}  // namespace tilesim::testing
