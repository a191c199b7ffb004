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


def python_median_ms(x, grid, backend, repeats):
    tilesim.grid_sample(x, grid, backend=backend)  # warm-up (kernels built, device created)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        tilesim.grid_sample(x, grid, backend=backend)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = np.random.default_rng(0)
    print(f"{'shape':26} {'backend':8} {'C++ ms':>10} {'Python ms':>10} {'overhead':>9}")
    for name, in_shape, grid_shape, backend in CASES:
        x = rng.uniform(-1, 1, in_shape).astype(np.float32)
        grid = rng.uniform(-1, 1, grid_shape).astype(np.float32)
        with tempfile.TemporaryDirectory() as d:
            folder = pathlib.Path(d)
            np.save(folder / "x.npy", x)
            np.save(folder / "g.npy", grid)
            cpp = cli_median_ms(folder, backend, repeats)
        py = python_median_ms(x, grid, backend, repeats)
        print(f"{name:26} {backend:8} {cpp:10.3f} {py:10.3f} {100 * (py - cpp) / cpp:+8.1f}%")


if __name__ == "__main__":
    main()
