"""Times PyTorch's CPU F.grid_sample on the shapes and grid of bench/bench_grid_sample_cpu.cpp.

Run with Debian's python (torch 1.13):
    /usr/bin/python3 bench/compare_grid_sample_pytorch.py [--threads 2] [--repeats 20] [--json out.json] [--random]
        [--backward]
Prints one line per (mode, layout, shape) with the best and median milliseconds. "NHWC" passes a
channels_last input (torch returns a tensor in the same memory format). --random: issue #22's shapes with a
grid uniform in [-1.1, 1.1], NCHW (bench_grid_sample_cpu's grid_sample_forward_random/<mode>/zeros/NCHW/...).
--backward: the backward instead (torch.autograd.grad of F.grid_sample for the input and the grid, against
bench_grid_sample_cpu's grid_sample_backward_random/... or grid_sample_backward/bilinear/... rows; nearest
only with --random, where the C++ benchmark has it).
--bench build/bench/bench_grid_sample_cpu [--rounds 3]: also runs tilesim's benchmark of the same row right
after PyTorch's, in every round, and prints both medians and the ratio (median and range over rounds).
"""
import argparse
import json
import math
import statistics
import subprocess
import time

import torch
import torch.nn.functional as F

SHAPES = [  # name, (n, c, h, w, out_h, out_w)
    ("1x64x128x128->128x128", (1, 64, 128, 128, 128, 128)),
    ("8x32x64x64->64x64", (8, 32, 64, 64, 64, 64)),
    ("1x256x96x320->96x320", (1, 256, 96, 320, 96, 320)),
]


RANDOM_GRID_SHAPES = [  # issue #22
    ("1x64x128x128->128x128", (1, 64, 128, 128, 128, 128)),
    ("4x128x32x48->32x48", (4, 128, 32, 48, 32, 48)),
    ("1x32x96x96->96x96", (1, 32, 96, 96, 96, 96)),
    ("1x16x256x256->256x256", (1, 16, 256, 256, 256, 256)),
]


def warp_grid(n, out_h, out_w):
    """Same smooth warp as warp_grid() in bench_grid_sample_cpu.cpp (computed in double, stored as float)."""
    grid = torch.empty(n, out_h, out_w, 2, dtype=torch.float64)
    j = torch.arange(out_w, dtype=torch.float64)
    i = torch.arange(out_h, dtype=torch.float64)
    u = ((2.0 * j + 1.0) / out_w - 1.0).view(1, out_w).expand(out_h, out_w)
    v = ((2.0 * i + 1.0) / out_h - 1.0).view(out_h, 1).expand(out_h, out_w)
    for b in range(n):
        a, scale = 0.17 + 0.05 * b, 0.9
        grid[b, ..., 0] = scale * (math.cos(a) * u - math.sin(a) * v) + 0.05 + 0.03 * torch.sin(3.1 * v + 0.7 * b)
        grid[b, ..., 1] = scale * (math.sin(a) * u + math.cos(a) * v) - 0.03 + 0.03 * torch.cos(2.3 * u)
    return grid.float()


def time_ms(fn, repeats, clock=time.perf_counter):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append((clock() - start) * 1e3)
    times.sort()
    return times[0], times[len(times) // 2]


def pass_under_test(x, grid, mode, backward):
    """F.grid_sample (zeros padding, align_corners False), or its backward: the gradients of the input and
    the grid for a fixed grad_output (the graph is kept between calls, so only the backward is timed)."""
    if not backward:
        return lambda: F.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
    xg, gg = x.detach().requires_grad_(), grid.detach().requires_grad_()
    out = F.grid_sample(xg, gg, mode=mode, padding_mode="zeros", align_corners=False)
    grad_out = torch.rand_like(out) * 2 - 1
    return lambda: torch.autograd.grad(out, [xg, gg], grad_out, retain_graph=True)


def tilesim_ms(bench, name, threads, key="real_time"):
    """Median real (or CPU) time of one bench_grid_sample_cpu row (anchored filter), in ms."""
    out = subprocess.run([bench, f"--threads={threads}", f"--benchmark_filter=^{name}/real_time$",
                          "--benchmark_min_time=0.2", "--benchmark_repetitions=3",
                          "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                         capture_output=True, text=True, check=True)
    rows = [b for b in json.loads(out.stdout)["benchmarks"] if b.get("aggregate_name") == "median"]
    return rows[0][key]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--random", action="store_true", help="issue #22's shapes, random grids, NCHW")
    parser.add_argument("--backward", action="store_true", help="time the backward pass instead")
    parser.add_argument("--bench", help="bench_grid_sample_cpu to time the same rows with, side by side")
    parser.add_argument("--rounds", type=int, default=1, help="with --bench: rounds, each timing both sides")
    parser.add_argument("--cpu-time", action="store_true",
                        help="CPU time instead of wall time on both sides (use with --threads 1 on a busy "
                             "machine: the work each side does, less sensitive to other processes)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    results = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, padding zeros, align_corners=False")
    for name, (n, c, h, w, out_h, out_w) in RANDOM_GRID_SHAPES if args.random else SHAPES:
        inp = torch.rand(n, c, h, w) * 2 - 1
        grid = torch.rand(n, out_h, out_w, 2) * 2.2 - 1.1 if args.random else warp_grid(n, out_h, out_w)
        for mode in ["bilinear", "nearest"] if args.random or not args.backward else ["bilinear"]:
            for layout in ["NCHW"] if args.random else ["NCHW", "NHWC"]:
                x = inp if layout == "NCHW" else inp.contiguous(memory_format=torch.channels_last)
                kind = "backward" if args.backward else "forward"
                prefix = f"grid_sample_{kind}_random" if args.random else f"grid_sample_{kind}"
                padding = "zeros/" if args.random else ""
                row = f"{prefix}/{mode}/{padding}{layout}/{name}"
                call = pass_under_test(x, grid, mode, args.backward)
                torch_ms, tilesim = [], []
                for _ in range(max(1, args.rounds) if args.bench else 1):
                    best, median = time_ms(call, args.repeats,
                                           time.process_time if args.cpu_time else time.perf_counter)
                    torch_ms.append(median)
                    if args.bench:
                        tilesim.append(tilesim_ms(args.bench, row, args.threads,
                                                  "cpu_time" if args.cpu_time else "real_time"))
                result = {"mode": mode, "layout": layout, "shape": name, "best_ms": best,
                          "median_ms": statistics.median(torch_ms)}
                line = f"{row}: PyTorch best {best:.3f} ms, median {result['median_ms']:.3f} ms"
                if tilesim:
                    ratios = [t / m for t, m in zip(torch_ms, tilesim)]
                    result.update(tilesim_ms=statistics.median(tilesim), ratio=statistics.median(ratios))
                    line += (f"; tilesim {result['tilesim_ms']:.3f} ms; ratio {result['ratio']:.1f}x "
                             f"({min(ratios):.1f}-{max(ratios):.1f})")
                results.append(result)
                print(line, flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
