"""tilesim against PyTorch on the same shapes, in one run, through the CLI a user runs.

For each case: writes the inputs as .npy, times PyTorch's CPU op (or the PyTorch formulation of the op:
grid_sample is F.grid_sample; the correlation family and deformable aggregation use the formulations
that generate the golden fixtures, tests/golden/gen_correlation.py and gen_deformable.py), then
`tilesim op ... --repeat N` on the CPU reference (and, where marked, on the simulated device), and
prints the milliseconds and ratios. `--markdown FILE` writes the table for docs/performance.md.
Each case runs `--rounds` times, every quantity of a round back to back, and the table gives the median
over rounds (the sim table also the range of the per-round ratio): on a shared machine whose speed drifts
over minutes, ratios taken within a round are what stays comparable.

    /usr/bin/python3 bench/compare_pytorch.py [--tilesim build/tools/tilesim] [--threads 2] [--repeat 10] [--rounds 3]
        [--only all|grid_sample|grid_sample_backward|others] [--grids both|smooth|random] [--python build/python]

grid_sample runs each shape on a smooth warp and on a random grid (uniform in [-1.1, 1.1]: scattered sampling
points, as detection heads and deformable offsets make; issue #22), NCHW and channels-last.

The CLI has no backward command, so grid_sample's backward rows (issue #22's shapes, random grid, NCHW,
bilinear and nearest; `--only grid_sample_backward`, also part of `all`) run in-process on both sides:
torch.autograd.grad of F.grid_sample for the input and the grid against tilesim.grid_sample_backward from
the Python package (`--python build/python`, the folder that holds the built `tilesim` package).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden"))
from gen_correlation import (corr_lookup, corr_pyramid, flownet_correlation,  # noqa: E402
                             spatial_correlation)
from gen_deformable import aggregation_grid_sample  # noqa: E402


def median_ms(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def smooth_grid(n, h, w, seed):
    """A gentle rotation + zoom warp: the access pattern of real image warps."""
    g = torch.empty(n, h, w, 2)
    ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
    for b in range(n):
        a = 0.15 + 0.05 * b + 0.01 * seed
        g[b, ..., 0] = 0.9 * (np.cos(a) * xs - np.sin(a) * ys) + 0.05
        g[b, ..., 1] = 0.9 * (np.sin(a) * xs + np.cos(a) * ys) - 0.03
    return g


def random_grid(n, h, w, seed):
    """Every entry uniform in [-1.1, 1.1]: neighbouring points read far-apart pixels, a fifth of them by the
    border (bench_grid_sample_cpu's random_grid)."""
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, h, w, 2, generator=gen) * 2.2 - 1.1


GRID_SAMPLE_SHAPES = [(1, 64, 128, 128, 128, 128), (8, 32, 64, 64, 64, 64), (1, 256, 96, 320, 96, 320),
                      (2, 37, 131, 97, 111, 89),
                      # issue #22's shapes
                      (4, 128, 32, 48, 32, 48), (1, 32, 96, 96, 96, 96), (1, 16, 256, 256, 256, 256)]


def grid_sample_cases(grids="both"):
    cases = []
    kinds = ["smooth", "random"] if grids == "both" else [grids]
    for kind in kinds:
        for (n, c, h, w, oh, ow) in GRID_SAMPLE_SHAPES:
            for mode in ("bilinear", "nearest"):
                suffix = "" if kind == "smooth" else ", random grid"
                cases.append(dict(op="grid_sample", name=f"grid_sample {mode} {n}x{c}x{h}x{w}->{oh}x{ow}{suffix}",
                                  shapes=dict(input=(n, c, h, w)), mode=mode, grid=(n, oh, ow), grid_kind=kind,
                                  sim=(kind == "smooth" and mode == "bilinear" and (n, c, h, w) == (1, 64, 128, 128))))
    return cases


def run_case(case, tilesim, repeat, tmp):
    torch.manual_seed(1)
    x = torch.rand(*case["shapes"]["input"]) * 2 - 1
    g = (random_grid if case.get("grid_kind") == "random" else smooth_grid)(*case["grid"], seed=2)
    np.save(os.path.join(tmp, "x.npy"), x.numpy())
    np.save(os.path.join(tmp, "g.npy"), g.numpy())
    x_cl = x.contiguous(memory_format=torch.channels_last)
    torch_ms = median_ms(lambda: F.grid_sample(x, g, mode=case["mode"], padding_mode="zeros", align_corners=False), repeat)
    torch_cl_ms = median_ms(lambda: F.grid_sample(x_cl, g, mode=case["mode"], padding_mode="zeros", align_corners=False), repeat)
    np.save(os.path.join(tmp, "xh.npy"), x.permute(0, 2, 3, 1).contiguous().numpy())
    base = [tilesim, "op", "grid_sample", "--grid", "g.npy", "--out", "y.npy", "--mode", case["mode"], "--repeat", str(repeat)]
    rows = {"torch": torch_ms, "torch_channels_last": torch_cl_ms,
            "tilesim_nchw": tilesim_ms(base + ["--input", "x.npy"], tmp),
            "tilesim_nhwc": tilesim_ms(base + ["--input", "xh.npy", "--input-layout", "nhwc"], tmp)}
    if case.get("sim"):
        rows["sim"] = tilesim_ms(base + ["--input", "x.npy", "--backend", "sim", "--no-checks"], tmp)
        rows["sim_checks"] = tilesim_ms(base + ["--input", "x.npy", "--backend", "sim"], tmp)
        rows["sim_1_thread"] = tilesim_ms(base + ["--input", "x.npy", "--backend", "sim", "--no-checks", "--threads", "1"], tmp)
    return rows


GRID_SAMPLE_BACKWARD_SHAPES = [(1, 64, 128, 128, 128, 128), (4, 128, 32, 48, 32, 48), (1, 32, 96, 96, 96, 96),
                               (1, 16, 256, 256, 256, 256)]  # issue #22


def run_backward_case(tilesim_package, n, c, h, w, oh, ow, mode, repeat):
    """Backward of grid_sample (zeros padding, align_corners False), NCHW, random grid: PyTorch autograd and
    tilesim's CPU reference on the same tensors, in-process; also the largest difference of the gradients."""
    torch.manual_seed(1)
    x = (torch.rand(n, c, h, w) * 2 - 1).requires_grad_()
    g = random_grid(n, oh, ow, seed=2).requires_grad_()
    out = F.grid_sample(x, g, mode=mode, padding_mode="zeros", align_corners=False)
    go = torch.rand_like(out) * 2 - 1
    torch_ms = median_ms(lambda: torch.autograd.grad(out, [x, g], go, retain_graph=True), repeat)
    xn, gn, gon = x.detach().numpy(), g.detach().numpy(), go.numpy()
    tilesim_ms_ = median_ms(lambda: tilesim_package.grid_sample_backward(gon, xn, gn, mode, "zeros", False), repeat)
    gi, gg = tilesim_package.grid_sample_backward(gon, xn, gn, mode, "zeros", False)
    gi_ref, gg_ref = torch.autograd.grad(out, [x, g], go)
    diff = max(float(np.max(np.abs(gi - gi_ref.numpy()))), float(np.max(np.abs(gg - gg_ref.numpy()))))
    return {"torch": torch_ms, "tilesim": tilesim_ms_, "max_abs": diff}


def import_tilesim_package(path):
    sys.path.insert(0, os.path.abspath(path))
    try:
        import tilesim as package
    except ImportError as e:
        sys.exit(f"grid_sample backward rows need the tilesim Python package under {path} ({e}); build the "
                 "tilesim_python target or pass --only grid_sample|others")
    return package


def formulation_cases():
    """The other ops on their models' sizes: (name, PyTorch callable, .npy inputs, tilesim op arguments,
    repeat cap for the slow formulations)."""
    torch.manual_seed(3)
    rand = lambda *shape: torch.rand(*shape) * 2 - 1  # noqa: E731
    cases = []
    a, b = rand(1, 256, 48, 64), rand(1, 256, 48, 64)
    cases.append(("correlation flownetc 1x256x48x64 (max displacement 20, stride2 2)",
                  lambda: flownet_correlation(a, b, pad_size=20, kernel_size=1, max_displacement=20, stride1=1,
                                              stride2=2),
                  {"a.npy": a, "b.npy": b},
                  ["op", "correlation", "--input1", "a.npy", "--input2", "b.npy", "--preset", "flownetc"], 5))
    p1, p2 = rand(1, 32, 109, 256), rand(1, 32, 109, 256)
    cases.append(("spatial_correlation pwcnet 1x32x109x256 (patch 9)",
                  lambda: spatial_correlation(p1, p2, kernel_size=1, patch_size=9),
                  {"p1.npy": p1, "p2.npy": p2},
                  ["op", "spatial_correlation", "--input1", "p1.npy", "--input2", "p2.npy", "--preset", "pwcnet"], 15))
    f1, f2 = rand(1, 256, 55, 128), rand(1, 256, 55, 128)
    ys, xs = torch.meshgrid(torch.arange(55.0), torch.arange(128.0), indexing="ij")
    coords = torch.stack([xs, ys], 0)[None] + torch.rand(1, 2, 55, 128) * 8 - 4
    cases.append(("corr_lookup raft 1x256x55x128 (4 levels, radius 4)",
                  lambda: corr_lookup(corr_pyramid(f1, f2, 4), coords, 4),
                  {"f1.npy": f1, "f2.npy": f2, "coords.npy": coords},
                  ["op", "corr_lookup", "--fmap1", "f1.npy", "--fmap2", "f2.npy", "--coords", "coords.npy"], 3))
    cases.append(deformable_case())
    return cases


def deformable_case():
    """SparseDrive's size: 6 cameras x 4 scales, 900 anchors, 13 points, 8 groups, C = 256."""
    scales, cams, anchors, pts, groups, c = [(64, 176), (32, 88), (16, 44), (8, 22)], 6, 900, 13, 8, 256
    maps = [torch.rand(1, cams, c, h, w) * 2 - 1 for h, w in scales]
    loc = torch.rand(1, anchors, pts, cams, 2) * 0.998 + 0.001
    weights = torch.rand(1, anchors, pts, cams, len(scales), groups)
    per_cam = sum(h * w for h, w in scales)
    feat = np.zeros((1, cams * per_cam, c), dtype=np.float32)  # mc_ms_feat: each camera's scales in turn
    starts = np.zeros((cams, len(scales)), dtype=np.float32)
    for cam in range(cams):
        start = cam * per_cam
        for s, (h, w) in enumerate(scales):
            starts[cam, s] = start
            feat[0, start:start + h * w] = maps[s][0, cam].permute(1, 2, 0).reshape(h * w, c).numpy()
            start += h * w
    shapes = np.array([[list(hw) for hw in scales]] * cams, dtype=np.float32)
    return ("deformable_aggregation sparsedrive (6 cams, 4 scales, 900 anchors, 13 pts, C 256)",
            lambda: aggregation_grid_sample(maps, loc, weights),
            {"feat.npy": feat, "shapes.npy": shapes, "starts.npy": starts, "loc.npy": loc, "w.npy": weights},
            ["op", "deformable_aggregation", "--mc-ms-feat", "feat.npy", "--spatial-shape", "shapes.npy",
             "--scale-start-index", "starts.npy", "--sampling-location", "loc.npy", "--weights", "w.npy"], 3)


def run_formulation_case(case, tilesim, repeat, tmp):
    _, fn, files, args, cap = case
    for name, t in files.items():
        np.save(os.path.join(tmp, name), t.numpy() if isinstance(t, torch.Tensor) else t)
    n = min(repeat, cap)
    with torch.no_grad():
        torch_ms = median_ms(fn, n)
        expected = fn().numpy().ravel()
    ms = tilesim_ms([tilesim] + args + ["--out", "o.npy", "--repeat", str(n)], tmp)
    got = np.load(os.path.join(tmp, "o.npy")).ravel()  # same values in the same order: a check that
    if got.shape != expected.shape:                      # both sides computed the same thing
        sys.exit(f"{case[0]}: tilesim gave {got.size} values, PyTorch {expected.size}")
    return {"torch": torch_ms, "tilesim": ms, "max_abs": float(np.max(np.abs(got - expected)))}


def tilesim_ms(cmd, cwd):
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return float(re.search(r"time_ms: ([0-9.]+)", out.stdout).group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tilesim", default=os.path.join(os.path.dirname(__file__), "..", "build", "tools", "tilesim"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3, help="measure each case this many times; report medians")
    p.add_argument("--only", choices=["all", "grid_sample", "grid_sample_backward", "others"], default="all",
                   help="grid_sample cases, grid_sample's backward (in-process), the other ops, or all")
    p.add_argument("--python", default=os.path.join(os.path.dirname(__file__), "..", "build", "python"),
                   help="folder holding the built tilesim Python package (grid_sample backward rows)")
    p.add_argument("--grids", choices=["both", "smooth", "random"], default="both",
                   help="grid_sample on smooth warps, random grids, or both")
    p.add_argument("--markdown", help="write the table here")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    tilesim = os.path.abspath(args.tilesim)
    lines = ["| case | PyTorch NCHW ms | PyTorch channels_last ms | tilesim NCHW ms | ratio (range over rounds) | "
             "tilesim NHWC ms | ratio |",
             "|---|---|---|---|---|---|---|"]
    sim_lines = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; tilesim {tilesim}")
    with tempfile.TemporaryDirectory() as tmp:
        for case in grid_sample_cases(args.grids) if args.only in ("all", "grid_sample") else []:
            rounds = [run_case(case, tilesim, args.repeat, tmp) for _ in range(max(1, args.rounds))]
            r = {k: float(np.median([x[k] for x in rounds])) for k in rounds[0]}
            best_torch = min(r["torch"], r["torch_channels_last"])
            nchw_ratios = [x["torch"] / x["tilesim_nchw"] for x in rounds]
            line = (f"| {case['name']} | {r['torch']:.3f} | {r['torch_channels_last']:.3f} | {r['tilesim_nchw']:.3f} | "
                    f"{float(np.median(nchw_ratios)):.1f}x ({min(nchw_ratios):.1f}-{max(nchw_ratios):.1f}) | "
                    f"{r['tilesim_nhwc']:.3f} | {best_torch / r['tilesim_nhwc']:.1f}x |")
            print(line, flush=True)
            lines.append(line)
            if "sim" in r:
                def ratio_range(num, den):
                    ratios = [x[num] / x[den] for x in rounds]
                    return f"{float(np.median(ratios)):.1f}x ({min(ratios):.1f}-{max(ratios):.1f})"
                sim_lines.append(f"| {case['name']} | {r['tilesim_nchw']:.3f} | {r['sim']:.2f} | {ratio_range('sim', 'tilesim_nchw')} | "
                                 f"{r['sim_checks']:.2f} | {ratio_range('sim_checks', 'tilesim_nchw')} | {r['sim_1_thread']:.2f} | "
                                 f"{ratio_range('sim_1_thread', 'sim')} |")
                print(sim_lines[-1], flush=True)
        backward_lines = ["| case | PyTorch ms | tilesim ms | ratio (range over rounds) | max abs difference |",
                          "|---|---|---|---|---|"]
        package = import_tilesim_package(args.python) if args.only in ("all", "grid_sample_backward") else None
        for (n, c, h, w, oh, ow) in GRID_SAMPLE_BACKWARD_SHAPES if package else []:
            for mode in ("bilinear", "nearest"):
                rounds = [run_backward_case(package, n, c, h, w, oh, ow, mode, args.repeat)
                          for _ in range(max(1, args.rounds))]
                r = {k: float(np.median([x[k] for x in rounds])) for k in rounds[0]}
                ratios = [x["torch"] / x["tilesim"] for x in rounds]
                backward_lines.append(
                    f"| grid_sample backward {mode} {n}x{c}x{h}x{w}->{oh}x{ow}, random grid | {r['torch']:.3f} | "
                    f"{r['tilesim']:.3f} | {float(np.median(ratios)):.1f}x ({min(ratios):.1f}-{max(ratios):.1f}) | "
                    f"{r['max_abs']:.1e} |")
                print(backward_lines[-1], flush=True)
        other_lines = ["| case | PyTorch formulation ms | tilesim ms | ratio | max abs difference |", "|---|---|---|---|---|"]
        for case in formulation_cases() if args.only in ("all", "others") else []:
            rounds = [run_formulation_case(case, tilesim, args.repeat, tmp) for _ in range(max(1, args.rounds))]
            r = {k: float(np.median([x[k] for x in rounds])) for k in rounds[0]}
            other_lines.append(f"| {case[0]} | {r['torch']:.1f} | {r['tilesim']:.1f} | {r['torch'] / r['tilesim']:.1f}x | "
                               f"{r['max_abs']:.1e} |")
            print(other_lines[-1], flush=True)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n\ngrid_sample backward (in-process, NCHW, random grid):\n\n")
            f.write("\n".join(backward_lines) + "\n")
            f.write("\nThe other ops (CPU reference through the CLI against the PyTorch formulation):\n\n")
            f.write("\n".join(other_lines) + "\n")
            f.write("\nSimulated path (grid_sample bilinear, interleaved, float32, Wormhole B0):\n\n")
            f.write("| case | CPU reference ms | sim ms (checks off) | sim / ref (range over rounds) | sim ms (checks on) | sim / ref | sim ms 1 thread | 2-thread speed-up |\n")
            f.write("|---|---|---|---|---|---|---|---|\n" + "\n".join(sim_lines) + "\n")


if __name__ == "__main__":
    main()
