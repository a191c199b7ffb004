"""tilesim.grid_sample and affine_grid against torch.nn.functional on random odd shapes."""

import numpy as np
import pytest

import tilesim
from conftest import uniform

torch = pytest.importorskip("torch")
F = torch.nn.functional


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_cpu_forward_matches_torch(rng, mode, padding_mode, align_corners):
    x = uniform(rng, (2, 3, 7, 11))
    grid = uniform(rng, (2, 5, 9, 2), -1.2, 1.2)
    out = tilesim.grid_sample(x, grid, mode, padding_mode, align_corners)
    ref = F.grid_sample(torch.from_numpy(x), torch.from_numpy(grid), mode, padding_mode, align_corners)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-5, atol=1e-5)


def test_nhwc_layout_matches_torch(rng):
    x = uniform(rng, (1, 9, 13, 5))  # [N, H, W, C]
    grid = uniform(rng, (1, 4, 3, 2))
    out = tilesim.grid_sample(x, grid, input_layout="nhwc")
    ref = F.grid_sample(torch.from_numpy(x).permute(0, 3, 1, 2), torch.from_numpy(grid), align_corners=False)
    np.testing.assert_allclose(out, ref.permute(0, 2, 3, 1).numpy(), atol=1e-5)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("memory", ["interleaved", "height_sharded"])
def test_sim_forward_matches_torch(rng, mode, memory):
    x = uniform(rng, (1, 5, 9, 7))
    grid = uniform(rng, (1, 3, 8, 2))
    out, report = tilesim.grid_sample(x, grid, mode, backend="sim", memory=memory, grid_batching=2,
                                      return_report=True)
    ref = F.grid_sample(torch.from_numpy(x), torch.from_numpy(grid), mode, align_corners=False)
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-4)
    assert report.predicted_us > 0 and report.program["num_cores"] >= 1


def test_sim_bfloat16_is_close_to_torch(rng):
    x = uniform(rng, (1, 4, 6, 5))
    grid = uniform(rng, (1, 3, 4, 2))
    out = tilesim.grid_sample(torch.from_numpy(x), torch.from_numpy(grid), backend="sim", dtype="bfloat16")
    ref = F.grid_sample(torch.from_numpy(x), torch.from_numpy(grid), align_corners=False)
    assert torch.allclose(out, ref, atol=3e-2)


def test_torch_in_torch_out_and_dtype_kept(rng):
    x = torch.from_numpy(uniform(rng, (1, 2, 5, 5))).double()
    grid = torch.from_numpy(uniform(rng, (1, 3, 3, 2))).double()
    out = tilesim.grid_sample(x, grid)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    torch.testing.assert_close(out, F.grid_sample(x, grid, align_corners=False), atol=1e-5, rtol=1e-5)
    bf = tilesim.grid_sample(x.bfloat16(), grid.bfloat16())
    assert bf.dtype == torch.bfloat16


def test_non_contiguous_and_requires_grad_inputs(rng):
    x = torch.from_numpy(uniform(rng, (1, 5, 7, 3))).permute(0, 3, 1, 2).requires_grad_()  # NCHW, strided
    grid = torch.from_numpy(uniform(rng, (1, 4, 4, 2)))
    out = tilesim.grid_sample(x, grid)
    torch.testing.assert_close(out, F.grid_sample(x, grid, align_corners=False).detach(), atol=1e-5, rtol=1e-5)
    lists = tilesim.grid_sample(x.detach().tolist(), grid.tolist())
    np.testing.assert_allclose(lists, out.numpy(), atol=1e-6)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_backward_matches_torch(rng, mode, padding_mode):
    x = torch.from_numpy(uniform(rng, (2, 3, 6, 7))).requires_grad_()
    grid = torch.from_numpy(uniform(rng, (2, 5, 3, 2), -1.1, 1.1)).requires_grad_()
    out = F.grid_sample(x, grid, mode, padding_mode, align_corners=True)
    go = torch.from_numpy(uniform(rng, tuple(out.shape)))
    out.backward(go)
    gi, gg = tilesim.grid_sample_backward(go, x, grid, mode, padding_mode, True)
    torch.testing.assert_close(gi, x.grad, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(gg, grid.grad, atol=1e-4, rtol=1e-4)


def test_affine_grid_matches_torch(rng):
    theta = uniform(rng, (3, 2, 3))
    for align_corners in (False, True):
        out = tilesim.affine_grid(theta, (3, 4, 5, 7), align_corners)
        ref = F.affine_grid(torch.from_numpy(theta), [3, 4, 5, 7], align_corners=align_corners)
        np.testing.assert_allclose(out, ref.numpy(), atol=1e-6)
