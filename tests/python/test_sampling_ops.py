"""deformable_aggregation (+ feature_maps_format), sample_sum and sample_dot against PyTorch
formulations (references.py): forward on cpu and sim, backward, autograd."""

import numpy as np
import pytest

import tilesim
from conftest import uniform

torch = pytest.importorskip("torch")
import references  # noqa: E402
import tilesim.torch  # noqa: E402


def deformable_inputs(rng, bs=2, cams=2, channels=8, groups=2, anchors=5, pts=3):
    maps = [uniform(rng, (bs, cams, channels, h, w)) for h, w in ((7, 9), (3, 5))]
    feat, shape, start = tilesim.feature_maps_format(maps)
    loc = uniform(rng, (bs, anchors, pts, cams, 2), 0.02, 0.98)
    weights = uniform(rng, (bs, anchors, pts, cams, len(maps), groups), 0, 1)
    return maps, feat, shape, start, loc, weights


def test_feature_maps_format_layout(rng):
    maps, feat, shape, start, _, _ = deformable_inputs(rng)
    assert shape.dtype == np.int32 and shape.tolist() == [[[7, 9], [3, 5]]] * 2
    for cam in range(2):
        for s, m in enumerate(maps):
            h, w = shape[cam, s]
            block = feat[:, start[cam, s]:start[cam, s] + h * w].reshape(2, h, w, -1)
            np.testing.assert_array_equal(block, m[:, cam].transpose(0, 2, 3, 1))


@pytest.mark.parametrize("backend", ["cpu", "sim"])
def test_deformable_aggregation_matches_reference(rng, backend):
    _, feat, shape, start, loc, weights = deformable_inputs(rng)
    out = tilesim.deformable_aggregation(feat, shape, start, loc, weights, backend=backend)
    ref = references.deformable_aggregation(*(torch.from_numpy(v) for v in (feat, shape, start, loc, weights)))
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-4)


def test_deformable_aggregation_autograd(rng):
    _, feat, shape, start, loc, weights = deformable_inputs(rng)
    ref_in = [torch.from_numpy(v).requires_grad_() for v in (feat, loc, weights)]
    ts_in = [torch.from_numpy(v.copy()).requires_grad_() for v in (feat, loc, weights)]
    s, st = torch.from_numpy(shape), torch.from_numpy(start)
    ref = references.deformable_aggregation(ref_in[0], s, st, ref_in[1], ref_in[2])
    out = tilesim.torch.deformable_aggregation(ts_in[0], s, st, ts_in[1], ts_in[2])
    go = torch.from_numpy(uniform(rng, tuple(ref.shape)))
    ref.backward(go)
    out.backward(go)
    torch.testing.assert_close(ts_in[0].grad, ref_in[0].grad, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(ts_in[2].grad, ref_in[2].grad, atol=1e-4, rtol=1e-4)
    # SparseDrive's d loc is the derivative w.r.t. the pixel coordinate scaled by W (H): autograd's through
    # grid = 2 loc - 1 with align_corners=False gives the same.
    torch.testing.assert_close(ts_in[1].grad, ref_in[1].grad, atol=1e-3, rtol=1e-3)


def sum_inputs(rng):
    return [uniform(rng, (2, 5, 7, 9)), uniform(rng, (2, 3, 4, 2), -1.1, 1.1), uniform(rng, (2, 3, 3, 4))]


def dot_inputs(rng, num_octaves=2):
    images = uniform(rng, (2, 5 + 2 * num_octaves, 7, 9))
    return [images, uniform(rng, (2, 3, 4, 2), -1.1, 1.1), uniform(rng, (2, 3, 3, 5)), uniform(rng, (2, 3, 4), 0, 1)]


@pytest.mark.parametrize("backend", ["cpu", "sim"])
def test_sample_sum_and_dot_match_reference(rng, backend):
    s = sum_inputs(rng)
    out = tilesim.sample_sum(*s, backend=backend)
    np.testing.assert_allclose(out, references.sample_sum(*map(torch.from_numpy, s)).numpy(), atol=1e-4)
    d = dot_inputs(rng)
    out = tilesim.sample_dot(*d, 2, backend=backend)
    np.testing.assert_allclose(out, references.sample_dot(*map(torch.from_numpy, d), 2).numpy(), atol=1e-4)


@pytest.mark.parametrize("op", ["sample_sum", "sample_dot"])
def test_sample_ops_autograd(rng, op):
    if op == "sample_sum":
        values, ts_fn, ref_fn = sum_inputs(rng), tilesim.torch.sample_sum, references.sample_sum
    else:
        values = dot_inputs(rng)
        ts_fn = lambda *a: tilesim.torch.sample_dot(*a, 2)  # noqa: E731
        ref_fn = lambda *a: references.sample_dot(*a, 2)  # noqa: E731
    ref_in = [torch.from_numpy(v).requires_grad_() for v in values]
    ts_in = [torch.from_numpy(v.copy()).requires_grad_() for v in values]
    ref, out = ref_fn(*ref_in), ts_fn(*ts_in)
    go = torch.from_numpy(uniform(rng, tuple(ref.shape)))
    ref.backward(go)
    out.backward(go)
    for t, r in zip(ts_in, ref_in):
        torch.testing.assert_close(t.grad, r.grad, atol=1e-3, rtol=1e-3)


def test_gradcheck_float64_through_the_float32_ops(rng):
    # The ops compute in float32; gradcheck in float64 with tolerances above float32 rounding checks that
    # the backward is the derivative of the forward (grid_sample and sample_sum are linear in these inputs).
    x = torch.from_numpy(uniform(rng, (1, 2, 5, 6))).double().requires_grad_()
    grid = torch.from_numpy(uniform(rng, (1, 3, 4, 2))).double()
    assert torch.autograd.gradcheck(lambda v: tilesim.torch.grid_sample(v, grid), (x,), eps=1e-2, atol=1e-3)
    images, samples, weights = (torch.from_numpy(v).double() for v in sum_inputs(rng))
    weights.requires_grad_()
    assert torch.autograd.gradcheck(lambda w: tilesim.torch.sample_sum(images, samples, w), (weights,), eps=1e-2,
                                    atol=1e-3)


def test_grid_sample_autograd_matches_torch(rng):
    x = torch.from_numpy(uniform(rng, (2, 3, 7, 5))).requires_grad_()
    grid = torch.from_numpy(uniform(rng, (2, 4, 6, 2), -1.1, 1.1)).requires_grad_()
    x2, grid2 = x.detach().clone().requires_grad_(), grid.detach().clone().requires_grad_()
    ref = torch.nn.functional.grid_sample(x, grid, padding_mode="border", align_corners=True)
    out = tilesim.torch.grid_sample(x2, grid2, padding_mode="border", align_corners=True)
    (ref * ref).sum().backward()
    (out * out).sum().backward()
    torch.testing.assert_close(x2.grad, x.grad, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(grid2.grad, grid.grad, atol=1e-4, rtol=1e-4)


def test_autograd_with_the_forward_on_the_simulator(rng):
    x = torch.from_numpy(uniform(rng, (1, 4, 6, 5))).requires_grad_()
    grid = torch.from_numpy(uniform(rng, (1, 3, 4, 2))).requires_grad_()
    out = tilesim.torch.grid_sample(x, grid, backend="sim")
    out.sum().backward()
    ref_x, ref_grid = x.detach().clone().requires_grad_(), grid.detach().clone().requires_grad_()
    torch.nn.functional.grid_sample(ref_x, ref_grid, align_corners=False).sum().backward()
    torch.testing.assert_close(x.grad, ref_x.grad, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(grid.grad, ref_grid.grad, atol=1e-4, rtol=1e-4)
