#pragma once
// CUDA reference of FlowNet's correlation layer (kernels in correlation_cuda.cu, built when CMake finds the
// CUDA toolkit). Same arguments, validation and results as flownet_correlation_reference.hpp (multiply and
// subtraction modes); forward and backward are deterministic. Throws InvalidArgument for invalid inputs,
// and BackendUnavailable (one line naming the op) when tilesim was built without CUDA or no CUDA device is
// present. Device-pointer entries: correlation_launch_cuda.hpp.
#include "ops/correlation/correlation_engine.hpp"
#include "ops/correlation/flownet_correlation_reference.hpp"

namespace tilesim::ops {

// Result [N, D * D, oH, oW].
CorrelationArray flownet_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                                  const FlowNetCorrelationParams& p);

CorrelationGrads flownet_correlation_backward_cuda(std::span<const float> grad_output, const NchwView& input1,
                                                   const NchwView& input2, const FlowNetCorrelationParams& p);

// The engine geometry launch_correlation_*_cuda runs for these arguments (validates them).
detail::CorrelationGeometry flownet_correlation_cuda_geometry(const FlowNetCorrelationParams& p,
                                                              const NchwShape& input);

}  // namespace tilesim::ops
