#include "ops/deformable_aggregation/deformable_aggregation.hpp"

#include <cmath>

#include "ops/deformable_aggregation/deformable_aggregation_cuda.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
constexpr std::string_view kOp = "deformable_aggregation";

std::vector<int64_t> dims64(const Shape& s) {
    return {s.dims().begin(), s.dims().end()};
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

DeformableAggregationResult deformable_aggregation(const FloatInput& mc_ms_feat,
                                                   const Tensor& spatial_shape_arg,
                                                   const Tensor& scale_start_index_arg,
                                                   const FloatInput& sampling_location,
                                                   const FloatInput& weights, const DeviceRunOptions& o) {
    check_dtype(kOp, o, {DataType::Float32, DataType::BFloat16});
    const HostArray<int32_t> spatial_shape =
        nonnegative_integer_array(spatial_shape_arg, kOp, "spatial_shape");
    const HostArray<int32_t> start_index =
        nonnegative_integer_array(scale_start_index_arg, kOp, "scale_start_index");
    DeformableAggregationResult result;
    if (o.backend == Backend::Sim) {
        DeformableAggregationDeviceResult r = deformable_aggregation_device(
            run_device(o), mc_ms_feat.to_tensor(kOp, "mc_ms_feat"), spatial_shape, start_index,
            sampling_location.to_tensor(kOp, "sampling_location"), weights.to_tensor(kOp, "weights"), o,
            o.run);
        result.output = std::move(r.output);
        result.report = std::move(r.report);
        result.program = std::move(r.info);
        return result;
    }
    // The device options describe how the simulated program is built; the references ignore them.
    const FloatInput feat = mc_ms_feat.rounded_to(o.dtype);
    result.output = reference_output(
        o.backend == Backend::Cpu
            ? deformable_aggregation_forward_cpu(feat, spatial_shape, start_index, sampling_location, weights)
            : deformable_aggregation_forward_cuda(feat, spatial_shape, start_index, sampling_location,
                                                  weights));
    round_output(result.output, o.dtype);
    return result;
}

}  // namespace tilesim::ops
