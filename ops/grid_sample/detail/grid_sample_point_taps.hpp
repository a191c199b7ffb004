#pragma once
// The taps of every output point of a grid_sample call as structure-of-arrays, built once and shared by all
// channels: the NCHW forward by gathering taps and the NCHW backward in channel blocks (not public API).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "ops/grid_sample/grid_sample_reference.hpp"
#include "ops/grid_sample/detail/grid_sample_simd.hpp"
#include "ops/grid_sample/detail/grid_sample_stencil.hpp"

namespace tilesim::ops::detail {

// Tap entries past the last point (a vector's worth).
inline constexpr int64_t kPointTapsPad = 64;

// Taps of every output point, tap t of point q at [t * stride + q] (stride = points + padding).
struct PointTaps {
    int64_t stride = 0;
    std::vector<int32_t> index;  // [T][stride]: pixel, -1 outside; bilinear pairs: [2][stride] row bases
    std::vector<int32_t> code;   // bilinear pairs: [stride] inside bits and shifts (bilinear_pair_row)
    std::vector<float> weight;   // [T][stride]; empty for nearest

    // The caller writes the entries of every point; only the padding is set here (pixel 0, weight 0, nothing
    // inside), so the buffers are never cleared as a whole.
    void resize(int64_t points, int rows_of_indices, bool codes, int weights) {
        stride = points + kPointTapsPad;
        index.resize(size_t(rows_of_indices * stride));
        code.resize(codes ? size_t(stride) : 0);
        weight.resize(size_t(weights * stride));
        for (int r = 0; r < rows_of_indices; ++r) std::fill_n(&index[r * stride + points], kPointTapsPad, 0);
        if (codes) std::fill_n(&code[points], kPointTapsPad, 0);
        for (int r = 0; r < weights; ++r) std::fill_n(&weight[r * stride + points], kPointTapsPad, 0.f);
    }
};

// Taps per output point: nearest 1, bilinear 4, bicubic 16.
inline int taps_per_point_of(GridSampleMode mode) {
    return mode == GridSampleMode::Nearest ? 1 : mode == GridSampleMode::Bilinear ? 4 : 16;
}

// The calling thread's PointTaps, kept between calls (fresh pages would cost more in page faults than the
// taps themselves) up to 64 MiB: larger ones are released when this goes out of scope.
struct KeptPointTaps {
    PointTaps& taps = thread_taps();
    KeptPointTaps() = default;
    KeptPointTaps(const KeptPointTaps&) = delete;
    KeptPointTaps& operator=(const KeptPointTaps&) = delete;
    ~KeptPointTaps() {
        const size_t bytes = 4 * (taps.index.capacity() + taps.code.capacity() + taps.weight.capacity());
        if (bytes > (size_t{64} << 20)) taps = PointTaps{};
    }

  private:
    static PointTaps& thread_taps() {
        thread_local PointTaps kept;
        return kept;
    }
};

// make_stencil()'s pixels (-1 outside) and weights of the points [first, last) into taps, vectorised for
// zeros padding (the same values).
template <GridSampleMode M>
void stencil_taps(const float* grid, int64_t first, int64_t last, const GridSampleShape& s,
                  const GridSampleOptions& o, PointTaps& taps) {
    constexpr int K = kTapsPerAxis<M>;
    const int64_t S = taps.stride;
    if (o.padding_mode == PaddingMode::Zeros && M != GridSampleMode::Bicubic) {  // vectorised, same values
        first += zeros_padding_taps(grid + 2 * first, last - first, s.h, s.w, o.align_corners, K * K,
                                    taps.index.data() + first,
                                    M == GridSampleMode::Nearest ? nullptr : taps.weight.data() + first, S);
    }
    GridStencil<K> st;
    for (int64_t p = first; p < last; ++p) {
        make_stencil<M, false>(grid[2 * p], grid[2 * p + 1], s.h, s.w, o.padding_mode, o.align_corners, st);
        for (int t = 0; t < K * K; ++t) {
            taps.index[t * S + p] = static_cast<int32_t>(st.pixel[t]);  // -1 outside
            if (M != GridSampleMode::Nearest) taps.weight[t * S + p] = st.weight[t];
        }
    }
}

}  // namespace tilesim::ops::detail
