// SparseDrive's deformable aggregation (+ feature_maps_format) and the fused sample_sum / sample_dot:
// forward on every backend, backward on the CPU reference.
#include "bindings.hpp"
#include "ops/deformable_aggregation/deformable_aggregation.hpp"
#include "ops/deformable_aggregation/deformable_aggregation_reference.hpp"
#include "ops/fused_grid_ops/fused_grid_ops.hpp"
#include "ops/fused_grid_ops/fused_grid_ops_reference.hpp"

namespace tilesim::python {

namespace {
using IntArray = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

ops::ArrayView<int32_t> int_view(const IntArray& a) {
    return {{a.data(), static_cast<size_t>(a.size())}, dims_of(a)};
}

}  // namespace

void bind_sampling_ops(py::module_& m) {
    m.def(
        "_deformable_aggregation",
        [](const FloatArray& mc_ms_feat, const FloatArray& spatial_shape, const FloatArray& scale_start_index,
           const FloatArray& sampling_location, const FloatArray& weights, const RunArgs& run) {
            const char* op = "deformable_aggregation";
            const ops::FloatInput feat = float_input(mc_ms_feat);
            const Tensor shape = to_tensor(spatial_shape, op, "spatial_shape");
            const Tensor start = to_tensor(scale_start_index, op, "scale_start_index");
            const ops::FloatInput loc = float_input(sampling_location);
            const ops::FloatInput w = float_input(weights);
            ops::DeformableAggregationResult r;
            {
                InterruptibleCall call;
                r = ops::deformable_aggregation(feat, shape, start, loc, w, run.device_run_options());
            }
            return op_result(std::move(r));
        },
        py::arg("mc_ms_feat"), py::arg("spatial_shape"), py::arg("scale_start_index"),
        py::arg("sampling_location"), py::arg("weights"), py::arg("run"));
    m.def(
        "_deformable_aggregation_backward",
        [](const FloatArray& grad_output, const FloatArray& mc_ms_feat, const IntArray& spatial_shape,
           const IntArray& scale_start_index, const FloatArray& sampling_location,
           const FloatArray& weights) {
            ops::DeformableAggregationGrads g;
            {
                InterruptibleCall call;
                g = ops::deformable_aggregation_backward_cpu(
                    array_view(mc_ms_feat), int_view(spatial_shape), int_view(scale_start_index),
                    array_view(sampling_location), array_view(weights), array_view(grad_output));
            }
            return py::make_tuple(to_numpy(std::move(g.grad_mc_ms_feat)),
                                  to_numpy(std::move(g.grad_sampling_location)),
                                  to_numpy(std::move(g.grad_weights)));
        },
        py::arg("grad_output"), py::arg("mc_ms_feat"), py::arg("spatial_shape"), py::arg("scale_start_index"),
        py::arg("sampling_location"), py::arg("weights"));
    m.def(
        "feature_maps_format",
        [](const std::vector<FloatArray>& feature_maps) {
            std::vector<ops::ArrayView<float>> views;
            for (const FloatArray& f : feature_maps) views.push_back(array_view(f));
            ops::FormattedFeatureMaps r;
            {
                InterruptibleCall call;
                r = ops::feature_maps_format(views);
            }
            py::list out;
            out.append(to_numpy(std::move(r.mc_ms_feat)));
            out.append(to_numpy(std::move(r.spatial_shape)));
            out.append(to_numpy(std::move(r.scale_start_index)));
            return out;
        },
        py::arg("feature_maps"),
        "SparseDrive's feature_maps_format: per-scale maps [bs, num_cams, C, H, W] -> [mc_ms_feat [bs, "
        "num_feat, "
        "C], spatial_shape [num_cams, num_scale, 2] (int32), scale_start_index [num_cams, num_scale] "
        "(int32)].");

    m.def(
        "_sample_sum",
        [](const FloatArray& images, const FloatArray& samples, const FloatArray& weights,
           const RunArgs& run) {
            const ops::FloatInput i = float_input(images);
            const ops::FloatInput s = float_input(samples);
            const ops::FloatInput w = float_input(weights);
            ops::FusedGridOpsResult r;
            {
                InterruptibleCall call;
                r = ops::sample_sum(i, s, w, run.device_run_options());
            }
            return op_result(std::move(r));
        },
        py::arg("images"), py::arg("samples"), py::arg("weights"), py::arg("run"));
    m.def(
        "_sample_sum_backward",
        [](const FloatArray& grad_output, const FloatArray& images, const FloatArray& samples,
           const FloatArray& weights) {
            ops::SampleSumGrads g;
            {
                InterruptibleCall call;
                g = ops::sample_sum_backward_cpu(array_view(images), array_view(samples), array_view(weights),
                                                 array_view(grad_output));
            }
            return py::make_tuple(to_numpy(std::move(g.grad_images)), to_numpy(std::move(g.grad_samples)),
                                  to_numpy(std::move(g.grad_weights)));
        },
        py::arg("grad_output"), py::arg("images"), py::arg("samples"), py::arg("weights"));
    m.def(
        "_sample_dot",
        [](const FloatArray& images, const FloatArray& samples, const FloatArray& queries,
           const FloatArray& depths, int64_t num_octaves, const RunArgs& run) {
            const ops::FloatInput i = float_input(images);
            const ops::FloatInput s = float_input(samples);
            const ops::FloatInput q = float_input(queries);
            const ops::FloatInput d = float_input(depths);
            ops::FusedGridOpsResult r;
            {
                InterruptibleCall call;
                r = ops::sample_dot(i, s, q, d, num_octaves, run.device_run_options());
            }
            return op_result(std::move(r));
        },
        py::arg("images"), py::arg("samples"), py::arg("queries"), py::arg("depths"), py::arg("num_octaves"),
        py::arg("run"));
    m.def(
        "_sample_dot_backward",
        [](const FloatArray& grad_output, const FloatArray& images, const FloatArray& samples,
           const FloatArray& queries, const FloatArray& depths, int64_t num_octaves) {
            ops::SampleDotGrads g;
            {
                InterruptibleCall call;
                g = ops::sample_dot_backward_cpu(array_view(images), array_view(samples), array_view(queries),
                                                 array_view(depths), num_octaves, array_view(grad_output));
            }
            return py::make_tuple(to_numpy(std::move(g.grad_images)), to_numpy(std::move(g.grad_samples)),
                                  to_numpy(std::move(g.grad_queries)), to_numpy(std::move(g.grad_depths)));
        },
        py::arg("grad_output"), py::arg("images"), py::arg("samples"), py::arg("queries"), py::arg("depths"),
        py::arg("num_octaves"));
}

}  // namespace tilesim::python
