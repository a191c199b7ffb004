// The vectorised inner loops against plain double loops, for lengths covering the unrolled vector body,
// the single-vector loop and the scalar tail of every instruction set.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "correlation_test_utils.hpp"
#include "ops/correlation/detail/correlation_simd.hpp"

namespace tilesim::testing {
namespace {

namespace d = ops::detail;

constexpr int kRows = 7;  // four-row block plus three single rows
const std::vector<int64_t> kLengths{0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 47, 64, 70, 257};

struct Rows {
    std::vector<std::vector<float>> data;
    std::vector<const float*> ptrs;
    Rows(int count, int64_t n, uint32_t seed) {
        for (int k = 0; k < count; ++k) data.push_back(random_values(n, seed + k));
        for (const auto& r : data) ptrs.push_back(r.data());
    }
};

TEST(CorrelationSimd, DotAndAbsDiffRowsAccumulateIntoOut) {
    for (int64_t n : kLengths) {
        SCOPED_TRACE(n);
        const auto a = random_values(n, 1);
        const Rows rows(kRows, n, 2);
        std::vector<float> dots(kRows, 0.5f), diffs(kRows, -0.25f);
        d::dot_rows(a.data(), rows.ptrs.data(), kRows, n, dots.data());
        d::abs_diff_rows(a.data(), rows.ptrs.data(), kRows, n, diffs.data());
        for (int k = 0; k < kRows; ++k) {
            double dot = 0.5, diff = -0.25;
            for (int64_t c = 0; c < n; ++c) {
                dot += double(a[c]) * rows.data[k][c];
                diff += std::abs(double(a[c]) - rows.data[k][c]);
            }
            EXPECT_NEAR(dots[k], dot, 1e-5 * (1 + n));
            EXPECT_NEAR(diffs[k], diff, 1e-5 * (1 + n));
        }
    }
}

TEST(CorrelationSimd, WeightedSumsAndScatterMatchScalarLoops) {
    for (int64_t n : kLengths) {
        SCOPED_TRACE(n);
        const auto self = random_values(n, 3), weights = random_values(kRows, 4), x = random_values(n, 5);
        const Rows rows(kRows, n, 6);
        auto sum = random_values(n, 7), sign = random_values(n, 8);
        const auto sum0 = sum, sign0 = sign;
        d::weighted_sum_rows(weights.data(), rows.ptrs.data(), kRows, n, sum.data());
        d::weighted_sign_diff_rows(self.data(), weights.data(), rows.ptrs.data(), kRows, n, sign.data());
        std::vector<std::vector<float>> outs(kRows, std::vector<float>(static_cast<size_t>(n), 1.f));
        std::vector<float*> out_ptrs;
        for (auto& o : outs) out_ptrs.push_back(o.data());
        d::scatter_scaled(x.data(), weights.data(), out_ptrs.data(), kRows, n);
        for (int64_t c = 0; c < n; ++c) {
            double s = sum0[c], g = sign0[c];
            for (int k = 0; k < kRows; ++k) {
                s += double(weights[k]) * rows.data[k][c];
                const float diff = self[c] - rows.data[k][c];
                g += double(weights[k]) * ((diff > 0) - (diff < 0));
                EXPECT_NEAR(outs[k][c], 1.0 + double(weights[k]) * x[c], 1e-6);
            }
            EXPECT_NEAR(sum[c], s, 1e-5);
            EXPECT_NEAR(sign[c], g, 1e-5);
        }
    }
}

TEST(CorrelationSimd, SignOfAZeroDifferenceIsZero) {
    const std::vector<float> self(20, 0.75f), weight{3.f};
    const float* row = self.data();
    std::vector<float> out(20, 0.f);
    d::weighted_sign_diff_rows(self.data(), weight.data(), &row, 1, 20, out.data());
    for (float v : out) EXPECT_EQ(v, 0.f);
}

TEST(CorrelationSimd, MatmulOfRowsByChannelsFirstMatchesScalarLoops) {
    for (int64_t m : {1, 4, 6}) {
        for (int64_t cols : {1, 15, 16, 33, 70}) {
            for (int64_t depth : {1, 5, 19}) {
                SCOPED_TRACE(::testing::Message() << m << "x" << cols << "x" << depth);
                const auto a = random_values(m * depth, 9), b = random_values(depth * cols, 10);
                std::vector<float> out(static_cast<size_t>(m * (cols + 3)), -7.f);
                d::matmul_rows_by_channels_first(a.data(), depth, b.data(), cols, m, cols, depth, 2.f,
                                                 out.data(), cols + 3);
                for (int64_t i = 0; i < m; ++i) {
                    for (int64_t j = 0; j < cols; ++j) {
                        double s = 0;
                        for (int64_t c = 0; c < depth; ++c) s += double(a[i * depth + c]) * b[c * cols + j];
                        EXPECT_NEAR(out[i * (cols + 3) + j], s / 2, 1e-5);
                    }
                    for (int64_t j = cols; j < cols + 3; ++j)
                        EXPECT_EQ(out[i * (cols + 3) + j], -7.f);  // untouched
                }
            }
        }
    }
}

}  // namespace
}  // namespace tilesim::testing
