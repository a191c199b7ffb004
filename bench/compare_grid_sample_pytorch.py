"""Times PyTorch's CPU F.grid_sample on the shapes and grid of bench/bench_grid_sample_cpu.cpp.

Run with Debian's python (torch 1.13):
    /usr/bin/python3 bench/compare_grid_sample_pytorch.py [--threads 2] [--repeats 20] [--json out.json]
Prints one line per (mode, layout, shape) with the best and median milliseconds. "NHWC" passes a
channels_last input (torch returns a tensor in the same memory format).
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

SHAPES = [  # name, (n, c, h, w, out_h, out_w)
    ("1x64x128x128->128x128", (1, 64, 128, 128, 128, 128)),
    ("8x32x64x64->64x64", (8, 32, 64, 64, 64, 64)),
    ("1x256x96x320->96x320", (1, 256, 96, 320, 96, 320)),
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


def time_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[0], times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    results = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, padding zeros, align_corners=False")
    for name, (n, c, h, w, out_h, out_w) in SHAPES:
        inp = torch.rand(n, c, h, w) * 2 - 1
        grid = warp_grid(n, out_h, out_w)
        for mode in ["bilinear", "nearest"]:
            for layout in ["NCHW", "NHWC"]:
                x = inp if layout == "NCHW" else inp.contiguous(memory_format=torch.channels_last)
                best, median = time_ms(lambda: F.grid_sample(x, grid, mode=mode, padding_mode="zeros",
                                                             align_corners=False), args.repeats)
                results.append({"mode": mode, "layout": layout, "shape": name, "best_ms": best, "median_ms": median})
                print(f"grid_sample_forward/{mode}/{layout}/{name}: best {best:.3f} ms, median {median:.3f} ms")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
