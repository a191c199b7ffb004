// grid_sample (forward on every backend, backward on the CPU reference) and affine_grid.
#include "bindings.hpp"
#include "ops/grid_sample/grid_sample.hpp"

namespace tilesim::python {

namespace {
py::array new_float_array(const std::vector<int64_t>& shape) {
    return py::array_t<float>(std::vector<py::ssize_t>(shape.begin(), shape.end()));
}

void check_same_shape(const char* op, const char* name, const std::vector<int64_t>& got,
                      const std::vector<int64_t>& expected) {
    if (got != expected) {
        fail("{}: {} must be {}, got {}", op, name, ops::shape_str(expected), ops::shape_str(got));
    }
}

py::tuple grid_sample(const FloatArray& input, const FloatArray& grid, const std::string& mode,
                      const std::string& padding_mode, bool align_corners, const std::string& input_layout,
                      const std::string& memory, uint32_t grid_batching, bool precomputed_grid,
                      bool split_reader, uint32_t num_shard_cores, const RunArgs& run) {
    ops::GridSampleArgs a;
    static_cast<ops::DeviceRunOptions&>(a) = run.device_run_options();
    a.mode = ops::parse_grid_sample_mode(mode);
    a.padding_mode = ops::parse_padding_mode(padding_mode);
    a.align_corners = align_corners;
    a.input_layout = ops::parse_channel_layout(input_layout);
    a.memory = ops::parse_grid_sample_memory(memory);
    a.grid_batching = grid_batching;
    a.precomputed_grid = precomputed_grid;
    a.split_reader = split_reader;
    a.num_shard_cores = num_shard_cores;
    ops::GridSampleResult r;
    {
        InterruptibleCall call;  // the CPU reference reads the arrays where they are (no copy)
        r = ops::grid_sample(float_input(input), float_input(grid), a);
    }
    return op_result(std::move(r));
}

py::tuple grid_sample_backward(const FloatArray& grad_output, const FloatArray& input, const FloatArray& grid,
                               const std::string& mode, const std::string& padding_mode, bool align_corners,
                               const std::string& input_layout) {
    const ops::ChannelLayout layout = ops::parse_channel_layout(input_layout);
    const ops::GridSampleOptions options{ops::parse_grid_sample_mode(mode),
                                         ops::parse_padding_mode(padding_mode), align_corners};
    const ops::GridSampleShape shape =
        ops::validate_grid_sample_shapes(dims_of(input), dims_of(grid), layout);
    check_same_shape("grid_sample_backward", "grad_output", dims_of(grad_output),
                     ops::grid_sample_output_shape(shape, layout));
    py::array grad_input = new_float_array(dims_of(input));
    py::array grad_grid = new_float_array(dims_of(grid));
    float* gi = static_cast<float*>(grad_input.mutable_data());
    float* gg = static_cast<float*>(grad_grid.mutable_data());
    {
        InterruptibleCall call;
        ops::grid_sample_backward_cpu(grad_output.data(), input.data(), grid.data(), gi, gg, shape, layout,
                                      options);
    }
    return py::make_tuple(grad_input, grad_grid);
}

py::array affine_grid(const FloatArray& theta, const std::vector<uint32_t>& size, bool align_corners) {
    Tensor grid;
    {
        InterruptibleCall call;
        grid = ops::affine_grid(float_input(theta), Shape(size), align_corners);
    }
    return to_numpy(std::move(grid));
}
}  // namespace

void bind_grid_sample(py::module_& m) {
    m.def("_grid_sample", &grid_sample, py::arg("input"), py::arg("grid"), py::arg("mode"),
          py::arg("padding_mode"), py::arg("align_corners"), py::arg("input_layout"), py::arg("memory"),
          py::arg("grid_batching"), py::arg("precomputed_grid"), py::arg("split_reader"),
          py::arg("num_shard_cores"), py::arg("run"));
    m.def("_grid_sample_backward", &grid_sample_backward, py::arg("grad_output"), py::arg("input"),
          py::arg("grid"), py::arg("mode"), py::arg("padding_mode"), py::arg("align_corners"),
          py::arg("input_layout"));
    m.def("_affine_grid", &affine_grid, py::arg("theta"), py::arg("size"), py::arg("align_corners"));
}

}  // namespace tilesim::python
