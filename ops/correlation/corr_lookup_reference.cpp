// RAFT CorrBlock path: validation, the all-pairs pyramid and the lookup that samples it.
#include "ops/correlation/corr_lookup_reference.hpp"

#include <algorithm>
#include <cmath>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "kernels/common/bilinear.hpp"
#include "ops/correlation/detail/correlation_layout.hpp"
#include "ops/correlation/detail/correlation_simd.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kOp = "corr_lookup";
using Range = oneapi::tbb::blocked_range<int64_t>;

// Rows of fmap1 per task when building level 0: the block of fmap1 stays in L2 while strips of fmap2
// stream through L1 (matmul_rows_by_channels_first).
constexpr int64_t kLevel0RowBlock = 128;

// Bilinear sample of one level image (zero padding, pixel coordinates): PyTorch's tap order nw, ne, sw, se.
float sample_level(const float* img, int64_t h, int64_t w, float y, float x) {
    if (!coordinate_is_usable(y) || !coordinate_is_usable(x)) return 0.f;
    const BilinearTaps t = bilinear_taps(y, x);
    float v = 0.f;
    if (in_bounds(t.y0, t.x0, h, w)) v += t.w_nw * img[t.y0 * w + t.x0];
    if (in_bounds(t.y0, t.x0 + 1, h, w)) v += t.w_ne * img[t.y0 * w + t.x0 + 1];
    if (in_bounds(t.y0 + 1, t.x0, h, w)) v += t.w_sw * img[(t.y0 + 1) * w + t.x0];
    if (in_bounds(t.y0 + 1, t.x0 + 1, h, w)) v += t.w_se * img[(t.y0 + 1) * w + t.x0 + 1];
    return v;
}

// avg_pool2d(kernel 2, stride 2) of `count` images [h, w] -> [h / 2, w / 2]; PyTorch sums the window
// row by row, then divides by 4.
std::vector<float> pool_images(const std::vector<float>& in, int64_t count, int64_t h, int64_t w) {
    const int64_t ph = h / 2, pw = w / 2;
    std::vector<float> out(static_cast<size_t>(count * ph * pw));
    oneapi::tbb::parallel_for(Range(0, count), [&](const Range& range) {
        for (int64_t n = range.begin(); n < range.end(); ++n) {
            const float* src = in.data() + n * h * w;
            float* dst = out.data() + n * ph * pw;
            for (int64_t i = 0; i < ph; ++i) {
                const float* r0 = src + 2 * i * w;
                const float* r1 = r0 + w;
                for (int64_t j = 0; j < pw; ++j) {
                    dst[i * pw + j] = (((r0[2 * j] + r0[2 * j + 1]) + r1[2 * j]) + r1[2 * j + 1]) / 4.f;
                }
            }
        }
    });
    return out;
}

}  // namespace

std::vector<std::pair<int64_t, int64_t>> corr_pyramid_level_sizes(int64_t height, int64_t width,
                                                                  int num_levels) {
    if (num_levels < 1) fail("{}: num_levels must be >= 1, got {}", kOp, num_levels);
    std::vector<std::pair<int64_t, int64_t>> sizes{{height, width}};
    for (int l = 1; l < num_levels; ++l) {
        const auto& pair_h = sizes.back();  // no structured binding: captured by lambdas (clang < 16)
        const auto h = pair_h.first, w = pair_h.second;
        if (h / 2 < 1 || w / 2 < 1) {
            fail(
                "{}: level {} of the pyramid would be {}x{} (feature maps {}x{} halved {} times); use fewer "
                "than {} levels or larger maps",
                kOp, l, h / 2, w / 2, height, width, l, num_levels);
        }
        sizes.emplace_back(h / 2, w / 2);
    }
    return sizes;
}

std::array<int64_t, 4> corr_lookup_output_shape(const NchwShape& fmap, int num_levels, int radius) {
    const int64_t k = 2 * int64_t{radius} + 1;
    return {fmap.n, num_levels * k * k, fmap.h, fmap.w};
}

void validate_corr_lookup(const NchwView& fmap1, const NchwView& fmap2, const NchwView& coords,
                          int num_levels, int radius) {
    detail::check_view(kOp, "fmap1", fmap1);
    detail::check_view(kOp, "fmap2", fmap2);
    detail::check_same_shape(kOp, "fmap1", fmap1.shape, "fmap2", fmap2.shape);
    detail::check_view(kOp, "coords", coords);
    const NchwShape& f = fmap1.shape;
    if (!(coords.shape == NchwShape{f.n, 2, f.h, f.w})) {
        fail("{}: coords must be [B, 2, H, W] = [{}, 2, {}, {}] (fmap1 {}), got {}", kOp, f.n, f.h, f.w, f,
             coords.shape);
    }
    if (radius < 0) fail("{}: radius must be >= 0, got {}", kOp, radius);
    corr_pyramid_level_sizes(f.h, f.w, num_levels);
}

CorrPyramid corr_pyramid_cpu(const NchwView& fmap1, const NchwView& fmap2, int num_levels) {
    detail::check_view(kOp, "fmap1", fmap1);
    detail::check_view(kOp, "fmap2", fmap2);
    detail::check_same_shape(kOp, "fmap1", fmap1.shape, "fmap2", fmap2.shape);
    const auto& dims_B = fmap1.shape;  // no structured binding: captured by lambdas (clang < 16)
    const auto B = dims_B.n, C = dims_B.c, H = dims_B.h, W = dims_B.w;
    const auto sizes = corr_pyramid_level_sizes(H, W, num_levels);
    const int64_t HW = H * W;
    CorrPyramid pyr{B, C, H, W, {}, {}, {}};
    // Level 0 = fmap1ᵀ · fmap2 / sqrt(C): rows of fmap1 channels-last against fmap2 as given
    // (channels-first).
    const auto f1 = detail::to_nhwc_padded(fmap1);
    std::vector<float> level0(static_cast<size_t>(B * HW * HW));
    const float divisor = std::sqrt(static_cast<float>(C));  // RAFT: corr / sqrt(tensor(dim).float())
    const int64_t blocks = (HW + kLevel0RowBlock - 1) / kLevel0RowBlock;
    oneapi::tbb::parallel_for(Range(0, B * blocks), [&](const Range& range) {
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t b = task / blocks, row0 = task % blocks * kLevel0RowBlock;
            const int64_t rows = std::min(kLevel0RowBlock, HW - row0);
            detail::matmul_rows_by_channels_first(f1.data() + (b * HW + row0) * C, C,
                                                  fmap2.data.data() + b * C * HW, HW, rows, HW, C, divisor,
                                                  level0.data() + (b * HW + row0) * HW, HW);
        }
    });
    pyr.levels.push_back(std::move(level0));
    for (int l = 1; l < num_levels; ++l) {
        const auto& pair_h = sizes[l - 1];  // no structured binding: captured by lambdas (clang < 16)
        const auto h = pair_h.first, w = pair_h.second;
        pyr.levels.push_back(pool_images(pyr.levels.back(), B * HW, h, w));
    }
    for (const auto& [h, w] : sizes) {
        pyr.level_h.push_back(h);
        pyr.level_w.push_back(w);
    }
    return pyr;
}

CorrelationArray corr_lookup_cpu(const CorrPyramid& pyramid, const NchwView& coords, int radius) {
    const NchwShape fshape{pyramid.batch, pyramid.channels, pyramid.height, pyramid.width};
    const int L = pyramid.num_levels();
    if (L < 1 || pyramid.level_h.size() != static_cast<size_t>(L)) {
        fail("{}: pyramid has no levels (build it with corr_pyramid_cpu)", kOp);
    }
    detail::check_view(kOp, "coords", coords);
    if (!(coords.shape == NchwShape{fshape.n, 2, fshape.h, fshape.w})) {
        fail("{}: coords must be [B, 2, H, W] = [{}, 2, {}, {}] (pyramid of {}), got {}", kOp, fshape.n,
             fshape.h, fshape.w, fshape, coords.shape);
    }
    if (radius < 0) fail("{}: radius must be >= 0, got {}", kOp, radius);
    const auto shape = corr_lookup_output_shape(fshape, L, radius);
    CorrelationArray out{{shape.begin(), shape.end()},
                         std::vector<float>(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3]))};
    const int64_t H = fshape.h, W = fshape.w, HW = H * W, K = 2 * int64_t{radius} + 1;
    const float* cx = coords.data.data();
    oneapi::tbb::parallel_for(Range(0, fshape.n * H), [&](const Range& range) {
        for (int64_t task = range.begin(); task < range.end(); ++task) {
            const int64_t b = task / H, h1 = task % H;
            for (int64_t w1 = 0; w1 < W; ++w1) {
                const int64_t p1 = h1 * W + w1;
                const float x = cx[(b * 2 + 0) * HW + p1], y = cx[(b * 2 + 1) * HW + p1];
                for (int l = 0; l < L; ++l) {
                    const int64_t lh = pyramid.level_h[l], lw = pyramid.level_w[l];
                    const float* img = pyramid.levels[l].data() + (b * HW + p1) * lh * lw;
                    const float scale = static_cast<float>(int64_t{1} << l);
                    const float xc = x / scale, yc = y / scale;  // RAFT: coords / 2**i
                    for (int64_t a = 0; a < K; ++a) {
                        for (int64_t bb = 0; bb < K; ++bb) {
                            const float v = sample_level(img, lh, lw, yc + static_cast<float>(bb - radius),
                                                         xc + static_cast<float>(a - radius));
                            out.data[((b * shape[1] + l * K * K + a * K + bb) * H + h1) * W + w1] = v;
                        }
                    }
                }
            }
        }
    });
    return out;
}

}  // namespace tilesim::ops
