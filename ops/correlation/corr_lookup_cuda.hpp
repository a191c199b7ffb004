#pragma once
// CUDA reference of RAFT's correlation pyramid and lookup (kernels in corr_lookup_cuda.cu, built when CMake
// finds the CUDA toolkit). Same arguments, validation and results as corr_lookup_reference.hpp. Throws
// InvalidArgument for invalid inputs, and BackendUnavailable (one line naming the op) when tilesim was
// built without CUDA or no CUDA device is present. Device-pointer entries: correlation_launch_cuda.hpp.
#include "ops/correlation/corr_lookup_reference.hpp"

namespace tilesim::ops {

// CorrBlock.__init__ on the GPU; the pyramid is returned to the host.
CorrPyramid corr_pyramid_cuda(const NchwView& fmap1, const NchwView& fmap2, int num_levels = 4);

// CorrBlock.__call__(coords) on the GPU (the pyramid is copied there).
CorrelationArray corr_lookup_cuda(const CorrPyramid& pyramid, const NchwView& coords, int radius = 4);

// AlternateCorrBlock(fmap1, fmap2, num_levels, radius)(coords): same values, no volume.
CorrelationArray corr_lookup_alternate_cuda(const NchwView& fmap1, const NchwView& fmap2,
                                            const NchwView& coords, int num_levels = 4, int radius = 4);

// d/d fmap1 (deterministic) and d/d fmap2 (atomicAdd scatter: rounding may vary from run to run by a few
// ulp) of either lookup; coords are constant, as RAFT detaches them.
CorrelationGrads corr_lookup_backward_cuda(std::span<const float> grad_output, const NchwView& fmap1,
                                           const NchwView& fmap2, const NchwView& coords, int num_levels = 4,
                                           int radius = 4);

}  // namespace tilesim::ops
