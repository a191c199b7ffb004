#include "ops/grid_sample/grid_sample.hpp"

#include "ops/grid_sample/grid_sample_cuda.hpp"
#include "tilesim/error.hpp"

namespace tilesim::ops {

GridSampleResult grid_sample(const FloatInput& input_arg, const FloatInput& grid_arg,
                             const GridSampleArgs& args) {
    check_dtype("grid_sample", args, {DataType::Float32, DataType::BFloat16});
    const GridSampleShape shape =
        validate_grid_sample_shapes(input_arg.shape(), grid_arg.shape(), args.input_layout);
    GridSampleResult result;
    if (args.backend == Backend::Sim) {
        GridSampleDeviceResult r =
            grid_sample_device(run_device(args), input_arg.to_tensor("grid_sample", "input"),
                               grid_arg.to_tensor("grid_sample", "grid"), args);
        result.output = std::move(r.output);
        result.report = std::move(r.report);
        result.program = std::move(r.info);
        return result;
    }
    // Device-layout options (memory, grid batching, precomputed grid, split reader, cores) describe how the
    // simulated program is built; the references compute the same function and ignore them.
    const FloatInput input = input_arg.rounded_to(args.dtype), grid = grid_arg.rounded_to(args.dtype);
    result.output = reference_output(grid_sample_output_shape(shape, args.input_layout));  // written in full
    const GridSampleOptions options{args.mode, args.padding_mode, args.align_corners};
    float* out = result.output.data<float>().data();
    if (args.backend == Backend::Cpu) {
        grid_sample_forward_cpu(input.data(), grid.data(), out, shape, args.input_layout, options);
    } else {
        grid_sample_forward_cuda(input.data(), grid.data(), out, shape, args.input_layout, options);
    }
    round_output(result.output, args.dtype);
    return result;
}

Tensor affine_grid(const FloatInput& theta, const Shape& size, bool align_corners) {
    if (theta.rank() != 3 || theta.dim(1) != 2 || theta.dim(2) != 3) {
        fail("affine_grid: theta must be [N, 2, 3], got {}", shape_str(theta.shape()));
    }
    if (size.rank() != 4 || size[0] != theta.dim(0) || size.volume() == 0) {
        fail("affine_grid: size must be [N, C, H, W] with N = {} and no zero dims, got {}", theta.dim(0),
             size);
    }
    Tensor grid(Shape{size[0], size[2], size[3], 2}, DataType::Float32);
    affine_grid_cpu(theta.data(), grid.data<float>().data(), size[0], size[2], size[3], align_corners);
    return grid;
}

}  // namespace tilesim::ops
