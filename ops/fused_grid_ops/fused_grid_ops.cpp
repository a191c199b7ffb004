#include "ops/fused_grid_ops/fused_grid_ops.hpp"

#include "ops/common/channel_layout.hpp"
#include "ops/common/detail/device_cache.hpp"
#include "ops/deformable_aggregation/host_array.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_cuda.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {

// The Float32 ROW_MAJOR form of every argument (no copy when it already is one).
struct Float32Args {
    std::vector<Tensor> converted;
    std::vector<const Tensor*> tensors;
    Float32Args(std::string_view op, std::initializer_list<std::pair<const char*, const Tensor*>> args) {
        converted.reserve(args.size());
        for (const auto& [name, t] : args) {
            if (t->layout() != Layout::ROW_MAJOR)
                fail("{}: {} must be ROW_MAJOR, got {}", op, name, t->layout());
            if (t->dtype() == DataType::Float32) {
                tensors.push_back(t);
            } else {
                converted.push_back(t->to_dtype(DataType::Float32));
                tensors.push_back(&converted.back());
            }
        }
    }
    const Tensor& operator[](size_t i) const { return *tensors[i]; }
};

void check_dtype(std::string_view op, DataType dtype) {
    if (dtype != DataType::Float32 && dtype != DataType::BFloat16) {
        fail("{}: dtype must be float32 or bfloat16, got {}", op, dtype);
    }
}

// images [b, c, h, w] -> [b, h, w, c] for the device (as tt-metal's channels-last ops take them).
Tensor channels_last(std::string_view op, const Tensor& images) {
    if (images.shape().rank() != 4) fail("{}: images must be [b, c, h, w], got {}", op, images.shape());
    return nchw_to_nhwc(images);
}

SamplingDeviceOptions device_options(const FusedGridOpsArgs& a) {
    SamplingDeviceOptions o;
    o.dtype = a.dtype;
    o.buffering_factor = a.buffering_factor;
    o.core_grid = a.core_grid;
    o.fp32_dest_acc_en = a.fp32_dest_acc_en;
    return o;
}

FusedGridOpsResult from_device_result(FusedGridDeviceResult r) {
    FusedGridOpsResult result;
    result.output = std::move(r.output);
    result.report = std::move(r.report);
    result.program = std::move(r.info);
    return result;
}

ArrayView<float> view(const Tensor& t) {
    return {t.data<float>(), {t.shape().dims().begin(), t.shape().dims().end()}};
}

// A reference's output as a tensor, rounded to bf16 when the op runs in bf16.
FusedGridOpsResult from_reference(const HostArray<float>& out, DataType dtype) {
    FusedGridOpsResult result;
    result.output =
        Tensor::from_floats(Shape(std::vector<uint32_t>(out.shape.begin(), out.shape.end())), out.data);
    if (dtype == DataType::BFloat16) result.output = round_to_bf16(result.output);
    return result;
}

// What a bf16 tensor looks like to the fp32 references.
Tensor as_dtype(const Tensor& t, DataType dtype) {
    return dtype == DataType::BFloat16 ? round_to_bf16(t) : t;
}

}  // namespace

FusedGridOpsResult sample_sum(const Tensor& images_arg, const Tensor& samples_arg, const Tensor& weights_arg,
                              const FusedGridOpsArgs& args) {
    check_dtype("sample_sum", args.dtype);
    const Float32Args in("sample_sum",
                         {{"images", &images_arg}, {"samples", &samples_arg}, {"weights", &weights_arg}});
    if (args.backend == Backend::Sim) {
        return from_device_result(sample_sum_device(cached_device(args.device),
                                                    channels_last("sample_sum (sim)", in[0]), in[1], in[2],
                                                    device_options(args), args.run));
    }
    const Tensor images = as_dtype(in[0], args.dtype);
    const HostArray<float> out = args.backend == Backend::Cpu
                                     ? sample_sum_forward_cpu(view(images), view(in[1]), view(in[2]))
                                     : sample_sum_forward_cuda(view(images), view(in[1]), view(in[2]));
    return from_reference(out, args.dtype);
}

FusedGridOpsResult sample_dot(const Tensor& images_arg, const Tensor& samples_arg, const Tensor& queries_arg,
                              const Tensor& depths_arg, int64_t num_octaves, const FusedGridOpsArgs& args) {
    check_dtype("sample_dot", args.dtype);
    const Float32Args in("sample_dot", {{"images", &images_arg},
                                        {"samples", &samples_arg},
                                        {"queries", &queries_arg},
                                        {"depths", &depths_arg}});
    if (args.backend == Backend::Sim) {
        return from_device_result(sample_dot_device(cached_device(args.device),
                                                    channels_last("sample_dot (sim)", in[0]), in[1], in[2],
                                                    in[3], num_octaves, device_options(args), args.run));
    }
    const Tensor images = as_dtype(in[0], args.dtype), queries = as_dtype(in[2], args.dtype);
    const HostArray<float> out =
        args.backend == Backend::Cpu
            ? sample_dot_forward_cpu(view(images), view(in[1]), view(queries), view(in[3]), num_octaves)
            : sample_dot_forward_cuda(view(images), view(in[1]), view(queries), view(in[3]), num_octaves);
    return from_reference(out, args.dtype);
}

}  // namespace tilesim::ops
