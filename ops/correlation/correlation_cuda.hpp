#pragma once
// The CUDA references of the correlation family, as the front ends call them. They are written on the
// `cuda` branch, declared in spatial_correlation_cuda.hpp, flownet_correlation_cuda.hpp and
// raft_corr_cuda.hpp and defined in every build (their launchers throw BackendUnavailable without the CUDA
// toolkit or a GPU). Until those headers are in the tree, this header declares the three forward entry
// points with the same signatures and correlation.cpp defines stubs that throw BackendUnavailable.
// clang-format off
#if __has_include("ops/correlation/spatial_correlation_cuda.hpp") && \
    __has_include("ops/correlation/flownet_correlation_cuda.hpp") && \
    __has_include("ops/correlation/raft_corr_cuda.hpp")
// clang-format on
#include "ops/correlation/flownet_correlation_cuda.hpp"
#include "ops/correlation/raft_corr_cuda.hpp"
#include "ops/correlation/spatial_correlation_cuda.hpp"
#else
#define TILESIM_CORRELATION_CUDA_STUBS 1
#include "ops/correlation/flownet_correlation_reference.hpp"
#include "ops/correlation/raft_corr_reference.hpp"
#include "ops/correlation/spatial_correlation_reference.hpp"

namespace tilesim::ops {

HostArray spatial_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                           const SpatialCorrelationParams& p);
HostArray flownet_correlation_forward_cuda(const NchwView& input1, const NchwView& input2,
                                           const FlowNetCorrelationParams& p);
HostArray corr_lookup_alternate_cuda(const NchwView& fmap1, const NchwView& fmap2, const NchwView& coords,
                                     int num_levels, int radius);

}  // namespace tilesim::ops
#endif
