// The correlation family: ClementPinard's spatial correlation sampler, FlowNet's correlation, RAFT's
// correlation lookup (and its pyramid as CorrBlock), forward on every backend, backward on the CPU reference.
#include "bindings.hpp"
#include "ops/correlation/correlation.hpp"

namespace tilesim::python {

namespace {
using Pair = std::pair<int, int>;

ops::SpatialCorrelationParams spatial_params(Pair kernel_size, Pair patch_size, Pair stride, Pair padding,
                                             Pair dilation, Pair dilation_patch) {
    auto pair = [](Pair p) { return ops::IntPair(p.first, p.second); };
    return ops::make_spatial_correlation_params(pair(kernel_size), pair(patch_size), pair(stride),
                                                pair(padding), pair(dilation), pair(dilation_patch));
}

py::tuple grads(ops::CorrelationGrads&& g, const FloatArray& a, const FloatArray& b) {
    return py::make_tuple(to_numpy(std::move(g.grad_input1), dims_of(a)),
                          to_numpy(std::move(g.grad_input2), dims_of(b)));
}

void check_grad_count(const char* op, const FloatArray& grad_output, int64_t expected) {
    if (grad_output.size() != expected) {
        fail("{}: grad_output must have the output's {} values, got {} (shape {})", op, expected,
             grad_output.size(), ops::shape_str(dims_of(grad_output)));
    }
}

int64_t volume(std::span<const int64_t> dims) {
    int64_t v = 1;
    for (int64_t d : dims) v *= d;
    return v;
}

// RAFT's CorrBlock: the all-pairs correlation pyramid of two feature maps, looked up at coordinates.
struct CorrBlock {
    ops::CorrPyramid pyramid;
    int radius = 4;
};

void bind_corr_block(py::module_& m) {
    py::class_<CorrBlock>(m, "CorrBlock",
                          "RAFT's CorrBlock(fmap1, fmap2, num_levels=4, radius=4): the correlation pyramid, "
                          "called with coords [B, 2, H, W] -> [B, num_levels * (2 radius + 1)^2, H, W].")
        .def(py::init([](const FloatArray& fmap1, const FloatArray& fmap2, int num_levels, int radius) {
                 const ops::NchwView f1 = nchw_view(fmap1, "CorrBlock", "fmap1");
                 const ops::NchwView f2 = nchw_view(fmap2, "CorrBlock", "fmap2");
                 if (radius < 0) fail("CorrBlock: radius must be >= 0, got {}", radius);
                 CorrBlock block;
                 block.radius = radius;
                 InterruptibleCall call;
                 block.pyramid = ops::corr_pyramid_cpu(f1, f2, num_levels);
                 return block;
             }),
             py::arg("fmap1"), py::arg("fmap2"), py::arg("num_levels") = 4, py::arg("radius") = 4)
        .def_property_readonly("num_levels", [](const CorrBlock& b) { return b.pyramid.num_levels(); })
        .def_readonly("radius", &CorrBlock::radius)
        .def_property_readonly(
            "corr_pyramid",
            [](const CorrBlock& b) {
                py::list levels;
                const int64_t rows = b.pyramid.batch * b.pyramid.height * b.pyramid.width;
                for (int l = 0; l < b.pyramid.num_levels(); ++l) {
                    std::vector<float> copy = b.pyramid.levels[l];
                    levels.append(
                        to_numpy(std::move(copy), {rows, 1, b.pyramid.level_h[l], b.pyramid.level_w[l]}));
                }
                return levels;
            },
            "The levels as RAFT holds them: [B * H * W, 1, h_l, w_l] each (copies).")
        .def("__call__", [](const CorrBlock& b, const FloatArray& coords) {
            const ops::NchwView c = nchw_view(coords, "CorrBlock", "coords");
            ops::CorrelationArray out;
            {
                InterruptibleCall call;
                out = ops::corr_lookup_cpu(b.pyramid, c, b.radius);
            }
            return to_numpy(std::move(out.data), out.shape);
        });
}
}  // namespace

void bind_correlation(py::module_& m) {
    m.def(
        "_spatial_correlation",
        [](const FloatArray& input1, const FloatArray& input2, Pair kernel_size, Pair patch_size, Pair stride,
           Pair padding, Pair dilation, Pair dilation_patch, const RunArgs& run) {
            const ops::FloatInput a = float_input(input1);
            const ops::FloatInput b = float_input(input2);
            const auto params =
                spatial_params(kernel_size, patch_size, stride, padding, dilation, dilation_patch);
            ops::CorrelationResult r;
            {
                InterruptibleCall call;
                r = ops::spatial_correlation(a, b, params, run.device_run_options());
            }
            return op_result(std::move(r));
        },
        py::arg("input1"), py::arg("input2"), py::arg("kernel_size"), py::arg("patch_size"),
        py::arg("stride"), py::arg("padding"), py::arg("dilation"), py::arg("dilation_patch"),
        py::arg("run"));
    m.def("_spatial_correlation_preset", [](const std::string& name) {
        const ops::SpatialCorrelationParams p = ops::spatial_correlation_preset(name);
        py::dict d;
        d["kernel_size"] = Pair{p.kH, p.kW};
        d["patch_size"] = Pair{p.patchH, p.patchW};
        d["stride"] = Pair{p.strideH, p.strideW};
        d["padding"] = Pair{p.padH, p.padW};
        d["dilation"] = Pair{p.dilationH, p.dilationW};
        d["dilation_patch"] = Pair{p.dilation_patchH, p.dilation_patchW};
        return d;
    });
    m.def(
        "_spatial_correlation_backward",
        [](const FloatArray& grad_output, const FloatArray& input1, const FloatArray& input2,
           Pair kernel_size, Pair patch_size, Pair stride, Pair padding, Pair dilation, Pair dilation_patch) {
            const char* op = "spatial_correlation_backward";
            const ops::NchwView a = nchw_view(input1, op, "input1"), b = nchw_view(input2, op, "input2");
            const auto p = spatial_params(kernel_size, patch_size, stride, padding, dilation, dilation_patch);
            check_grad_count(op, grad_output, volume(ops::spatial_correlation_output_shape(p, a.shape)));
            ops::CorrelationGrads g;
            {
                InterruptibleCall call;
                g = ops::spatial_correlation_backward_cpu({grad_output.data(), size_t(grad_output.size())}, a,
                                                          b, p);
            }
            return grads(std::move(g), input1, input2);
        },
        py::arg("grad_output"), py::arg("input1"), py::arg("input2"), py::arg("kernel_size"),
        py::arg("patch_size"), py::arg("stride"), py::arg("padding"), py::arg("dilation"),
        py::arg("dilation_patch"));

    auto flownet_params = [](int pad_size, int kernel_size, int max_displacement, int stride1, int stride2,
                             bool is_multiply) {
        return ops::FlowNetCorrelationParams{pad_size, kernel_size, max_displacement,
                                             stride1,  stride2,     is_multiply};
    };
    m.def(
        "_correlation",
        [flownet_params](const FloatArray& input1, const FloatArray& input2, int pad_size, int kernel_size,
                         int max_displacement, int stride1, int stride2, bool is_multiply,
                         const RunArgs& run) {
            const ops::FloatInput a = float_input(input1);
            const ops::FloatInput b = float_input(input2);
            const auto p =
                flownet_params(pad_size, kernel_size, max_displacement, stride1, stride2, is_multiply);
            ops::CorrelationResult r;
            {
                InterruptibleCall call;
                r = ops::flownet_correlation(a, b, p, run.device_run_options());
            }
            return op_result(std::move(r));
        },
        py::arg("input1"), py::arg("input2"), py::arg("pad_size"), py::arg("kernel_size"),
        py::arg("max_displacement"), py::arg("stride1"), py::arg("stride2"), py::arg("is_multiply"),
        py::arg("run"));
    m.def(
        "_correlation_backward",
        [flownet_params](const FloatArray& grad_output, const FloatArray& input1, const FloatArray& input2,
                         int pad_size, int kernel_size, int max_displacement, int stride1, int stride2,
                         bool is_multiply) {
            const char* op = "correlation_backward";
            const ops::NchwView a = nchw_view(input1, op, "input1"), b = nchw_view(input2, op, "input2");
            const auto p =
                flownet_params(pad_size, kernel_size, max_displacement, stride1, stride2, is_multiply);
            check_grad_count(op, grad_output, volume(ops::flownet_correlation_output_shape(p, a.shape)));
            ops::CorrelationGrads g;
            {
                InterruptibleCall call;
                g = ops::flownet_correlation_backward_cpu({grad_output.data(), size_t(grad_output.size())}, a,
                                                          b, p);
            }
            return grads(std::move(g), input1, input2);
        },
        py::arg("grad_output"), py::arg("input1"), py::arg("input2"), py::arg("pad_size"),
        py::arg("kernel_size"), py::arg("max_displacement"), py::arg("stride1"), py::arg("stride2"),
        py::arg("is_multiply"));

    m.def(
        "_corr_lookup",
        [](const FloatArray& fmap1, const FloatArray& fmap2, const FloatArray& coords, int num_levels,
           int radius, const RunArgs& run) {
            const ops::FloatInput a = float_input(fmap1);
            const ops::FloatInput b = float_input(fmap2);
            const ops::FloatInput c = float_input(coords);
            ops::CorrelationResult r;
            {
                InterruptibleCall call;
                r = ops::corr_lookup(a, b, c, num_levels, radius, run.device_run_options());
            }
            return op_result(std::move(r));
        },
        py::arg("fmap1"), py::arg("fmap2"), py::arg("coords"), py::arg("num_levels"), py::arg("radius"),
        py::arg("run"));
    m.def(
        "_corr_lookup_backward",
        [](const FloatArray& grad_output, const FloatArray& fmap1, const FloatArray& fmap2,
           const FloatArray& coords, int num_levels, int radius) {
            const char* op = "corr_lookup_backward";
            const ops::NchwView a = nchw_view(fmap1, op, "fmap1"), b = nchw_view(fmap2, op, "fmap2");
            const ops::NchwView c = nchw_view(coords, op, "coords");
            ops::validate_corr_lookup(a, b, c, num_levels, radius);
            check_grad_count(op, grad_output,
                             volume(ops::corr_lookup_output_shape(a.shape, num_levels, radius)));
            ops::CorrelationGrads g;
            {
                InterruptibleCall call;
                g = ops::corr_lookup_backward_cpu({grad_output.data(), size_t(grad_output.size())}, a, b, c,
                                                  num_levels, radius);
            }
            return grads(std::move(g), fmap1, fmap2);
        },
        py::arg("grad_output"), py::arg("fmap1"), py::arg("fmap2"), py::arg("coords"), py::arg("num_levels"),
        py::arg("radius"));
    bind_corr_block(m);
}

}  // namespace tilesim::python
