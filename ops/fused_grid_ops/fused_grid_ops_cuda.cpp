// Stubs of the sample_sum / sample_dot CUDA references for builds without their kernels: the backend is
// reported unavailable. Compiled unless CUDA is on and fused_grid_ops_cuda.cu exists (the `cuda` branch
// provides the kernels and replaces this file).
#include "ops/fused_grid_ops/fused_grid_ops_cuda.hpp"

#include "tilesim/error.hpp"

#if !defined(TILESIM_HAVE_CUDA) || !__has_include("ops/fused_grid_ops/fused_grid_ops_cuda.cu")
namespace tilesim::ops {
namespace {
[[noreturn]] void unavailable(const char* op) {
    fail<BackendUnavailable>("{}: backend 'cuda' is unavailable: tilesim was built without its CUDA kernels",
                             op);
}
}  // namespace

HostArray<float> sample_sum_forward_cuda(const ArrayView<float>&, const ArrayView<float>&,
                                         const ArrayView<float>&) {
    unavailable("sample_sum");
}
SampleSumGrads sample_sum_backward_cuda(const ArrayView<float>&, const ArrayView<float>&,
                                        const ArrayView<float>&, const ArrayView<float>&) {
    unavailable("sample_sum");
}
HostArray<float> sample_dot_forward_cuda(const ArrayView<float>&, const ArrayView<float>&,
                                         const ArrayView<float>&, const ArrayView<float>&, int64_t) {
    unavailable("sample_dot");
}
SampleDotGrads sample_dot_backward_cuda(const ArrayView<float>&, const ArrayView<float>&,
                                        const ArrayView<float>&, const ArrayView<float>&, int64_t,
                                        const ArrayView<float>&) {
    unavailable("sample_dot");
}
}  // namespace tilesim::ops
#endif
