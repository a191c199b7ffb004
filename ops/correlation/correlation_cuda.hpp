#pragma once
// CUDA references of the correlation family, in one include: the spatial correlation sampler, FlowNet's
// correlation and RAFT's pyramid and lookups (forward and backward). Same contracts as the CPU references;
// host data in and out; BackendUnavailable when built without CUDA or when no CUDA device is present.
// Device-pointer entries: correlation_launch_cuda.hpp.
#include "ops/correlation/flownet_correlation_cuda.hpp"
#include "ops/correlation/raft_corr_cuda.hpp"
#include "ops/correlation/spatial_correlation_cuda.hpp"
