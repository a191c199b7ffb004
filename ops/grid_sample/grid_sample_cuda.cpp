// Host side of grid_sample's CUDA reference: validation, copies to and from the GPU, and, in a build
// without the CUDA toolkit, the launcher stubs (the kernels are in grid_sample_cuda.cu).
#include "ops/grid_sample/grid_sample_cuda.hpp"

#include "ops/common/cuda_device.hpp"
#include "ops/grid_sample/detail/grid_sample_cpu_detail.hpp"

namespace tilesim::ops {
namespace {

constexpr const char* kOp = "grid_sample";

size_t input_bytes(const GridSampleShape& s) {
    return sizeof(float) * static_cast<size_t>(s.n * s.c * s.h * s.w);
}
size_t grid_bytes(const GridSampleShape& s) {
    return sizeof(float) * static_cast<size_t>(s.n * s.out_h * s.out_w * 2);
}
size_t output_bytes(const GridSampleShape& s) {
    return sizeof(float) * static_cast<size_t>(s.n * s.c * s.out_h * s.out_w);
}

}  // namespace

void grid_sample_forward_cuda(const float* input, const float* grid, float* output,
                              const GridSampleShape& shape, ChannelLayout layout,
                              const GridSampleOptions& options) {
    detail::check_grid_sample_shape(shape, layout);
    require_cuda_device(kOp);
    const CudaBuffer d_input(input, input_bytes(shape)), d_grid(grid, grid_bytes(shape));
    const CudaBuffer d_output(output_bytes(shape));
    launch_grid_sample_forward_cuda(d_input.floats(), d_grid.floats(), d_output.floats(), shape, layout,
                                    options);
    d_output.copy_to_host(output, output_bytes(shape));
}

void grid_sample_backward_cuda(const float* grad_output, const float* input, const float* grid,
                               float* grad_input, float* grad_grid, const GridSampleShape& shape,
                               ChannelLayout layout, const GridSampleOptions& options) {
    detail::check_grid_sample_shape(shape, layout);
    require_cuda_device(kOp);
    const CudaBuffer d_grad_output(grad_output, output_bytes(shape)), d_input(input, input_bytes(shape)),
        d_grid(grid, grid_bytes(shape));
    const CudaBuffer d_grad_input(input_bytes(shape)), d_grad_grid(grid_bytes(shape));
    launch_grid_sample_backward_cuda(d_grad_output.floats(), d_input.floats(), d_grid.floats(),
                                     d_grad_input.floats(), d_grad_grid.floats(), shape, layout, options);
    d_grad_input.copy_to_host(grad_input, input_bytes(shape));
    d_grad_grid.copy_to_host(grad_grid, grid_bytes(shape));
}

#ifndef TILESIM_HAVE_CUDA
void launch_grid_sample_forward_cuda(const float*, const float*, float*, const GridSampleShape&,
                                     ChannelLayout, const GridSampleOptions&) {
    throw_cuda_backend_unavailable(kOp);
}
void launch_grid_sample_backward_cuda(const float*, const float*, const float*, float*, float*,
                                      const GridSampleShape&, ChannelLayout, const GridSampleOptions&) {
    throw_cuda_backend_unavailable(kOp);
}
#endif

}  // namespace tilesim::ops
