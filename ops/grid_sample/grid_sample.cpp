#include "ops/grid_sample/grid_sample.hpp"

#include "ops/common/channel_layout.hpp"
#include "ops/common/detail/device_cache.hpp"
#include "ops/grid_sample/grid_sample_cuda.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace {
std::vector<int64_t> dims64(const Shape& s) {
    return {s.dims().begin(), s.dims().end()};
}

// The Float32 ROW_MAJOR view of an argument: the tensor itself when it already is one (no copy).
const Tensor& as_float32(const Tensor& t, const char* what, Tensor& converted) {
    if (t.layout() != Layout::ROW_MAJOR) fail("grid_sample: {} must be ROW_MAJOR, got {}", what, t.layout());
    if (t.dtype() == DataType::Float32) return t;
    converted = t.to_dtype(DataType::Float32);
    return converted;
}
}  // namespace

GridSampleResult grid_sample(const Tensor& input_arg, const Tensor& grid_arg, const GridSampleArgs& args) {
    if (args.dtype != DataType::Float32 && args.dtype != DataType::BFloat16) {
        fail("grid_sample: dtype must be float32 or bfloat16, got {}", args.dtype);
    }
    Tensor input_f32, grid_f32, input_bf16, grid_bf16;
    const Tensor* input = &as_float32(input_arg, "input", input_f32);
    const Tensor* grid = &as_float32(grid_arg, "grid", grid_f32);
    const GridSampleShape shape =
        validate_grid_sample_shapes(dims64(input->shape()), dims64(grid->shape()), args.input_layout);
    GridSampleResult result;
    if (args.backend == Backend::Sim) {
        Device& device = cached_device(args.device);
        GridSampleDeviceOptions o;
        o.mode = args.mode;
        o.padding_mode = args.padding_mode;
        o.align_corners = args.align_corners;
        o.dtype = args.dtype;
        o.grid_batching = args.grid_batching;
        o.precomputed_grid = args.precomputed_grid;
        o.split_reader = args.split_reader;
        o.memory = args.memory;
        o.num_shard_cores = args.num_shard_cores;
        o.buffering_factor = args.buffering_factor;
        o.core_grid = args.core_grid;
        o.io_layout = args.input_layout;
        o.tt_metal_kernel_paths = args.tt_metal_kernel_paths;
        GridSampleDeviceResult r = grid_sample_device(device, *input, *grid, o, args.run);
        result.output = std::move(r.output);
        result.report = std::move(r.report);
        result.program = std::move(r.info);
        return result;
    }
    // Device-layout options (memory, grid batching, precomputed grid, split reader, cores) describe how the
    // simulated program is built; the references compute the same function and ignore them.
    if (args.dtype == DataType::BFloat16) {
        input_bf16 = round_to_bf16(*input);
        grid_bf16 = round_to_bf16(*grid);
        input = &input_bf16;
        grid = &grid_bf16;
    }
    std::vector<uint32_t> out_dims;
    for (int64_t d : grid_sample_output_shape(shape, args.input_layout))
        out_dims.push_back(static_cast<uint32_t>(d));
    result.output = Tensor::uninitialized(Shape(out_dims), DataType::Float32);  // every value is written
    const GridSampleOptions options{args.mode, args.padding_mode, args.align_corners};
    const float* in = input->data<float>().data();
    const float* g = grid->data<float>().data();
    float* out = result.output.data<float>().data();
    if (args.backend == Backend::Cpu) {
        grid_sample_forward_cpu(in, g, out, shape, args.input_layout, options);
    } else {
        grid_sample_forward_cuda(in, g, out, shape, args.input_layout, options);
    }
    if (args.dtype == DataType::BFloat16) result.output = round_to_bf16(result.output);
    return result;
}

Tensor affine_grid(const Tensor& theta_arg, const Shape& size, bool align_corners) {
    Tensor converted;
    const Tensor& theta = as_float32(theta_arg, "theta", converted);
    if (theta.shape().rank() != 3 || theta.shape()[1] != 2 || theta.shape()[2] != 3) {
        fail("affine_grid: theta must be [N, 2, 3], got {}", theta.shape());
    }
    if (size.rank() != 4 || size[0] != theta.shape()[0] || size.volume() == 0) {
        fail("affine_grid: size must be [N, C, H, W] with N = {} and no zero dims, got {}", theta.shape()[0],
             size);
    }
    Tensor grid(Shape{size[0], size[2], size[3], 2}, DataType::Float32);
    affine_grid_cpu(theta.data<float>().data(), grid.data<float>().data(), size[0], size[2], size[3],
                    align_corners);
    return grid;
}

}  // namespace tilesim::ops
