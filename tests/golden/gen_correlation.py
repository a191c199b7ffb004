#!/usr/bin/python3
"""Golden fixtures for the correlation family (tests/ops/correlation), from plain PyTorch formulations.

Run with Debian's /usr/bin/python3 (torch 1.13):  /usr/bin/python3 tests/golden/gen_correlation.py
Writes tests/golden/data/correlation_{spatial,flownet,raft}.json.

The formulations below are written from the op definitions (tilesim spec ops.md §2-4), independently of
tilesim's C++ code: shifted slices of zero-padded inputs for the two patch correlations, and RAFT's
CorrBlock code path (matmul, avg_pool2d, grid_sample with align_corners=True, its meshgrid/delta order).
Everything is computed in float64; gradients come from autograd; results are stored as float32.
Inputs are quantised to multiples of 1/64 so that the JSON stays small (they are exact in float32).
bench/compare_correlation_pytorch.py imports these functions to time them.
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_io import write_fixture  # noqa: E402


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _strided(t, y, x, count_h, count_w, step_h, step_w):
    """t[:, :, y + k*step_h, x + l*step_w] for k < count_h, l < count_w."""
    return t[:, :, y:y + (count_h - 1) * step_h + 1:step_h, x:x + (count_w - 1) * step_w + 1:step_w]


# ---------------------------------------------------------------- spatial correlation sampler (§2)
def spatial_correlation(in1, in2, kernel_size=1, patch_size=1, stride=1, padding=0, dilation=1,
                        dilation_patch=1):
    """ClementPinard's spatial_correlation_sample: output [B, patchH, patchW, oH, oW]."""
    kH, kW = _pair(kernel_size)
    pH, pW = _pair(patch_size)
    sH, sW = _pair(stride)
    padH, padW = _pair(padding)
    dH, dW = _pair(dilation)
    dpH, dpW = _pair(dilation_patch)
    B, C, H, W = in1.shape
    oH = (H + 2 * padH - dH * (kH - 1) - 1) // sH + 1
    oW = (W + 2 * padW - dW * (kW - 1) - 1) // sW + 1
    shifts_h = [(p - (pH - 1) // 2) * dpH for p in range(pH)]
    shifts_w = [(p - (pW - 1) // 2) * dpW for p in range(pW)]
    # Zero padding wide enough for every shifted tap: a product with a padded zero is a skipped term.
    mh = padH + max(abs(s) for s in shifts_h)
    mw = padW + max(abs(s) for s in shifts_w)
    a = F.pad(in1, (mw, mw, mh, mh))
    b = F.pad(in2, (mw, mw, mh, mh))
    channels = []
    for sy in shifts_h:
        for sx in shifts_w:
            acc = 0
            for i in range(kH):
                for j in range(kW):
                    y, x = mh - padH + i * dH, mw - padW + j * dW
                    pa = _strided(a, y, x, oH, oW, sH, sW)
                    pb = _strided(b, y + sy, x + sx, oH, oW, sH, sW)
                    acc = acc + (pa * pb).sum(1)
            channels.append(acc)
    return torch.stack(channels, 1).view(B, pH, pW, oH, oW)


# ---------------------------------------------------------------- FlowNet correlation (§3)
def flownet_correlation(in1, in2, pad_size=4, kernel_size=1, max_displacement=4, stride1=1, stride2=1,
                        is_multiply=True):
    """FlowNet correlation layer: output [N, D*D, oH, oW], normalised by kernel_size^2 * C."""
    B, C, H, W = in1.shape
    kr = (kernel_size - 1) // 2
    border = max_displacement + kr
    d = max_displacement // stride2
    a = F.pad(in1, [pad_size] * 4)
    b = F.pad(in2, [pad_size] * 4)
    oH = math.ceil((H + 2 * pad_size - 2 * border) / stride1)
    oW = math.ceil((W + 2 * pad_size - 2 * border) / stride1)
    channels = []
    for tj in range(-d, d + 1):  # channel (tj + d) * D + (ti + d): tj (vertical) outer
        for ti in range(-d, d + 1):
            dy, dx = tj * stride2, ti * stride2
            acc = 0
            for j in range(-kr, kr + 1):
                for i in range(-kr, kr + 1):
                    pa = _strided(a, border + j, border + i, oH, oW, stride1, stride1)
                    pb = _strided(b, border + j + dy, border + i + dx, oH, oW, stride1, stride1)
                    acc = acc + (pa * pb if is_multiply else (pa - pb).abs()).sum(1)
            channels.append(acc / (kernel_size * kernel_size * C))
    return torch.stack(channels, 1)


# ---------------------------------------------------------------- RAFT CorrBlock (§4)
def raft_bilinear_sampler(img, coords):
    """RAFT core/utils/utils.py bilinear_sampler: pixel coordinates through grid_sample(align_corners=True)."""
    H, W = img.shape[-2:]
    xgrid, ygrid = coords.split([1, 1], dim=-1)
    xgrid = 2 * xgrid / (W - 1) - 1
    ygrid = 2 * ygrid / (H - 1) - 1
    grid = torch.cat([xgrid, ygrid], dim=-1)
    return F.grid_sample(img, grid, align_corners=True)


def corr_pyramid(fmap1, fmap2, num_levels=4):
    """CorrBlock.__init__: all-pairs volume / sqrt(C) as [B*H*W, 1, H, W], then avg_pool2d levels."""
    batch, dim, ht, wd = fmap1.shape
    corr = torch.matmul(fmap1.view(batch, dim, ht * wd).transpose(1, 2), fmap2.view(batch, dim, ht * wd))
    corr = corr.view(batch * ht * wd, 1, ht, wd) / torch.sqrt(torch.tensor(dim, dtype=fmap1.dtype))
    pyramid = [corr]
    for _ in range(num_levels - 1):
        corr = F.avg_pool2d(corr, 2, stride=2)
        pyramid.append(corr)
    return pyramid


def corr_lookup(pyramid, coords, radius=4):
    """CorrBlock.__call__(coords [B, 2, H, W]) -> [B, L*(2r+1)^2, H, W]."""
    r = radius
    coords = coords.permute(0, 2, 3, 1)
    batch, h1, w1, _ = coords.shape
    out_pyramid = []
    for i, corr in enumerate(pyramid):
        dx = torch.linspace(-r, r, 2 * r + 1, dtype=coords.dtype)
        dy = torch.linspace(-r, r, 2 * r + 1, dtype=coords.dtype)
        delta = torch.stack(torch.meshgrid(dy, dx, indexing="ij"), axis=-1)
        centroid_lvl = coords.reshape(batch * h1 * w1, 1, 1, 2) / 2**i
        coords_lvl = centroid_lvl + delta.view(1, 2 * r + 1, 2 * r + 1, 2)
        out_pyramid.append(raft_bilinear_sampler(corr, coords_lvl).view(batch, h1, w1, -1))
    return torch.cat(out_pyramid, dim=-1).permute(0, 3, 1, 2).contiguous()


# ---------------------------------------------------------------- fixture cases
def quantised(gen, *shape, scale=1.0, offset=0.0):
    """Random values k/64 * scale + offset (exact in float32, short in JSON)."""
    return (torch.round(torch.randn(*shape, generator=gen, dtype=torch.float64) * 64) / 64) * scale + offset


def run_with_grads(fn, inputs, gen):
    """Forward in float64, then autograd of <out, grad_output> with a random grad_output."""
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    grad_out = quantised(gen, *out.shape)
    grads = torch.autograd.grad(out, leaves, grad_out)
    return out, grad_out, grads


SPATIAL_CASES = [
    ("patch5", (2, 5, 9, 11), dict(kernel_size=1, patch_size=5)),
    ("kernel3_stride2_pad1_dilpatch2", (2, 5, 9, 11),
     dict(kernel_size=3, patch_size=3, stride=2, padding=1, dilation_patch=2)),
    ("pairs_dilation", (2, 5, 9, 11), dict(kernel_size=(3, 2), patch_size=(3, 5), stride=(1, 2),
                                           padding=(2, 1), dilation=(2, 1), dilation_patch=(1, 3))),
    ("even_patch4_dilpatch2", (2, 5, 9, 11), dict(kernel_size=1, patch_size=4, dilation_patch=2)),
    ("seed_kernel_mode_k3", (2, 5, 9, 11), dict(kernel_size=3, patch_size=1, padding=1)),
    ("patch7_pad2_stride3_dil2", (1, 3, 7, 6), dict(kernel_size=2, patch_size=7, stride=3, padding=2,
                                                    dilation=2)),
]

FLOWNET_CASES = [
    ("multiply_md3_pad3", dict(pad_size=3, kernel_size=1, max_displacement=3, stride1=1, stride2=1)),
    ("multiply_k3_md2_stride1_2", dict(pad_size=3, kernel_size=3, max_displacement=2, stride1=2, stride2=1)),
    ("multiply_k3_md4_stride2_3", dict(pad_size=4, kernel_size=3, max_displacement=4, stride1=1, stride2=3)),
    ("multiply_pad0_md2", dict(pad_size=0, kernel_size=1, max_displacement=2, stride1=1, stride2=1)),
    ("multiply_pad5_md2_stride1_3", dict(pad_size=5, kernel_size=1, max_displacement=2, stride1=3, stride2=1)),
    ("subtract_k3_md2_stride2_2", dict(pad_size=2, kernel_size=3, max_displacement=2, stride1=1, stride2=2,
                                       is_multiply=False)),
    ("subtract_md3_stride2_2_pad3", dict(pad_size=3, kernel_size=1, max_displacement=3, stride1=1, stride2=2,
                                         is_multiply=False)),
]

# (name, fmap shape, num_levels, radius); every level at least 2x2 (see corr_lookup_reference.hpp).
RAFT_CASES = [
    ("b2_c5_9x11_l3_r2", (2, 5, 9, 11), 3, 2),
    ("b1_c7_17x20_l4_r1", (1, 7, 17, 20), 4, 1),
    ("b1_c3_6x7_l2_r3", (1, 3, 6, 7), 2, 3),
]


def spatial_cases(gen):
    cases = []
    for name, shape, params in SPATIAL_CASES:
        in1, in2 = quantised(gen, *shape), quantised(gen, *shape)
        out, grad_out, (g1, g2) = run_with_grads(lambda a, b: spatial_correlation(a, b, **params), [in1, in2], gen)
        json_params = {k: list(_pair(v)) for k, v in params.items()}
        cases.append({"name": name, "params": json_params,
                      "tensors": {"input1": in1, "input2": in2, "output": out, "grad_output": grad_out,
                                  "grad_input1": g1, "grad_input2": g2}})
    return cases


def flownet_cases(gen):
    cases = []
    for name, params in FLOWNET_CASES:
        shape = (2, 5, 9, 11)
        # Subtraction: in1 on an odd grid, in2 on another, so a - b and both values are never 0 (no
        # sign(0) ties between inputs or with padding; gradients are then unambiguous).
        subtract = not params.get("is_multiply", True)
        in1 = quantised(gen, *shape, offset=1 / 128 if subtract else 0.0)
        in2 = quantised(gen, *shape, offset=1 / 256 if subtract else 0.0)
        out, grad_out, (g1, g2) = run_with_grads(lambda a, b: flownet_correlation(a, b, **params), [in1, in2], gen)
        cases.append({"name": name, "params": {"is_multiply": True, **params},
                      "tensors": {"input1": in1, "input2": in2, "output": out, "grad_output": grad_out,
                                  "grad_input1": g1, "grad_input2": g2}})
    return cases


def raft_coords(gen, B, H, W):
    """Pixel grid + random flow in [-3, 3] (1/64 steps), with a few points pushed far outside."""
    ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64),
                            indexing="ij")
    coords = torch.stack([xs, ys], 0)[None].repeat(B, 1, 1, 1)
    flow = torch.round((torch.rand(B, 2, H, W, generator=gen, dtype=torch.float64) * 6 - 3) * 64) / 64
    coords = coords + flow
    coords[:, 0, 0, 0] = -40.0
    coords[:, 1, -1, -1] = H + 30.5
    return coords


def raft_cases(gen):
    cases = []
    for name, (B, C, H, W), levels, radius in RAFT_CASES:
        f1, f2 = quantised(gen, B, C, H, W), quantised(gen, B, C, H, W)
        coords = raft_coords(gen, B, H, W)

        def lookup(a, b):
            return corr_lookup(corr_pyramid(a, b, levels), coords, radius)

        out, grad_out, (g1, g2) = run_with_grads(lookup, [f1, f2], gen)
        cases.append({"name": name, "params": {"num_levels": levels, "radius": radius},
                      "tensors": {"fmap1": f1, "fmap2": f2, "coords": coords, "output": out,
                                  "grad_output": grad_out, "grad_fmap1": g1, "grad_fmap2": g2}})
    return cases


def main():
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(20240617)
    me = "tests/golden/gen_correlation.py"
    write_fixture("correlation_spatial.json", me, spatial_cases(gen))
    write_fixture("correlation_flownet.json", me, flownet_cases(gen))
    write_fixture("correlation_raft.json", me, raft_cases(gen))


if __name__ == "__main__":
    main()
