"""The binding's overhead per op call: the median time of tilesim.grid_sample from Python against the
median time of the same C++ op call as the CLI measures it (`tilesim op grid_sample --repeat N`, which
times ops::grid_sample alone). Run from the repository root:

    PYTHONPATH=build/python python3 tests/python/bench_overhead.py [repeats]

(Not a test: pytest collects test_*.py only. docs/python.md records a run.)"""

import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np

import tilesim
from tilesim._paths import CLI

# (name, input [N, C, H, W], grid [N, Ho, Wo, 2], backend): bench/bench_grid_sample_cpu.cpp's first shape,
# the README's simulated shape, and a tiny one that shows the fixed cost of a call.
CASES = [
    ("1x64x128x128->128x128", (1, 64, 128, 128), (1, 128, 128, 2), "cpu"),
    ("1x4x8x8->4x4 (tiny)", (1, 4, 8, 8), (1, 4, 4, 2), "cpu"),
    ("1x32x40x48->24x24", (1, 32, 40, 48), (1, 24, 24, 2), "sim"),
]


def cli_median_ms(folder, backend, repeats):
    out = subprocess.run([CLI, "op", "grid_sample", "--input", str(folder / "x.npy"), "--grid", str(folder / "g.npy"),
                          "--out", str(folder / "y.npy"), "--backend", backend, "--repeat", str(repeats)],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"time_ms: ([0-9.eE+-]+)", out).group(1))


def median_ms(call, repeats):
    call()  # warm-up (kernels built, device created)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def python_median_ms(x, grid, backend, repeats):
    """tilesim.grid_sample (the package's wrapper and the extension), and the extension alone."""
    run = tilesim._tilesim.RunArgs(backend=backend)
    extension = (lambda: tilesim._tilesim._grid_sample(x, grid, "bilinear", "zeros", False, "nchw", "interleaved", 1,
                                                       False, False, 0, run))
    return (median_ms(lambda: tilesim.grid_sample(x, grid, backend=backend), repeats), median_ms(extension, repeats))


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = np.random.default_rng(0)
    print(f"{'shape':24} {'backend':7} {'C++ ms':>8} {'Python ms':>10} {'overhead':>9} {'_tilesim ms':>12}")
    for name, in_shape, grid_shape, backend in CASES:
        x = rng.uniform(-1, 1, in_shape).astype(np.float32)
        grid = rng.uniform(-1, 1, grid_shape).astype(np.float32)
        with tempfile.TemporaryDirectory() as d:
            folder = pathlib.Path(d)
            np.save(folder / "x.npy", x)
            np.save(folder / "g.npy", grid)
            cpp = cli_median_ms(folder, backend, repeats)
        py, ext = python_median_ms(x, grid, backend, repeats)
        print(f"{name:24} {backend:7} {cpp:8.3f} {py:10.3f} {100 * (py - cpp) / cpp:+8.1f}% {ext:12.3f}")
    fixed_costs()


def fixed_costs():
    """Microseconds per call on a tiny shape, best of 3 x 20000 calls: what the binding itself costs."""
    x, grid = np.ones((1, 4, 8, 8), np.float32), np.zeros((1, 4, 4, 2), np.float32)
    run = tilesim._tilesim.RunArgs()
    calls = {
        "tilesim.grid_sample, NumPy inputs": lambda: tilesim.grid_sample(x, grid),
        "_tilesim._grid_sample (extension only)": lambda: tilesim._tilesim._grid_sample(
            x, grid, "bilinear", "zeros", False, "nchw", "interleaved", 1, False, False, 0, run),
    }
    try:
        import torch

        xt, gt = torch.from_numpy(x), torch.from_numpy(grid)
        calls["tilesim.grid_sample, torch inputs"] = lambda: tilesim.grid_sample(xt, gt)
    except ImportError:
        pass
    for name, call in calls.items():
        us = min(timeit.repeat(call, number=20000, repeat=3)) / 20000 * 1e6
        print(f"{name:40} {us:6.2f} us")


if __name__ == "__main__":
    main()
