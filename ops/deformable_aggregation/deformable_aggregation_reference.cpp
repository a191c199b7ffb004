#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"

#include <limits>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "ops/deformable_aggregation/detail/channel_kernels.hpp"
#include "ops/deformable_aggregation/detail/deformable_aggregation_inputs.hpp"

namespace tilesim::ops {
namespace {

using detail::deformable_taps;
using detail::DeformableDims;
using detail::location_is_sampled;
using oneapi::tbb::blocked_range;
using oneapi::tbb::parallel_for;

struct FeatureMapsShape {
    int64_t bs, num_cams, channels;
    int64_t total_pixels;  // Σ_scale H * W, one camera's share of num_feat
};

FeatureMapsShape check_feature_maps(std::span<const ArrayView<float>> maps) {
    constexpr std::string_view op = "feature_maps_format";
    if (maps.empty())
        fail("{}: feature_maps is empty, expected one [bs, num_cams, C, H, W] map per scale", op);
    FeatureMapsShape s{};
    for (size_t i = 0; i < maps.size(); ++i) {
        const auto name = fmt::format("feature_maps[{}]", i);
        check_rank(op, name, maps[i], 5, "[bs, num_cams, C, H, W]");
        const auto& d = maps[i].shape;
        if (i == 0) s = {d[0], d[1], d[2], 0};
        if (d[0] != s.bs || d[1] != s.num_cams || d[2] != s.channels) {
            fail("{}: {} is {}, expected bs, num_cams, C = {}, {}, {} as feature_maps[0]", op, name,
                 shape_str(d), s.bs, s.num_cams, s.channels);
        }
        if (d[3] < 1 || d[4] < 1) fail("{}: {} is {}, expected H >= 1 and W >= 1", op, name, shape_str(d));
        s.total_pixels += d[3] * d[4];
    }
    if (s.num_cams * s.total_pixels > std::numeric_limits<int32_t>::max()) {
        fail("{}: num_cams * Σ H*W = {} does not fit the int32 scale_start_index", op,
             s.num_cams * s.total_pixels);
    }
    return s;
}

}  // namespace

FormattedFeatureMaps feature_maps_format(std::span<const ArrayView<float>> feature_maps) {
    const FeatureMapsShape s = check_feature_maps(feature_maps);
    const auto num_scale = static_cast<int64_t>(feature_maps.size());
    const int64_t num_feat = s.num_cams * s.total_pixels, C = s.channels;
    FormattedFeatureMaps f{HostArray<float>({s.bs, num_feat, C}),
                           HostArray<int32_t>({s.num_cams, num_scale, 2}),
                           HostArray<int32_t>({s.num_cams, num_scale})};
    // SparseDrive: cat over scales of [bs, cams, C, H*W], permute to [bs, cams, Σ HW, C], flatten(1, 2):
    // camera-major, then scale, then pixel.
    int64_t start = 0;
    for (int64_t cam = 0; cam < s.num_cams; ++cam) {
        for (int64_t sc = 0; sc < num_scale; ++sc) {
            const auto& d = feature_maps[static_cast<size_t>(sc)].shape;
            const auto i = static_cast<size_t>(cam * num_scale + sc);
            f.spatial_shape.data[2 * i] = static_cast<int32_t>(d[3]);
            f.spatial_shape.data[2 * i + 1] = static_cast<int32_t>(d[4]);
            f.scale_start_index.data[i] = static_cast<int32_t>(start);
            start += d[3] * d[4];
        }
    }
    // One task per (b, cam, scale) transposes that map from [C, H*W] to [H*W, C].
    parallel_for(
        blocked_range<int64_t>(0, s.bs * s.num_cams * num_scale), [&](const blocked_range<int64_t>& r) {
            for (int64_t t = r.begin(); t != r.end(); ++t) {
                const int64_t sc = t % num_scale, cam = (t / num_scale) % s.num_cams,
                              b = t / (num_scale * s.num_cams);
                const auto& map = feature_maps[static_cast<size_t>(sc)];
                const int64_t hw = map.shape[3] * map.shape[4];
                const float* src = map.data.data() + (b * s.num_cams + cam) * C * hw;
                float* dst =
                    f.mc_ms_feat.data.data() +
                    (b * num_feat + f.scale_start_index.data[static_cast<size_t>(cam * num_scale + sc)]) * C;
                for (int64_t p = 0; p < hw; ++p) {
                    for (int64_t c = 0; c < C; ++c) dst[p * C + c] = src[c * hw + p];
                }
            }
        });
    return f;
}

HostArray<float> deformable_aggregation_forward_cpu(const ArrayView<float>& mc_ms_feat,
                                                    const ArrayView<int32_t>& spatial_shape,
                                                    const ArrayView<int32_t>& scale_start_index,
                                                    const ArrayView<float>& sampling_location,
                                                    const ArrayView<float>& weights) {
    const DeformableDims d = detail::validate_deformable_inputs(
        "deformable_aggregation", mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights);
    HostArray<float> out({d.bs, d.num_anchor, d.channels});
    const ChannelKernels& k = channel_kernels();
    const std::vector<float> zero_row(static_cast<size_t>(d.channels), 0.f);
    const float* loc = sampling_location.data.data();
    detail::for_each_map_and_row(d, [&](int64_t cam, int64_t sc, const blocked_range<int64_t>& rows) {
        const auto& m = d.map(cam, sc);
        for (int64_t row = rows.begin(); row != rows.end(); ++row) {
            const float* map =
                mc_ms_feat.data.data() + ((row / d.num_anchor) * d.num_feat + m.start) * d.channels;
            float* out_row = out.data.data() + row * d.channels;
            for (int64_t pt = 0; pt < d.num_pts; ++pt) {
                const float* xy = loc + d.location_offset(row, pt, cam);
                if (!location_is_sampled(xy[0], xy[1])) continue;
                const PixelTaps t = deformable_taps(xy[0], xy[1], m);
                const float* taps[4];
                tap_rows(t, map, d.channels, 0, zero_row.data(), taps);
                k.grouped_blend4_accumulate(taps, t.weight,
                                            weights.data.data() + d.weight_offset(row, pt, cam, sc),
                                            d.num_groups, d.group_size, out_row);
            }
        }
    });
    return out;
}

}  // namespace tilesim::ops
