#pragma once
// The CUDA references of the correlation family, as the front ends call them: defined in every build
// (without the CUDA toolkit or a GPU they throw BackendUnavailable).
#include "ops/correlation/flownet_correlation_cuda.hpp"
#include "ops/correlation/corr_lookup_cuda.hpp"
#include "ops/correlation/spatial_correlation_cuda.hpp"
