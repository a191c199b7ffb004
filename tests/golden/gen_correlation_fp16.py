#!/usr/bin/python3
"""Float16 golden fixtures for the correlation family (tests/ops/correlation/test_correlation_float16.cpp).

Run with Debian's /usr/bin/python3 (torch 1.13):  /usr/bin/python3 tests/golden/gen_correlation_fp16.py
Writes tests/golden/data/correlation_fp16.json.

The original packages take half inputs and accumulate in fp32. Torch 1.13 has no CPU half einsum/matmul,
so each case follows that contract explicitly: inputs are random float16 tensors (odd shapes), the op runs
in float32 on x.half().float() (the formulations of gen_correlation.py), gradients of <grad_output, out>
come from autograd in float32 with a float16 grad_output, and the output and gradients are rounded to
float16 as the originals return them. Coordinates (RAFT) stay float32, as in RAFT.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_correlation import (corr_lookup, corr_pyramid, flownet_correlation,  # noqa: E402
                             raft_coords, spatial_correlation)
from golden_io import write_fixture  # noqa: E402


def half_values(gen, *shape, offset=0.0):
    """Random normal values rounded to float16, as float32 (exact)."""
    x = torch.randn(*shape, generator=gen) + offset
    return x.half().float()


def grid_values(gen, *shape, offset):
    """k/64 + offset with |offset| < 1/64: never zero, and two grids never meet (exact in float16)."""
    x = torch.round(torch.randn(*shape, generator=gen) * 64) / 64 + offset
    assert torch.equal(x.half().float(), x)
    return x


def fp32_with_grads(fn, inputs, gen):
    """Forward in float32 on float16 values, autograd with a float16 grad_output; results rounded to fp16."""
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    grad_out = torch.randn(*out.shape, generator=gen).half().float()
    grads = torch.autograd.grad(out, leaves, grad_out)
    return out.detach().half().float(), grad_out, [g.half().float() for g in grads]


SPATIAL_CASES = [
    ("spatial_patch5", (1, 5, 9, 11), dict(kernel_size=1, patch_size=5)),
    ("spatial_k3_patch3_stride2_pad1_dilpatch2", (2, 7, 9, 13),
     dict(kernel_size=3, patch_size=3, stride=2, padding=1, dilation_patch=2)),
]

FLOWNET_CASES = [
    ("flownet_multiply_md2_pad2", (1, 6, 9, 11), dict(pad_size=2, kernel_size=1, max_displacement=2)),
    ("flownet_multiply_k3_md2_stride2_2", (2, 5, 7, 9),
     dict(pad_size=3, kernel_size=3, max_displacement=2, stride1=2, stride2=2)),
    ("flownet_subtract_k3_md2_stride2_2", (1, 6, 7, 9),
     dict(pad_size=2, kernel_size=3, max_displacement=2, stride1=1, stride2=2, is_multiply=False)),
]

RAFT_CASES = [
    ("raft_b1_c5_9x11_l3_r2", (1, 5, 9, 11), 3, 2),
    ("raft_b1_c7_10x13_l2_r1", (1, 7, 10, 13), 2, 1),
]


def spatial_cases(gen):
    cases = []
    for name, shape, params in SPATIAL_CASES:
        in1, in2 = half_values(gen, *shape), half_values(gen, *shape)
        out, grad_out, (g1, g2) = fp32_with_grads(lambda a, b: spatial_correlation(a, b, **params),
                                                  [in1, in2], gen)
        json_params = {k: list(v) if isinstance(v, tuple) else [v, v] for k, v in params.items()}
        cases.append({"name": name, "params": {"op": "spatial_correlation", **json_params},
                      "tensors": {"input1": in1, "input2": in2, "output": out, "grad_output": grad_out,
                                  "grad_input1": g1, "grad_input2": g2}})
    return cases


def flownet_cases(gen):
    cases = []
    for name, shape, params in FLOWNET_CASES:
        full = dict(pad_size=4, kernel_size=1, max_displacement=4, stride1=1, stride2=1, is_multiply=True)
        full.update(params)
        if full["is_multiply"]:
            in1, in2 = half_values(gen, *shape), half_values(gen, *shape)
        else:  # |a - b|: no zero differences (with each other or with padding), so gradients are unambiguous
            in1, in2 = grid_values(gen, *shape, offset=1 / 128), grid_values(gen, *shape, offset=1 / 256)
        out, grad_out, (g1, g2) = fp32_with_grads(lambda a, b: flownet_correlation(a, b, **full), [in1, in2], gen)
        cases.append({"name": name, "params": {"op": "flownet_correlation", **full},
                      "tensors": {"input1": in1, "input2": in2, "output": out, "grad_output": grad_out,
                                  "grad_input1": g1, "grad_input2": g2}})
    return cases


def raft_cases(gen):
    cases = []
    for name, (B, C, H, W), levels, radius in RAFT_CASES:
        f1, f2 = half_values(gen, B, C, H, W), half_values(gen, B, C, H, W)
        coords = raft_coords(gen, B, H, W).float()

        def lookup(a, b):
            return corr_lookup(corr_pyramid(a, b, levels), coords, radius)

        out, grad_out, (g1, g2) = fp32_with_grads(lookup, [f1, f2], gen)
        cases.append({"name": name, "params": {"op": "corr_lookup", "num_levels": levels, "radius": radius},
                      "tensors": {"fmap1": f1, "fmap2": f2, "coords": coords, "output": out,
                                  "grad_output": grad_out, "grad_fmap1": g1, "grad_fmap2": g2}})
    return cases


def main():
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(20240618)
    cases = spatial_cases(gen) + flownet_cases(gen) + raft_cases(gen)
    write_fixture("correlation_fp16.json", "tests/golden/gen_correlation_fp16.py", cases)


if __name__ == "__main__":
    main()
