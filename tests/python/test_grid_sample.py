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


def border_grid(rng, n, out_h, out_w, h, w, align_corners):
    """Uniform in [-1.3, 1.3] (a third of the points outside), every fourth coordinate on a pixel centre or a
    half-pixel (bilinear tap borders, nearest's ties) and some exactly -1 or +1."""
    grid = uniform(rng, (n, out_h, out_w, 2), -1.3, 1.3)
    flat = grid.reshape(-1)
    for i in range(0, flat.size, 4):
        size = w if i % 2 == 0 else h
        pixel = rng.integers(-1, size + 1) + (0.5 if (i // 4) % 3 == 1 else 0.0)
        if (i // 4) % 3 == 2:
            flat[i] = rng.choice([-1.0, 1.0])
        else:
            flat[i] = pixel * 2.0 / (size - 1) - 1.0 if align_corners and size > 1 else (2.0 * pixel + 1.0) / size - 1.0
    return grid


def on_integral_pixel(grid, h, w, align_corners):
    """Points with a pixel coordinate (unnormalized in float32, as the forward computes it) on an integer."""
    coords = []
    for k, size in ((0, w), (1, h)):
        g = grid[..., k].astype(np.float32)
        scale = np.float32((size - 1) / 2 if align_corners else size / 2)
        x = (g + np.float32(1)) * scale - (np.float32(0) if align_corners else np.float32(0.5))
        coords.append(np.abs(x - np.round(x)) < 1e-3)
    return coords[0] | coords[1]


def pcc(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else float(np.array_equal(a, b))


# NCHW backward in channel blocks (issue #22): whole blocks, a partial block, fewer than 16 channels, and a
# single image whose pixels are split into ranges; both layouts.
@pytest.mark.parametrize("shape", [(2, 37, 13, 17, 11, 9), (1, 19, 37, 57, 41, 43), (3, 5, 9, 1, 7, 6)])
@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_backward_on_odd_shapes_and_borders_matches_torch(rng, shape, mode, padding_mode, align_corners):
    n, c, h, w, out_h, out_w = shape
    x = torch.from_numpy(uniform(rng, (n, c, h, w))).requires_grad_()
    grid = torch.from_numpy(border_grid(rng, n, out_h, out_w, h, w, align_corners)).requires_grad_()
    out = F.grid_sample(x, grid, mode, padding_mode, align_corners=align_corners)
    go = torch.from_numpy(uniform(rng, tuple(out.shape)))
    gi_ref, gg_ref = torch.autograd.grad(out, [x, grid], go)
    for layout in ("nchw", "nhwc"):
        xl = x.detach() if layout == "nchw" else x.detach().permute(0, 2, 3, 1).contiguous()
        gol = go if layout == "nchw" else go.permute(0, 2, 3, 1).contiguous()
        gi, gg = tilesim.grid_sample_backward(gol, xl, grid.detach(), mode, padding_mode, align_corners,
                                              input_layout=layout)
        if layout == "nhwc":
            gi = gi.permute(0, 3, 1, 2)
        # max abs error within 1e-4 of the largest value, Pearson correlation >= 0.99999; grad_grid away
        # from integral pixel coordinates, where the bilinear and bicubic weights have a kink: there torch's
        # backward may round the coordinate to the other side (one-sided derivatives differ)
        on_kink = on_integral_pixel(grid.detach().numpy(), h, w, align_corners)[..., None]
        gg, gg_kept = np.where(on_kink, 0, np.asarray(gg)), np.where(on_kink, 0, gg_ref.numpy())
        for got, ref in ((gi, gi_ref), (torch.from_numpy(gg), torch.from_numpy(gg_kept))):
            scale = max(1.0, float(ref.abs().max()))
            assert float((got - ref).abs().max()) <= 1e-4 * scale, (layout, float((got - ref).abs().max()))
            assert pcc(got, ref) >= 0.99999, (layout, pcc(got, ref))
