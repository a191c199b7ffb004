#include "ops/deformable_aggregation/deformable_aggregation.hpp"

#include <cmath>

#include "ops/common/channel_layout.hpp"
#include "ops/common/detail/device_cache.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_cuda.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
constexpr std::string_view kOp = "deformable_aggregation";

std::vector<int64_t> dims64(const Shape& s) {
    return {s.dims().begin(), s.dims().end()};
}

// The Float32 ROW_MAJOR view of an argument: the tensor itself when it already is one (no copy).
const Tensor& as_float32(const Tensor& t, const char* what, Tensor& converted) {
    if (t.layout() != Layout::ROW_MAJOR) fail("{}: {} must be ROW_MAJOR, got {}", kOp, what, t.layout());
    if (t.dtype() == DataType::Float32) return t;
    converted = t.to_dtype(DataType::Float32);
    return converted;
}

ArrayView<float> view(const Tensor& t) {
    return {t.data<float>(), dims64(t.shape())};
}

Tensor to_tensor(const HostArray<float>& a) {
    std::vector<uint32_t> dims(a.shape.begin(), a.shape.end());
    return Tensor::from_floats(Shape(dims), a.data);
}
}  // namespace

HostArray<int32_t> nonnegative_integer_array(const Tensor& t, std::string_view op, std::string_view name) {
    HostArray<int32_t> a(dims64(t.shape()));
    if (t.dtype() == DataType::Int32) {
        const auto v = t.data<int32_t>();
        std::copy(v.begin(), v.end(), a.data.begin());
        return a;
    }
    const std::vector<float> v = t.to_floats();
    for (size_t i = 0; i < v.size(); ++i) {
        // Integers up to 2^31 - 128 are exact in float32; anything from 2^31 up does not fit int32.
        if (!(v[i] >= 0.f && v[i] < 2147483648.f) || std::floor(v[i]) != v[i]) {
            fail("{}: {} must hold non-negative integers (stored as float32), got {} at flat index {}", op,
                 name, v[i], i);
        }
        a.data[i] = static_cast<int32_t>(v[i]);
    }
    return a;
}

DeformableAggregationResult deformable_aggregation(
    const Tensor& mc_ms_feat_arg, const Tensor& spatial_shape_arg, const Tensor& scale_start_index_arg,
    const Tensor& sampling_location_arg, const Tensor& weights_arg, const DeformableAggregationArgs& args) {
    if (args.dtype != DataType::Float32 && args.dtype != DataType::BFloat16) {
        fail("{}: dtype must be float32 or bfloat16, got {}", kOp, args.dtype);
    }
    Tensor feat_f32, loc_f32, weights_f32;
    const Tensor& feat = as_float32(mc_ms_feat_arg, "mc_ms_feat", feat_f32);
    const Tensor& loc = as_float32(sampling_location_arg, "sampling_location", loc_f32);
    const Tensor& weights = as_float32(weights_arg, "weights", weights_f32);
    const HostArray<int32_t> spatial_shape =
        nonnegative_integer_array(spatial_shape_arg, kOp, "spatial_shape");
    const HostArray<int32_t> start_index =
        nonnegative_integer_array(scale_start_index_arg, kOp, "scale_start_index");
    DeformableAggregationResult result;
    if (args.backend == Backend::Sim) {
        SamplingDeviceOptions o;
        o.dtype = args.dtype;
        o.buffering_factor = args.buffering_factor;
        o.core_grid = args.core_grid;
        o.fp32_dest_acc_en = args.fp32_dest_acc_en;
        DeformableAggregationDeviceResult r = deformable_aggregation_device(
            cached_device(args.device), feat, spatial_shape, start_index, loc, weights, o, args.run);
        result.output = std::move(r.output);
        result.report = std::move(r.report);
        result.program = std::move(r.info);
        return result;
    }
    // The device options describe how the simulated program is built; the references ignore them.
    const Tensor feat_bf16 = args.dtype == DataType::BFloat16 ? round_to_bf16(feat) : Tensor();
    const ArrayView<float> feat_view = view(args.dtype == DataType::BFloat16 ? feat_bf16 : feat);
    const HostArray<float> out = args.backend == Backend::Cpu
                                     ? deformable_aggregation_forward_cpu(
                                           feat_view, spatial_shape, start_index, view(loc), view(weights))
                                     : deformable_aggregation_forward_cuda(
                                           feat_view, spatial_shape, start_index, view(loc), view(weights));
    result.output = to_tensor(out);
    if (args.dtype == DataType::BFloat16) result.output = round_to_bf16(result.output);
    return result;
}

}  // namespace tilesim::ops
