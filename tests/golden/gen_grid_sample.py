"""Golden fixtures for grid_sample (forward + backward) and affine_grid, from PyTorch's CPU kernels.

Run with Debian's python (torch 1.13):  /usr/bin/python3 tests/golden/gen_grid_sample.py
Writes tests/golden/data/grid_sample.json.

Cases
- "<mode>_<padding>_ac<0|1>" (18): input [2, 3, 5, 7], grid [2, 4, 6, 2] mixing in-range values, values out
  of range (|g| <= 1.6, a few up to 3.5 so that reflection folds more than once) and values that land on
  half-pixel coordinates k + 0.5 (built from the pixel coordinate by inverting the unnormalize, so nearest's
  round-half-to-even is exercised). Tensors: input, grid, output, grad_output, grad_input, grad_grid.
  Bilinear and bicubic are computed in float64 from the float32 inputs (then rounded to float32), nearest in
  float32, because only float32 arithmetic reproduces which side of k + 0.5 a float32 coordinate lands on.
- "special_<mode>_<padding>_ac<0|1>" (18): grid values NaN, +-inf, +-1e10 mixed with ordinary ones;
  float32 forward output, and backward where PyTorch 1.13 computes it (it crashes for bilinear with
  border/reflection padding and a NaN grid, so those cases have params.has_backward = false).
- "affine_<n>x<h>x<w>_ac<0|1>": theta [n, 2, 3] and F.affine_grid's grid [n, h, w, 2].
"""
import itertools
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_io import write_fixture  # noqa: E402

MODES = ["bilinear", "nearest", "bicubic"]
PADDINGS = ["zeros", "border", "reflection"]
N, C, H, W, HO, WO = 2, 3, 5, 7, 4, 6


def grid_from_pixel(x, size, align_corners):
    """Inverse of the unnormalize: the grid value whose pixel coordinate is x."""
    if align_corners:
        return x * 2.0 / (size - 1) - 1.0
    return (2.0 * x + 1.0) / size - 1.0


def mixed_coordinates(rng, count, size, align_corners):
    kinds = rng.choice(4, size=count, p=[0.40, 0.30, 0.25, 0.05])
    values = np.empty(count)
    for i, kind in enumerate(kinds):
        if kind == 0:  # inside
            values[i] = rng.uniform(-1.0, 1.0)
        elif kind == 1:  # out of range, |g| <= 1.6
            values[i] = rng.uniform(-1.6, 1.6)
        elif kind == 2:  # half-pixel coordinate k + 0.5, k in -1 .. size - 1
            values[i] = grid_from_pixel(rng.integers(-1, size) + 0.5, size, align_corners)
        else:  # far out: several reflections
            values[i] = rng.uniform(1.6, 3.5) * rng.choice([-1.0, 1.0])
    return values


def make_grid(rng, align_corners):
    grid = np.empty((N, HO, WO, 2))
    grid[..., 0] = mixed_coordinates(rng, N * HO * WO, W, align_corners).reshape(N, HO, WO)
    grid[..., 1] = mixed_coordinates(rng, N * HO * WO, H, align_corners).reshape(N, HO, WO)
    return torch.from_numpy(grid.astype(np.float32))


def run(inp, grid, grad_out, mode, padding, align_corners, dtype, backward=True):
    """Forward (and backward) of F.grid_sample computed in `dtype`; results returned as float32."""
    x = inp.to(dtype).requires_grad_(True)
    g = grid.to(dtype).requires_grad_(True)
    out = F.grid_sample(x, g, mode=mode, padding_mode=padding, align_corners=align_corners)
    tensors = {"output": out.detach().float()}
    if backward:
        gi, gg = torch.autograd.grad(out, [x, g], grad_out.to(dtype))
        tensors["grad_input"] = gi.float()
        tensors["grad_grid"] = gg.float()
    return tensors


def main_cases(rng):
    cases = []
    for mode, padding, ac in itertools.product(MODES, PADDINGS, [False, True]):
        inp = torch.from_numpy(rng.standard_normal((N, C, H, W)).astype(np.float32))
        grid = make_grid(rng, ac)
        grad_out = torch.from_numpy(rng.standard_normal((N, C, HO, WO)).astype(np.float32))
        dtype = torch.float32 if mode == "nearest" else torch.float64
        tensors = {"input": inp, "grid": grid, "grad_output": grad_out}
        tensors.update(run(inp, grid, grad_out, mode, padding, ac, dtype))
        cases.append({"name": f"{mode}_{padding}_ac{int(ac)}",
                      "params": {"mode": mode, "padding_mode": padding, "align_corners": ac,
                                 "compute_dtype": str(dtype).replace("torch.", ""), "has_backward": True},
                      "tensors": tensors})
    return cases


def special_cases(rng):
    specials = [float("nan"), float("inf"), -float("inf"), 1e10, -1e10]
    cases = []
    for mode, padding, ac in itertools.product(MODES, PADDINGS, [False, True]):
        inp = torch.from_numpy(rng.standard_normal((1, 2, 4, 5)).astype(np.float32))
        grid = rng.uniform(-1.2, 1.2, size=(1, 3, 5, 2))
        for (j, i), v in zip([(0, 0), (0, 3), (1, 1), (1, 4), (2, 2)], specials):
            grid[0, j, i, 0] = v  # special x, ordinary y
            grid[0, 2 - j, 4 - i, 1] = v  # ordinary x, special y
        grid[0, 1, 2, :] = float("nan")  # both
        grid = torch.from_numpy(grid.astype(np.float32))
        grad_out = torch.from_numpy(rng.standard_normal((1, 2, 3, 5)).astype(np.float32))
        # PyTorch 1.13 segfaults in bilinear backward with border/reflection padding and a NaN grid.
        has_backward = not (mode == "bilinear" and padding != "zeros")
        tensors = {"input": inp, "grid": grid, "grad_output": grad_out}
        tensors.update(run(inp, grid, grad_out, mode, padding, ac, torch.float32, has_backward))
        cases.append({"name": f"special_{mode}_{padding}_ac{int(ac)}",
                      "params": {"mode": mode, "padding_mode": padding, "align_corners": ac,
                                 "compute_dtype": "float32", "has_backward": has_backward},
                      "tensors": tensors})
    return cases


def affine_cases(rng):
    cases = []
    for (n, h, w), ac in itertools.product([(2, 5, 7), (1, 1, 6), (3, 4, 1), (1, 9, 13)], [False, True]):
        theta = torch.from_numpy(rng.uniform(-1.5, 1.5, size=(n, 2, 3)).astype(np.float32))
        grid = F.affine_grid(theta, [n, 3, h, w], align_corners=ac)
        cases.append({"name": f"affine_{n}x{h}x{w}_ac{int(ac)}",
                      "params": {"n": n, "h": h, "w": w, "align_corners": ac},
                      "tensors": {"theta": theta, "grid": grid}})
    return cases


def main():
    torch.set_num_threads(1)
    rng = np.random.default_rng(20240531)
    cases = main_cases(rng) + special_cases(rng) + affine_cases(rng)
    write_fixture("grid_sample.json", "tests/golden/gen_grid_sample.py", cases)


if __name__ == "__main__":
    main()
