// Highway implementations of correlation_simd.hpp, compiled once per instruction set (foreach_target)
// and dispatched at run time.
#include "ops/correlation/correlation_simd.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/correlation/correlation_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;

// Four dot products against the same `a`, two accumulators each so that eight FMA chains are in flight.
template <class Combine>
void FourRows(const float* HWY_RESTRICT a, const float* const* r, int64_t n, float* out, Combine combine) {
    const D d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
    auto t0 = hn::Zero(d), t1 = hn::Zero(d), t2 = hn::Zero(d), t3 = hn::Zero(d);
    int64_t c = 0;
    for (; c + 2 * N <= n; c += 2 * N) {
        const auto a0 = hn::LoadU(d, a + c), a1 = hn::LoadU(d, a + c + N);
        s0 = combine(d, a0, hn::LoadU(d, r[0] + c), s0);
        s1 = combine(d, a0, hn::LoadU(d, r[1] + c), s1);
        s2 = combine(d, a0, hn::LoadU(d, r[2] + c), s2);
        s3 = combine(d, a0, hn::LoadU(d, r[3] + c), s3);
        t0 = combine(d, a1, hn::LoadU(d, r[0] + c + N), t0);
        t1 = combine(d, a1, hn::LoadU(d, r[1] + c + N), t1);
        t2 = combine(d, a1, hn::LoadU(d, r[2] + c + N), t2);
        t3 = combine(d, a1, hn::LoadU(d, r[3] + c + N), t3);
    }
    for (; c + N <= n; c += N) {
        const auto a0 = hn::LoadU(d, a + c);
        s0 = combine(d, a0, hn::LoadU(d, r[0] + c), s0);
        s1 = combine(d, a0, hn::LoadU(d, r[1] + c), s1);
        s2 = combine(d, a0, hn::LoadU(d, r[2] + c), s2);
        s3 = combine(d, a0, hn::LoadU(d, r[3] + c), s3);
    }
    float sum[4] = {
        hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, t0))), hn::GetLane(hn::SumOfLanes(d, hn::Add(s1, t1))),
        hn::GetLane(hn::SumOfLanes(d, hn::Add(s2, t2))), hn::GetLane(hn::SumOfLanes(d, hn::Add(s3, t3)))};
    const hn::CappedTag<float, 1> d1;
    for (; c < n; ++c) {
        const auto ac = hn::Set(d1, a[c]);
        for (int k = 0; k < 4; ++k) {
            sum[k] = hn::GetLane(combine(d1, ac, hn::Set(d1, r[k][c]), hn::Set(d1, sum[k])));
        }
    }
    for (int k = 0; k < 4; ++k) out[k] += sum[k];
}

template <class Combine>
void OneRow(const float* HWY_RESTRICT a, const float* HWY_RESTRICT r, int64_t n, float* out,
            Combine combine) {
    const D d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    auto s = hn::Zero(d), t = hn::Zero(d);
    int64_t c = 0;
    for (; c + 2 * N <= n; c += 2 * N) {
        s = combine(d, hn::LoadU(d, a + c), hn::LoadU(d, r + c), s);
        t = combine(d, hn::LoadU(d, a + c + N), hn::LoadU(d, r + c + N), t);
    }
    for (; c + N <= n; c += N) s = combine(d, hn::LoadU(d, a + c), hn::LoadU(d, r + c), s);
    float sum = hn::GetLane(hn::SumOfLanes(d, hn::Add(s, t)));
    const hn::CappedTag<float, 1> d1;
    for (; c < n; ++c) sum = hn::GetLane(combine(d1, hn::Set(d1, a[c]), hn::Set(d1, r[c]), hn::Set(d1, sum)));
    *out += sum;
}

template <class Combine>
void ReduceRows(const float* a, const float* const* rows, int count, int64_t n, float* out, Combine combine) {
    int k = 0;
    for (; k + 4 <= count; k += 4) FourRows(a, rows + k, n, out + k, combine);
    for (; k < count; ++k) OneRow(a, rows[k], n, out + k, combine);
}

struct MulAcc {
    template <class DD, class V>
    V operator()(DD, V a, V b, V acc) const {
        return hn::MulAdd(a, b, acc);
    }
};
struct AbsDiffAcc {
    template <class DD, class V>
    V operator()(DD, V a, V b, V acc) const {
        return hn::Add(acc, hn::Abs(hn::Sub(a, b)));
    }
};

void DotRows(const float* a, const float* const* rows, int count, int64_t n, float* out) {
    ReduceRows(a, rows, count, n, out, MulAcc());
}

void AbsDiffRows(const float* a, const float* const* rows, int count, int64_t n, float* out) {
    ReduceRows(a, rows, count, n, out, AbsDiffAcc());
}

// out[c] += sum_k w[k] * term(k, c), k in order for every element; `term` yields a vector of N values.
template <class DD, class Term>
void AccumulateRows(DD d, const float* weights, int count, int64_t c, float* HWY_RESTRICT out, Term term) {
    auto acc = hn::LoadU(d, out + c);
    for (int k = 0; k < count; ++k) acc = hn::MulAdd(hn::Set(d, weights[k]), term(d, k, c), acc);
    hn::StoreU(acc, d, out + c);
}

template <class Term>
void AccumulateAll(const float* weights, int count, int64_t n, float* out, Term term) {
    const D d;
    const hn::CappedTag<float, 1> d1;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    int64_t c = 0;
    for (; c + N <= n; c += N) AccumulateRows(d, weights, count, c, out, term);
    for (; c < n; ++c) AccumulateRows(d1, weights, count, c, out, term);
}

void WeightedSumRows(const float* weights, const float* const* rows, int count, int64_t n, float* out) {
    AccumulateAll(weights, count, n, out,
                  [rows](auto d, int k, int64_t c) { return hn::LoadU(d, rows[k] + c); });
}

void WeightedSignDiffRows(const float* self, const float* weights, const float* const* rows, int count,
                          int64_t n, float* out) {
    AccumulateAll(weights, count, n, out, [self, rows](auto d, int k, int64_t c) {
        const auto diff = hn::Sub(hn::LoadU(d, self + c), hn::LoadU(d, rows[k] + c));
        const auto one = hn::Set(d, 1.f), zero = hn::Zero(d);
        return hn::Sub(hn::IfThenElseZero(hn::Gt(diff, zero), one),
                       hn::IfThenElseZero(hn::Lt(diff, zero), one));
    });
}

void ScatterScaled(const float* x, const float* weights, float* const* outs, int count, int64_t n) {
    const D d;
    const hn::CappedTag<float, 1> d1;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    for (int k = 0; k < count; ++k) {
        float* HWY_RESTRICT out = outs[k];
        int64_t c = 0;
        for (; c + N <= n; c += N) {
            hn::StoreU(hn::MulAdd(hn::Set(d, weights[k]), hn::LoadU(d, x + c), hn::LoadU(d, out + c)), d,
                       out + c);
        }
        for (; c < n; ++c) {
            hn::StoreU(hn::MulAdd(hn::Set(d1, weights[k]), hn::Set(d1, x[c]), hn::Set(d1, out[c])), d1,
                       out + c);
        }
    }
}

// Register block of `R` rows of A by one or two vectors of B columns, accumulated over `depth`.
template <int R, int V, class DD>
void MatmulBlock(DD d, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float divisor,
                 float* out, int64_t ldo) {
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    using Vec = hn::Vec<DD>;
    Vec acc[R][V];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) acc[r][v] = hn::Zero(d);
    for (int64_t c = 0; c < depth; ++c) {
        Vec bv[V];
        for (int v = 0; v < V; ++v) bv[v] = hn::LoadU(d, b + c * ldb + v * N);
        for (int r = 0; r < R; ++r) {
            const auto av = hn::Set(d, a[r * lda + c]);
            for (int v = 0; v < V; ++v) acc[r][v] = hn::MulAdd(av, bv[v], acc[r][v]);
        }
    }
    const auto div = hn::Set(d, divisor);
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) hn::StoreU(hn::Div(acc[r][v], div), d, out + r * ldo + v * N);
}

template <int R>
void MatmulRows(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t cols, int64_t depth,
                float divisor, float* out, int64_t ldo) {
    const D d;
    const hn::CappedTag<float, 1> d1;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    int64_t j = 0;
    for (; j + 2 * N <= cols; j += 2 * N)
        MatmulBlock<R, 2>(d, a, lda, b + j, ldb, depth, divisor, out + j, ldo);
    for (; j + N <= cols; j += N) MatmulBlock<R, 1>(d, a, lda, b + j, ldb, depth, divisor, out + j, ldo);
    for (; j < cols; ++j) MatmulBlock<R, 1>(d1, a, lda, b + j, ldb, depth, divisor, out + j, ldo);
}

void MatmulRowsByChannelsFirst(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m,
                               int64_t cols, int64_t depth, float divisor, float* out, int64_t ldo) {
    int64_t i = 0;
    for (; i + 4 <= m; i += 4)
        MatmulRows<4>(a + i * lda, lda, b, ldb, cols, depth, divisor, out + i * ldo, ldo);
    for (; i < m; ++i) MatmulRows<1>(a + i * lda, lda, b, ldb, cols, depth, divisor, out + i * ldo, ldo);
}

}  // namespace HWY_NAMESPACE
}  // namespace tilesim::ops::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tilesim::ops::detail {

HWY_EXPORT(DotRows);
HWY_EXPORT(AbsDiffRows);
HWY_EXPORT(WeightedSumRows);
HWY_EXPORT(WeightedSignDiffRows);
HWY_EXPORT(ScatterScaled);
HWY_EXPORT(MatmulRowsByChannelsFirst);

void dot_rows(const float* a, const float* const* rows, int count, int64_t n, float* out) {
    HWY_DYNAMIC_DISPATCH(DotRows)(a, rows, count, n, out);
}
void abs_diff_rows(const float* a, const float* const* rows, int count, int64_t n, float* out) {
    HWY_DYNAMIC_DISPATCH(AbsDiffRows)(a, rows, count, n, out);
}
void weighted_sum_rows(const float* weights, const float* const* rows, int count, int64_t n, float* out) {
    HWY_DYNAMIC_DISPATCH(WeightedSumRows)(weights, rows, count, n, out);
}
void weighted_sign_diff_rows(const float* self, const float* weights, const float* const* rows, int count,
                             int64_t n, float* out) {
    HWY_DYNAMIC_DISPATCH(WeightedSignDiffRows)(self, weights, rows, count, n, out);
}
void scatter_scaled(const float* x, const float* weights, float* const* outs, int count, int64_t n) {
    HWY_DYNAMIC_DISPATCH(ScatterScaled)(x, weights, outs, count, n);
}
void matmul_rows_by_channels_first(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m,
                                   int64_t cols, int64_t depth, float divisor, float* out, int64_t ldo) {
    HWY_DYNAMIC_DISPATCH(MatmulRowsByChannelsFirst)(a, lda, b, ldb, m, cols, depth, divisor, out, ldo);
}

}  // namespace tilesim::ops::detail
#endif  // HWY_ONCE
