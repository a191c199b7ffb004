#pragma once
// CUDA references of the correlation family (built when CMake finds the CUDA toolkit and .cu sources).
// Same contracts as the CPU references (same arguments, same validation, same outputs); host data in and
// out. Throw BackendUnavailable when built without CUDA or when no CUDA device is present.
#include "ops/correlation/flownet_correlation_reference.hpp"
#include "ops/correlation/raft_corr_reference.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::ops {

HostArray spatial_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                           const SpatialCorrelationParams& p);
HostArray flownet_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                           const FlowNetCorrelationParams& p);
HostArray corr_lookup_alternate_cuda(const NchwView& fmap1, const NchwView& fmap2, const NchwView& coords,
                                     int num_levels = 4, int radius = 4);

}  // namespace tilesim::ops
