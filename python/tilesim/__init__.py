"""tilesim: a simulator of tt-metal style accelerators, and its ops on NumPy arrays and PyTorch tensors.

    import numpy as np, tilesim
    x = np.random.rand(1, 3, 8, 8).astype(np.float32)
    grid = np.random.uniform(-1, 1, (1, 5, 5, 2)).astype(np.float32)
    y = tilesim.grid_sample(x, grid)                                   # the CPU reference
    y, report = tilesim.grid_sample(x, grid, backend="sim", return_report=True)
    print(report.predicted_us, report.bound)

Every op takes PyTorch's (or the original package's) arguments, plus ``backend`` ("cpu" reference, "sim"
simulated device, "cuda" reference), ``dtype`` and the simulated device's options. The result comes back
as the inputs' kind (torch tensor in, torch tensor out). See docs/python.md.
"""

import functools as _functools
import os as _os

from ._paths import CONFIG_DIR as _CONFIG_DIR

if _CONFIG_DIR and "TILESIM_CONFIG_DIR" not in _os.environ:
    # Imported from the build tree: the device configs are the source tree's (an installed tilesim finds
    # <prefix>/share/tilesim/configs next to its library).
    _os.environ["TILESIM_CONFIG_DIR"] = _CONFIG_DIR

from . import _tilesim  # noqa: E402
from ._arrays import Inputs, to_array, to_int_array
from ._tilesim import (  # noqa: F401  (the public API)
    Buffer,
    BackendUnavailable,
    CircularBufferConfig,
    ComputeConfig,
    ConfigError,
    CoreCoord,
    CoreRange,
    CoreRangeSet,
    CorrBlock,
    CreateCircularBuffer,
    CreateKernel,
    CreateSemaphore,
    DataMovementConfig,
    DataType,
    DeadlockError,
    Device,
    DeviceTensor,
    EnqueueProgram,
    Error,
    GetRuntimeArgs,
    InvalidArgument,
    KernelBuildError,
    OutOfMemory,
    Program,
    ReaderDataMovementConfig,
    RunReport,
    SetCommonRuntimeArgs,
    SetRuntimeArgs,
    ShardSpec,
    TensorAccessorArgs,
    ValidateProgram,
    WatchdogTimeout,
    WatcherError,
    WorkSplit,
    WriterDataMovementConfig,
    allocate_on_device,
    assign_work,
    core_at_index,
    from_device,
    num_cores_to_corerangeset,
    round_to_dtype,
    split_work_to_cores,
    to_device,
)

__version__ = _tilesim.__version__


def _run_args(backend, dtype, device, core_grid, buffering_factor, host_threads, checks, trace,
              watchdog_seconds, fp32_dest_acc_en=None):
    core_grid = tuple(core_grid) if core_grid is not None else (0, 0)
    return _cached_run_args(backend, dtype, device, core_grid, buffering_factor, host_threads, checks, trace,
                            watchdog_seconds, fp32_dest_acc_en)


@_functools.lru_cache(maxsize=256)
def _cached_run_args(backend, dtype, device, core_grid, buffering_factor, host_threads, checks, trace,
                     watchdog_seconds, fp32_dest_acc_en):
    # RunArgs is read-only from Python, so calls with the same options share one (building it through
    # pybind11's keyword arguments costs more than a small op).
    return _tilesim.RunArgs(backend=backend, dtype=dtype, device=device, core_grid=core_grid,
                            buffering_factor=buffering_factor, fp32_dest_acc_en=fp32_dest_acc_en,
                            host_threads=host_threads, checks=checks, trace=trace,
                            watchdog_seconds=watchdog_seconds)


def _finish(inputs, result, return_report):
    out, report = result
    out = inputs.wrap(out)
    return (out, report) if return_report else out


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


# ---- grid_sample ------------------------------------------------------------------------------------------

def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=False, *,
                input_layout="nchw", backend="cpu", dtype=None, device="wormhole_b0", memory="interleaved",
                grid_batching=1, precomputed_grid=False, split_reader=False, num_shard_cores=0,
                buffering_factor=2, core_grid=None, host_threads=0, checks=True, trace=False,
                watchdog_seconds=60.0, return_report=False):
    """torch.nn.functional.grid_sample: input [N, C, H, W] (or [N, H, W, C] with input_layout="nhwc"),
    grid [N, H_out, W_out, 2] -> [N, C, H_out, W_out]. backend="sim" runs tt-metal's grid_sample program
    (memory "interleaved" | "height_sharded", grid_batching, precomputed_grid, split_reader); with
    return_report=True the call returns (output, RunReport) (the report is None off the simulator)."""
    inputs = Inputs(input, grid)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds)
    result = _tilesim._grid_sample(*inputs.arrays, mode, padding_mode, align_corners, input_layout, memory,
                                   grid_batching, precomputed_grid, split_reader, num_shard_cores, run)
    return _finish(inputs, result, return_report)


def grid_sample_backward(grad_output, input, grid, mode="bilinear", padding_mode="zeros", align_corners=False,
                         *, input_layout="nchw"):
    """Gradients of grid_sample (CPU reference): (grad_input, grad_grid)."""
    inputs = Inputs(grad_output, input, grid)
    gi, gg = _tilesim._grid_sample_backward(*inputs.arrays, mode, padding_mode, align_corners, input_layout)
    return inputs.wrap(gi), inputs.wrap(gg)


def affine_grid(theta, size, align_corners=False):
    """torch.nn.functional.affine_grid: theta [N, 2, 3], size [N, C, H, W] -> grid [N, H, W, 2]."""
    inputs = Inputs(theta)
    return inputs.wrap(_tilesim._affine_grid(inputs.arrays[0], [int(s) for s in size], align_corners))


# ---- correlation family -----------------------------------------------------------------------------------

def spatial_correlation(input1, input2, kernel_size=1, patch_size=1, stride=1, padding=0, dilation=1,
                        dilation_patch=1, *, preset=None, backend="cpu", dtype=None, device="wormhole_b0",
                        buffering_factor=2, core_grid=None, host_threads=0, checks=True, trace=False,
                        watchdog_seconds=60.0, return_report=False):
    """spatial_correlation_sampler's spatial_correlation_sample: input1, input2 [B, C, H, W] ->
    [B, patchH, patchW, oH, oW]. Each size is an int or an (h, w) pair. preset "flownetc" | "tracker9x9" |
    "pwcnet" replaces the six geometry arguments."""
    geometry = dict(kernel_size=kernel_size, patch_size=patch_size, stride=stride, padding=padding,
                    dilation=dilation, dilation_patch=dilation_patch)
    if preset is not None:
        geometry = _tilesim._spatial_correlation_preset(preset)
    geometry = {k: _pair(v) for k, v in geometry.items()}
    inputs = Inputs(input1, input2)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds)
    result = _tilesim._spatial_correlation(*inputs.arrays, run=run, **geometry)
    return _finish(inputs, result, return_report)


def spatial_correlation_backward(grad_output, input1, input2, kernel_size=1, patch_size=1, stride=1, padding=0,
                                 dilation=1, dilation_patch=1):
    """Gradients of spatial_correlation (CPU reference): (grad_input1, grad_input2)."""
    inputs = Inputs(grad_output, input1, input2)
    g1, g2 = _tilesim._spatial_correlation_backward(
        *inputs.arrays, _pair(kernel_size), _pair(patch_size), _pair(stride), _pair(padding), _pair(dilation),
        _pair(dilation_patch))
    return inputs.wrap(g1), inputs.wrap(g2)


def correlation(input1, input2, pad_size=4, kernel_size=1, max_displacement=4, stride1=1, stride2=1,
                is_multiply=True, *, backend="cpu", dtype=None, device="wormhole_b0", buffering_factor=2,
                core_grid=None, host_threads=0, checks=True, trace=False, watchdog_seconds=60.0,
                return_report=False):
    """FlowNet's correlation layer (flownet2-pytorch's Correlation): input1, input2 [N, C, H, W] ->
    [N, D * D, oH, oW], D = 2 (max_displacement // stride2) + 1."""
    inputs = Inputs(input1, input2)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds)
    result = _tilesim._correlation(*inputs.arrays, pad_size, kernel_size, max_displacement, stride1, stride2,
                                   is_multiply, run)
    return _finish(inputs, result, return_report)


def correlation_backward(grad_output, input1, input2, pad_size=4, kernel_size=1, max_displacement=4, stride1=1,
                         stride2=1, is_multiply=True):
    """Gradients of correlation (CPU reference): (grad_input1, grad_input2)."""
    inputs = Inputs(grad_output, input1, input2)
    g1, g2 = _tilesim._correlation_backward(*inputs.arrays, pad_size, kernel_size, max_displacement, stride1,
                                            stride2, is_multiply)
    return inputs.wrap(g1), inputs.wrap(g2)


def corr_lookup(fmap1, fmap2, coords, num_levels=4, radius=4, *, backend="cpu", dtype=None,
                device="wormhole_b0", buffering_factor=2, core_grid=None, host_threads=0, checks=True,
                trace=False, watchdog_seconds=60.0, return_report=False):
    """RAFT's correlation lookup (the values of CorrBlock / AlternateCorrBlock): fmap1, fmap2 [B, C, H, W],
    coords [B, 2, H, W] in pixels -> [B, num_levels * (2 radius + 1)^2, H, W]. See also CorrBlock."""
    inputs = Inputs(fmap1, fmap2, coords)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds)
    result = _tilesim._corr_lookup(*inputs.arrays, num_levels, radius, run)
    return _finish(inputs, result, return_report)


def corr_lookup_backward(grad_output, fmap1, fmap2, coords, num_levels=4, radius=4):
    """Gradients of corr_lookup w.r.t. fmap1 and fmap2 (coords are constant, as RAFT detaches them)."""
    inputs = Inputs(grad_output, fmap1, fmap2, coords)
    g1, g2 = _tilesim._corr_lookup_backward(*inputs.arrays, num_levels, radius)
    return inputs.wrap(g1), inputs.wrap(g2)


def corr_pyramid(fmap1, fmap2, num_levels=4):
    """RAFT's CorrBlock.corr_pyramid: a list of num_levels arrays [B * H * W, 1, h_l, w_l]."""
    inputs = Inputs(fmap1, fmap2)
    return [inputs.wrap(level) for level in CorrBlock(*inputs.arrays, num_levels).corr_pyramid]


# ---- deformable aggregation, sample_sum, sample_dot --------------------------------------------------------

def deformable_aggregation(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights, *,
                           backend="cpu", dtype=None, device="wormhole_b0", buffering_factor=2, core_grid=None,
                           fp32_dest_acc_en=None, host_threads=0, checks=True, trace=False,
                           watchdog_seconds=60.0, return_report=False):
    """SparseDrive's deformable_aggregation_function: mc_ms_feat [bs, num_feat, C], spatial_shape
    [num_cams, num_scale, 2], scale_start_index [num_cams, num_scale], sampling_location
    [bs, num_anchor, num_pts, num_cams, 2], weights [bs, num_anchor, num_pts, num_cams, num_scale, num_groups]
    -> [bs, num_anchor, C]. feature_maps_format() builds the first three from per-scale maps."""
    inputs = Inputs(mc_ms_feat, spatial_shape, scale_start_index, sampling_location, weights)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds, fp32_dest_acc_en)
    result = _tilesim._deformable_aggregation(*inputs.arrays, run)
    return _finish(inputs, result, return_report)


def deformable_aggregation_backward(grad_output, mc_ms_feat, spatial_shape, scale_start_index, sampling_location,
                                    weights):
    """Gradients as SparseDrive's backward kernel defines them: (grad_mc_ms_feat, grad_sampling_location,
    grad_weights)."""
    inputs = Inputs(grad_output, mc_ms_feat, sampling_location, weights)
    go, feat, loc, w = inputs.arrays
    grads = _tilesim._deformable_aggregation_backward(go, feat, to_int_array(spatial_shape),
                                                      to_int_array(scale_start_index), loc, w)
    return tuple(inputs.wrap(g) for g in grads)


def feature_maps_format(feature_maps):
    """SparseDrive's feature_maps_format: a list of per-scale maps [bs, num_cams, C, H, W] ->
    [mc_ms_feat, spatial_shape, scale_start_index]."""
    inputs = Inputs(*feature_maps)
    feat, shape, start = _tilesim.feature_maps_format(inputs.arrays)
    if inputs.torch_like is not None:
        torch = __import__("torch")
        return [inputs.wrap(feat), torch.from_numpy(shape), torch.from_numpy(start)]
    return [inputs.wrap(feat), shape, start]


def sample_sum(images, samples, weights, *, backend="cpu", dtype=None, device="wormhole_b0", buffering_factor=2,
               core_grid=None, fp32_dest_acc_en=None, host_threads=0, checks=True, trace=False,
               watchdog_seconds=60.0, return_report=False):
    """Fused grid_sample + weighted sum over depth samples: images [b, c, h, w], samples [b, q, d, 2],
    weights [b, hd, q, d] -> [b, hd, q, c]."""
    inputs = Inputs(images, samples, weights)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds, fp32_dest_acc_en)
    return _finish(inputs, _tilesim._sample_sum(*inputs.arrays, run), return_report)


def sample_sum_backward(grad_output, images, samples, weights):
    """(grad_images, grad_samples, grad_weights) of sample_sum (CPU reference)."""
    inputs = Inputs(grad_output, images, samples, weights)
    go, *rest = inputs.arrays
    return tuple(inputs.wrap(g) for g in _tilesim._sample_sum_backward(go, *rest))


def sample_dot(images, samples, queries, depths, num_octaves, *, backend="cpu", dtype=None, device="wormhole_b0",
               buffering_factor=2, core_grid=None, fp32_dest_acc_en=None, host_threads=0, checks=True,
               trace=False, watchdog_seconds=60.0, return_report=False):
    """Fused grid_sample + dot product with queries extended by a sinusoidal depth encoding: images
    [b, c, h, w], samples [b, q, d, 2], queries [b, hd, q, c - 2 num_octaves], depths [b, q, d] ->
    [b, hd, q, d]."""
    inputs = Inputs(images, samples, queries, depths)
    run = _run_args(backend, inputs.compute_dtype(dtype), device, core_grid, buffering_factor, host_threads,
                    checks, trace, watchdog_seconds, fp32_dest_acc_en)
    return _finish(inputs, _tilesim._sample_dot(*inputs.arrays, int(num_octaves), run), return_report)


def sample_dot_backward(grad_output, images, samples, queries, depths, num_octaves):
    """(grad_images, grad_samples, grad_queries, grad_depths) of sample_dot (CPU reference)."""
    inputs = Inputs(grad_output, images, samples, queries, depths)
    go, *rest = inputs.arrays
    return tuple(inputs.wrap(g) for g in _tilesim._sample_dot_backward(go, *rest, int(num_octaves)))


class CBIndex:
    """tt-metal's tt::CBIndex: c_0 ... c_31 are the CB indices 0 ... 31."""


for _i in range(32):
    setattr(CBIndex, f"c_{_i}", _i)
del _i


def sweep(config, client=None, **kwargs):
    """Runs a sweep config's points as tasks on a Dask distributed cluster (a LocalCluster by default) and
    writes the same CSV / JSON / SVG / HTML as `tilesim sweep`. See tilesim._sweep.sweep and docs/python.md."""
    from ._sweep import sweep as _run

    return _run(config, client, **kwargs)
