#pragma once
// CUDA reference of the spatial correlation sampler (kernels in correlation_cuda.cu, built when CMake finds
// the CUDA toolkit). Same arguments, validation and results as spatial_correlation_reference.hpp; forward
// and backward are deterministic. Throws InvalidArgument for invalid inputs, and BackendUnavailable (one
// line naming the op) when tilesim was built without CUDA or no CUDA device is present. Device-pointer
// entries: correlation_launch_cuda.hpp.
#include "ops/correlation/correlation_engine.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::ops {

// Result shape [B, patchH, patchW, oH, oW] (flatten_patch_dims gives the [B, P, oH, oW] view).
CorrelationArray spatial_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                                  const SpatialCorrelationParams& p);

CorrelationGrads spatial_correlation_backward_cuda(std::span<const float> grad_output, const NchwView& input1,
                                                   const NchwView& input2, const SpatialCorrelationParams& p);

// The engine geometry launch_correlation_*_cuda runs for these arguments (validates them).
detail::CorrelationGeometry spatial_correlation_cuda_geometry(const SpatialCorrelationParams& p,
                                                              const NchwShape& input);

}  // namespace tilesim::ops
