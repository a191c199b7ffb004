#pragma once
// The correlation family's CUDA kernels on device pointers (data already on the GPU), for the host
// wrappers (spatial_correlation_cuda.hpp, flownet_correlation_cuda.hpp, corr_lookup_cuda.hpp) and for
// benchmarks that time the kernels alone. Each call enqueues its kernels on the default stream and
// returns without waiting; launch errors are thrown. Sizes must be valid (the wrappers check them with
// the CPU references' validation); they are not re-checked. Plain C++17 for nvcc and host code.
#include <cstdint>

#include "ops/correlation/correlation_engine.hpp"

namespace tilesim::ops {

// ---- Spatial correlation sampler and FlowNet correlation: the patch-correlation engine of
// correlation_engine.hpp on NCHW float32 inputs. g.height / g.width are the sizes of the images the
// engine reads, i.e. the inputs' H + 2 g.pad and W + 2 g.pad: the zero border is virtual (never
// materialised). Build g with spatial_correlation_cuda_geometry / flownet_correlation_cuda_geometry.

// input1, input2 [batch, channels, H, W]; output [batch, patch_h * patch_w, out_h, out_w].
void launch_correlation_forward_cuda(const float* input1, const float* input2, float* output,
                                     const detail::CorrelationGeometry& g);
// grad_input1, grad_input2 (like the inputs) are overwritten; deterministic (one thread per element
// gathers its terms in the CPU reference's order).
void launch_correlation_backward_cuda(const float* grad_output, const float* input1, const float* input2,
                                      float* grad_input1, float* grad_input2,
                                      const detail::CorrelationGeometry& g);

// ---- RAFT correlation pyramid and lookup. Level l has (H >> l) x (W >> l) pixels (floor-halved l
// times, as avg_pool2d(2, stride 2) sizes it).
struct CorrLookupCudaDims {
    int64_t batch, channels, height, width;
    int num_levels, radius;
};

// Floats of the concatenated pyramid: level l is [batch * H * W, H >> l, W >> l], level 0 first.
int64_t corr_pyramid_floats(const CorrLookupCudaDims& d);
// Floats of scratch the lookups need (the pooled fmap2 levels; the backward adds per-cell gradients and the
// pooled levels' gradients).
int64_t corr_lookup_workspace_floats(const CorrLookupCudaDims& d, bool backward);

// CorrBlock.__init__: fmap1, fmap2 [B, C, H, W] -> pyramid (corr_pyramid_floats).
void launch_corr_pyramid_cuda(const float* fmap1, const float* fmap2, float* pyramid,
                              const CorrLookupCudaDims& d);
// CorrBlock.__call__: coords [B, 2, H, W] -> output [B, L (2r+1)^2, H, W].
void launch_corr_lookup_cuda(const float* pyramid, const float* coords, float* output,
                             const CorrLookupCudaDims& d);
// AlternateCorrBlock: the same values from the feature maps (workspace: corr_lookup_workspace_floats(d,
// false)).
void launch_corr_lookup_alternate_cuda(const float* fmap1, const float* fmap2, const float* coords,
                                       float* output, float* workspace, const CorrLookupCudaDims& d);
// d/d fmap1 (deterministic) and d/d fmap2 (atomicAdd scatter: its rounding may vary from run to run), both
// overwritten; coords get no gradient (RAFT detaches them). workspace: corr_lookup_workspace_floats(d, true).
void launch_corr_lookup_backward_cuda(const float* grad_output, const float* fmap1, const float* fmap2,
                                      const float* coords, float* grad_fmap1, float* grad_fmap2,
                                      float* workspace, const CorrLookupCudaDims& d);

}  // namespace tilesim::ops
