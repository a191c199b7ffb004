#!/usr/bin/python3
"""Times the PyTorch formulations of the correlation family on the shapes of bench_correlation_cpu.cpp.

The formulations are those that generate the golden fixtures (tests/golden/gen_correlation.py), in
float32 with torch.set_num_threads(2). Backward timings cover autograd's backward pass only (the graph is
built outside the timed region), as the C++ backward benchmarks time the backward alone. RAFT's
AlternateCorrBlock has no CPU implementation in RAFT (alt_cuda_corr is CUDA only), so the alternate
lookup is compared with CorrBlock, the CPU formulation that computes the same values.

Usage (Debian's python, which has torch 1.13):
  build/bench/bench_correlation_cpu --benchmark_format=json --benchmark_repetitions=3 > corr.json
  /usr/bin/python3 bench/compare_correlation_pytorch.py --cpp-json corr.json [--stat min]
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden"))
from gen_correlation import (corr_lookup, corr_pyramid, flownet_correlation,  # noqa: E402
                             spatial_correlation)

FLOWNETC_SHAPE = (1, 256, 48, 64)
FLOWNETC = dict(pad_size=20, kernel_size=1, max_displacement=20, stride1=1, stride2=2)
FLOWNETC_SPATIAL = dict(kernel_size=1, patch_size=21, dilation_patch=2)
PWCNET_SHAPE = (1, 32, 109, 256)
PWCNET = dict(kernel_size=1, patch_size=9)
RAFT_SHAPE = (1, 256, 55, 128)
RAFT_LEVELS, RAFT_RADIUS = 4, 4


def uniform(*shape, lo=-1.0, hi=1.0):
    return torch.rand(*shape) * (hi - lo) + lo


def raft_coords():
    B, _, H, W = RAFT_SHAPE
    ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float32), torch.arange(W, dtype=torch.float32),
                            indexing="ij")
    return torch.stack([xs, ys], 0)[None] + uniform(B, 2, H, W, lo=-4, hi=4)


STATS = {"median": statistics.median, "min": min}


def time_forward(fn, *inputs, repeats, stat):
    with torch.no_grad():
        fn(*inputs)  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn(*inputs)
            times.append(time.perf_counter() - t0)
    return STATS[stat](times) * 1e3


def time_backward(fn, *inputs, repeats, stat):
    times = []
    for _ in range(repeats + 1):
        leaves = [t.clone().requires_grad_(True) for t in inputs]
        out = fn(*leaves)
        grad = torch.rand_like(out)
        t0 = time.perf_counter()
        torch.autograd.grad(out, leaves, grad)
        times.append(time.perf_counter() - t0)
    return STATS[stat](times[1:]) * 1e3


def pytorch_timings(repeats, stat, name_filter=""):
    torch.manual_seed(0)
    a, b = uniform(*FLOWNETC_SHAPE), uniform(*FLOWNETC_SHAPE)
    p1, p2 = uniform(*PWCNET_SHAPE), uniform(*PWCNET_SHAPE)
    f1, f2 = uniform(*RAFT_SHAPE), uniform(*RAFT_SHAPE)
    coords = raft_coords()

    def flownet(x, y):
        return flownet_correlation(x, y, **FLOWNETC)

    def pwc(x, y):
        return spatial_correlation(x, y, **PWCNET)

    def raft(x, y):
        return corr_lookup(corr_pyramid(x, y, RAFT_LEVELS), coords, RAFT_RADIUS)

    cases = {
        "flownetc/flownet_forward": lambda: time_forward(flownet, a, b, repeats=repeats, stat=stat),
        "flownetc/flownet_backward": lambda: time_backward(flownet, a, b, repeats=repeats, stat=stat),
        "flownetc/spatial_preset_forward": lambda: time_forward(
            lambda x, y: spatial_correlation(x, y, **FLOWNETC_SPATIAL), a, b, repeats=repeats, stat=stat),
        "pwcnet/spatial_forward": lambda: time_forward(pwc, p1, p2, repeats=repeats, stat=stat),
        "pwcnet/spatial_backward": lambda: time_backward(pwc, p1, p2, repeats=repeats, stat=stat),
        "raft/pyramid_lookup": lambda: time_forward(raft, f1, f2, repeats=repeats, stat=stat),
        "raft/lookup_backward": lambda: time_backward(raft, f1, f2, repeats=repeats, stat=stat),
    }
    times = {name: run() for name, run in cases.items() if name_filter in name}
    if "raft/pyramid_lookup" in times:  # same PyTorch formulation (see the module docstring)
        times["raft/alternate_lookup"] = times["raft/pyramid_lookup"]
    return times


def cpp_timings(path, stat):
    """Real time per benchmark from Google Benchmark's JSON (every repetition, reduced with `stat`)."""
    with open(path) as f:
        data = json.load(f)
    runs = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        name = b["name"].split("/min_time")[0].split("/real_time")[0]
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        runs.setdefault(name, []).append(b["real_time"] * scale)
    return {name: STATS[stat](times) for name, times in runs.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cpp-json", help="output of bench_correlation_cpu --benchmark_format=json")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stat", choices=sorted(STATS), default="median",
                        help="reduce repeated timings (and the C++ repetitions) with this statistic")
    parser.add_argument("--filter", default="", help="only benchmarks whose name contains this")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch_ms = pytorch_timings(args.repeats, args.stat, args.filter)
    cpp_ms = cpp_timings(args.cpp_json, args.stat) if args.cpp_json else {}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; times in ms ({args.stat})")
    print(f"{'benchmark':34s} {'PyTorch':>10s} {'tilesim':>10s} {'speed-up':>9s}")
    for name, t in torch_ms.items():
        c = cpp_ms.get(name)
        cs = f"{c:10.1f}" if c is not None else f"{'-':>10s}"
        speedup = f"{t / c:8.1f}x" if c else f"{'-':>9s}"
        print(f"{name:34s} {t:10.1f} {cs} {speedup}")


if __name__ == "__main__":
    main()
