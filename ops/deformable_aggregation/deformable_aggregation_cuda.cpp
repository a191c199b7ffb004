// Stubs of deformable aggregation's CUDA reference for builds without its kernels: the backend is reported
// unavailable. Compiled unless CUDA is on and deformable_aggregation_cuda.cu exists (the `cuda` branch
// provides the kernels and replaces this file).
#include "ops/deformable_aggregation/deformable_aggregation_cuda.hpp"

#include "tilesim/error.hpp"

#if !defined(TILESIM_HAVE_CUDA) || !__has_include("ops/deformable_aggregation/deformable_aggregation_cuda.cu")
namespace tilesim::ops {
namespace {
[[noreturn]] void unavailable() {
    throw BackendUnavailable(
        "deformable_aggregation: backend 'cuda' is unavailable: tilesim was built without its CUDA kernels");
}
}  // namespace

HostArray<float> deformable_aggregation_forward_cuda(const ArrayView<float>&, const ArrayView<int32_t>&,
                                                     const ArrayView<int32_t>&, const ArrayView<float>&,
                                                     const ArrayView<float>&) {
    unavailable();
}
DeformableAggregationGrads deformable_aggregation_backward_cuda(
    const ArrayView<float>&, const ArrayView<int32_t>&, const ArrayView<int32_t>&, const ArrayView<float>&,
    const ArrayView<float>&, const ArrayView<float>&) {
    unavailable();
}
}  // namespace tilesim::ops
#endif
