"""spatial_correlation, correlation (FlowNet) and corr_lookup / CorrBlock (RAFT) against PyTorch
implementations of the originals (references.py), forward on cpu and sim, backward and autograd."""

import numpy as np
import pytest

import tilesim
from conftest import uniform

torch = pytest.importorskip("torch")
import references  # noqa: E402  (needs torch)
import tilesim.torch  # noqa: E402

SPATIAL_CASES = [
    dict(kernel_size=1, patch_size=5, stride=1, padding=0, dilation=1, dilation_patch=1),
    dict(kernel_size=3, patch_size=(3, 5), stride=(2, 1), padding=1, dilation=1, dilation_patch=2),
    dict(kernel_size=(1, 3), patch_size=4, stride=1, padding=(0, 2), dilation=(1, 2), dilation_patch=1),
]


@pytest.mark.parametrize("geometry", SPATIAL_CASES)
def test_spatial_correlation_matches_reference(rng, geometry):
    a, b = uniform(rng, (2, 3, 9, 11)), uniform(rng, (2, 3, 9, 11))
    out = tilesim.spatial_correlation(a, b, **geometry)
    ref = references.spatial_correlation(torch.from_numpy(a), torch.from_numpy(b), **geometry)
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-5)


def test_spatial_correlation_sim_and_preset(rng):
    a, b = uniform(rng, (1, 5, 7, 9)), uniform(rng, (1, 5, 7, 9))
    out, report = tilesim.spatial_correlation(a, b, preset="pwcnet", backend="sim", return_report=True)
    ref = references.spatial_correlation(torch.from_numpy(a), torch.from_numpy(b), 1, 9, 1, 0, 1, 1)
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-4)
    assert report.program["factory"] and report.predicted_cycles > 0


@pytest.mark.parametrize("params", [
    dict(pad_size=3, kernel_size=1, max_displacement=3, stride1=1, stride2=1),
    dict(pad_size=4, kernel_size=3, max_displacement=4, stride1=2, stride2=2),
    dict(pad_size=2, kernel_size=1, max_displacement=2, stride1=1, stride2=1, is_multiply=False),
])
def test_flownet_correlation_matches_reference(rng, params):
    a, b = uniform(rng, (2, 4, 9, 13)), uniform(rng, (2, 4, 9, 13))
    out = tilesim.correlation(a, b, **params)
    ref = references.flownet_correlation(torch.from_numpy(a), torch.from_numpy(b), **params)
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-5)
    sim = tilesim.correlation(a, b, **params, backend="sim") if params.get("is_multiply", True) else out
    np.testing.assert_allclose(sim, ref.numpy(), atol=1e-4)


def test_corr_lookup_and_corr_block_match_raft(rng):
    f1, f2 = uniform(rng, (2, 6, 9, 11)), uniform(rng, (2, 6, 9, 11))
    coords = uniform(rng, (2, 2, 9, 11), -1, 12)
    ref = references.corr_lookup(*(torch.from_numpy(v) for v in (f1, f2, coords)), 2, 2)
    np.testing.assert_allclose(tilesim.corr_lookup(f1, f2, coords, 2, 2), ref.numpy(), atol=1e-4)
    np.testing.assert_allclose(tilesim.CorrBlock(f1, f2, 2, 2)(coords), ref.numpy(), atol=1e-4)
    sim = tilesim.corr_lookup(f1, f2, coords, 2, 2, backend="sim")
    np.testing.assert_allclose(sim, ref.numpy(), atol=1e-3)
    levels = tilesim.corr_pyramid(torch.from_numpy(f1), torch.from_numpy(f2), 2)
    assert [tuple(level.shape) for level in levels] == [(198, 1, 9, 11), (198, 1, 4, 5)]


def _check_grads(rng, tilesim_fn, reference_fn, inputs, differentiable):
    ref_inputs = [torch.from_numpy(v).requires_grad_(d) for v, d in zip(inputs, differentiable)]
    ts_inputs = [torch.from_numpy(v.copy()).requires_grad_(d) for v, d in zip(inputs, differentiable)]
    ref = reference_fn(*ref_inputs)
    out = tilesim_fn(*ts_inputs)
    torch.testing.assert_close(out, ref, atol=1e-4, rtol=1e-4)
    go = torch.from_numpy(uniform(rng, tuple(ref.shape)))
    ref.backward(go)
    out.backward(go)
    for r, t, d in zip(ref_inputs, ts_inputs, differentiable):
        if d:
            torch.testing.assert_close(t.grad, r.grad, atol=1e-4, rtol=1e-4)


def test_autograd_spatial_correlation(rng):
    g = SPATIAL_CASES[1]
    _check_grads(rng, lambda a, b: tilesim.torch.spatial_correlation(a, b, **g),
                 lambda a, b: references.spatial_correlation(a, b, **g),
                 [uniform(rng, (1, 3, 7, 8)), uniform(rng, (1, 3, 7, 8))], [True, True])


def test_autograd_flownet_correlation(rng):
    p = dict(pad_size=2, kernel_size=3, max_displacement=2, stride1=1, stride2=1)
    _check_grads(rng, lambda a, b: tilesim.torch.correlation(a, b, **p),
                 lambda a, b: references.flownet_correlation(a, b, **p),
                 [uniform(rng, (1, 3, 7, 9)), uniform(rng, (1, 3, 7, 9))], [True, True])


def test_autograd_corr_lookup(rng):
    coords = uniform(rng, (1, 2, 8, 9), 0.5, 7.5)
    _check_grads(rng, lambda a, b, c: tilesim.torch.corr_lookup(a, b, c, 2, 1),
                 lambda a, b, c: references.corr_lookup(a, b, c, 2, 1),
                 [uniform(rng, (1, 4, 8, 9)), uniform(rng, (1, 4, 8, 9)), coords], [True, True, False])


def test_float16_dtype_rounds_inputs(rng):
    a, b = uniform(rng, (1, 2, 5, 6)), uniform(rng, (1, 2, 5, 6))
    half = tilesim.spatial_correlation(torch.from_numpy(a).half(), torch.from_numpy(b).half(), patch_size=3)
    assert half.dtype == torch.float16
    full = tilesim.spatial_correlation(a, b, patch_size=3)
    np.testing.assert_allclose(half.float().numpy(), full, atol=2e-2)
