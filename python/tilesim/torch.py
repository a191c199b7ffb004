"""torch.autograd.Function wrappers: drop-in replacements for the ops in a model, with backward from
tilesim's CPU reference gradients.

    import tilesim.torch
    y = tilesim.torch.grid_sample(x, grid, align_corners=False)   # like F.grid_sample
    y.sum().backward()

The forward runs where ``backend`` says (cpu | sim | cuda); the backward always runs on the CPU reference.
Gradients are float32 (the ops compute in float32) and are cast to each input's dtype.
"""

import torch as _torch

import tilesim as _ts


def _grads(inputs, grads):
    return tuple(g.to(x.dtype) if g is not None else None for x, g in zip(inputs, grads))


class GridSampleFunction(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, grid, mode, padding_mode, align_corners, options):
        ctx.save_for_backward(input, grid)
        ctx.args = (mode, padding_mode, align_corners)
        return _ts.grid_sample(input, grid, mode, padding_mode, align_corners, **options)

    @staticmethod
    def backward(ctx, grad_output):
        input, grid = ctx.saved_tensors
        gi, gg = _ts.grid_sample_backward(grad_output.contiguous(), input, grid, *ctx.args)
        return (*_grads((input, grid), (gi, gg)), None, None, None, None)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=False, **options):
    """F.grid_sample with autograd (input and grid gradients)."""
    return GridSampleFunction.apply(input, grid, mode, padding_mode, align_corners, options)


def _paired_function(forward, backward):
    """An autograd Function for an op of two differentiable feature maps and keyword parameters."""

    class Function(_torch.autograd.Function):
        @staticmethod
        def forward(ctx, input1, input2, params, options):
            ctx.save_for_backward(input1, input2)
            ctx.params = params
            return forward(input1, input2, **params, **options)

        @staticmethod
        def backward(ctx, grad_output):
            a, b = ctx.saved_tensors
            g = backward(grad_output.contiguous(), a, b, **ctx.params)
            return (*_grads((a, b), g), None, None)

    return Function


SpatialCorrelationFunction = _paired_function(_ts.spatial_correlation, _ts.spatial_correlation_backward)
CorrelationFunction = _paired_function(_ts.correlation, _ts.correlation_backward)


def spatial_correlation(input1, input2, kernel_size=1, patch_size=1, stride=1, padding=0, dilation=1,
                        dilation_patch=1, **options):
    geometry = dict(kernel_size=kernel_size, patch_size=patch_size, stride=stride, padding=padding,
                    dilation=dilation, dilation_patch=dilation_patch)
    return SpatialCorrelationFunction.apply(input1, input2, geometry, options)


def correlation(input1, input2, pad_size=4, kernel_size=1, max_displacement=4, stride1=1, stride2=1,
                is_multiply=True, **options):
    params = dict(pad_size=pad_size, kernel_size=kernel_size, max_displacement=max_displacement,
                  stride1=stride1, stride2=stride2, is_multiply=is_multiply)
    return CorrelationFunction.apply(input1, input2, params, options)


class CorrLookupFunction(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, fmap1, fmap2, coords, num_levels, radius, options):
        ctx.save_for_backward(fmap1, fmap2, coords)
        ctx.params = (num_levels, radius)
        return _ts.corr_lookup(fmap1, fmap2, coords, num_levels, radius, **options)

    @staticmethod
    def backward(ctx, grad_output):
        f1, f2, coords = ctx.saved_tensors
        g = _ts.corr_lookup_backward(grad_output.contiguous(), f1, f2, coords, *ctx.params)
        return (*_grads((f1, f2), g), None, None, None, None)


def corr_lookup(fmap1, fmap2, coords, num_levels=4, radius=4, **options):
    """RAFT's lookup with gradients for fmap1 and fmap2 (coords get none, as RAFT detaches them)."""
    return CorrLookupFunction.apply(fmap1, fmap2, coords, num_levels, radius, options)


class DeformableAggregationFunction(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights, options):
        ctx.save_for_backward(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights)
        return _ts.deformable_aggregation(mc_ms_feat, spatial_shape, scale_start_index, sampling_location,
                                          weights, **options)

    @staticmethod
    def backward(ctx, grad_output):
        feat, shape, start, loc, w = ctx.saved_tensors
        gf, gl, gw = _ts.deformable_aggregation_backward(grad_output.contiguous(), feat, shape, start, loc, w)
        gf, gl, gw = _grads((feat, loc, w), (gf, gl, gw))
        return gf, None, None, gl, gw, None


def deformable_aggregation(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights, **options):
    """SparseDrive's DeformableAggregationFunction.apply, with its backward."""
    return DeformableAggregationFunction.apply(mc_ms_feat, spatial_shape, scale_start_index, sampling_location,
                                               weights, options)


class SampleSumFunction(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, images, samples, weights, options):
        ctx.save_for_backward(images, samples, weights)
        return _ts.sample_sum(images, samples, weights, **options)

    @staticmethod
    def backward(ctx, grad_output):
        inputs = ctx.saved_tensors
        g = _ts.sample_sum_backward(grad_output.contiguous(), *inputs)
        return (*_grads(inputs, g), None)


def sample_sum(images, samples, weights, **options):
    return SampleSumFunction.apply(images, samples, weights, options)


class SampleDotFunction(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, images, samples, queries, depths, num_octaves, options):
        ctx.save_for_backward(images, samples, queries, depths)
        ctx.num_octaves = num_octaves
        return _ts.sample_dot(images, samples, queries, depths, num_octaves, **options)

    @staticmethod
    def backward(ctx, grad_output):
        inputs = ctx.saved_tensors
        g = _ts.sample_dot_backward(grad_output.contiguous(), *inputs, ctx.num_octaves)
        return (*_grads(inputs, g), None, None)


def sample_dot(images, samples, queries, depths, num_octaves, **options):
    return SampleDotFunction.apply(images, samples, queries, depths, num_octaves, options)
