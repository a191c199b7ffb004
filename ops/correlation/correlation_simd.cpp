// Highway implementations of correlation_simd.hpp, compiled once per instruction set (foreach_target)
// and dispatched at run time.
#include "ops/correlation/detail/correlation_simd.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/correlation/correlation_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/aligned_allocator.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tilesim::ops::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;

// Adds the lane sums of v0..v3 to out[0..3]. One 4-way transposing reduction instead of four full
// horizontal sums: with few channels per dot product the reductions dominate the cost.
#if !(HWY_TARGET == HWY_SCALAR || HWY_HAVE_SCALABLE)
template <class DD, class V>
HWY_INLINE auto FoldBlocks(DD, V v) {
    if constexpr (DD::kPrivateN > 4) {
        const hn::Half<DD> dh;
        return FoldBlocks(dh, hn::Add(hn::LowerHalf(dh, v), hn::UpperHalf(dh, v)));
    } else {
        return v;
    }
}
#endif

template <class DD, class V>
HWY_INLINE void AddLaneSums4(DD d, V v0, V v1, V v2, V v3, float* HWY_RESTRICT out) {
#if HWY_TARGET == HWY_SCALAR || HWY_HAVE_SCALABLE
    out[0] += hn::GetLane(hn::SumOfLanes(d, v0));
    out[1] += hn::GetLane(hn::SumOfLanes(d, v1));
    out[2] += hn::GetLane(hn::SumOfLanes(d, v2));
    out[3] += hn::GetLane(hn::SumOfLanes(d, v3));
#else
    // Per 128-bit block: [v0_0 + v0_2, v1_0 + v1_2, v0_1 + v0_3, v1_1 + v1_3] (same for v2, v3) ...
    const auto t01 = hn::Add(hn::InterleaveLower(d, v0, v1), hn::InterleaveUpper(d, v0, v1));
    const auto t23 = hn::Add(hn::InterleaveLower(d, v2, v3), hn::InterleaveUpper(d, v2, v3));
    // ... then pairs of 64 bits: [sum v0, sum v1, sum v2, sum v3] per block; then add the blocks.
    const hn::Repartition<uint64_t, DD> d64;
    const auto lo = hn::InterleaveLower(d64, hn::BitCast(d64, t01), hn::BitCast(d64, t23));
    const auto hi = hn::InterleaveUpper(d64, hn::BitCast(d64, t01), hn::BitCast(d64, t23));
    const auto sums = FoldBlocks(d, hn::Add(hn::BitCast(d, lo), hn::BitCast(d, hi)));
    const hn::Full128<float> d4;
    hn::StoreU(hn::Add(hn::LoadU(d4, out), sums), d4, out);
#endif
}

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
    float sum[4] = {0.f, 0.f, 0.f, 0.f};
    AddLaneSums4(d, hn::Add(s0, t0), hn::Add(s1, t1), hn::Add(s2, t2), hn::Add(s3, t3), sum);
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

// Rows of A per register block: 8 x 2 accumulators fit AVX-512's 32 registers, 4 x 2 the 16 of AVX2/SSE.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
constexpr int kMatmulRows = 8;
#else
constexpr int kMatmulRows = 4;
#endif

// All rows of A against one strip of V vectors of B columns.
template <int V, class DD>
void MatmulStrip(DD d, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m, int64_t depth,
                 float divisor, float* out, int64_t ldo) {
    constexpr int R = kMatmulRows;
    int64_t i = 0;
    for (; i + R <= m; i += R)
        MatmulBlock<R, V>(d, a + i * lda, lda, b, ldb, depth, divisor, out + i * ldo, ldo);
    for (; i < m; ++i) MatmulBlock<1, V>(d, a + i * lda, lda, b, ldb, depth, divisor, out + i * ldo, ldo);
}

void MatmulRowsByChannelsFirst(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m,
                               int64_t cols, int64_t depth, float divisor, float* out, int64_t ldo) {
    const D d;
    const hn::CappedTag<float, 1> d1;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    // B's channel rows are ldb floats apart (often a multiple of a page: cache-set conflicts); each strip
    // of 2N columns is copied to a contiguous buffer that stays in L1 while every row of A passes.
    auto packed = hwy::AllocateAligned<float>(static_cast<size_t>(depth * 2 * N));
    int64_t j = 0;
    for (; j + 2 * N <= cols; j += 2 * N) {
        for (int64_t c = 0; c < depth; ++c) {
            hn::Store(hn::LoadU(d, b + c * ldb + j), d, packed.get() + c * 2 * N);
            hn::Store(hn::LoadU(d, b + c * ldb + j + N), d, packed.get() + c * 2 * N + N);
        }
        MatmulStrip<2>(d, a, lda, packed.get(), 2 * N, m, depth, divisor, out + j, ldo);
    }
    for (; j + N <= cols; j += N) MatmulStrip<1>(d, a, lda, b + j, ldb, m, depth, divisor, out + j, ldo);
    for (; j < cols; ++j) MatmulStrip<1>(d1, a, lda, b + j, ldb, m, depth, divisor, out + j, ldo);
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
