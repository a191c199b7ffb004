"""Times the PyTorch formulation of deformable aggregation on the shapes of bench_deformable_cpu.

  /usr/bin/python3 bench/compare_deformable_pytorch.py [--threads 2] [--repeats 5]

SparseDrive's size: 6 cameras, 4 scales (64x176, 32x88, 16x44, 8x22), 900 anchors, 13 points, 8 groups,
C = 256, batch 1 and 2, every location inside (0, 1). The formulation is the one the golden fixtures use
(tests/golden/gen_deformable.py): grid_sample per scale over all cameras, then the masked group-weighted
sum. Prints the median wall and process CPU times of the forward and of forward + backward (autograd),
in milliseconds.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden"))
from gen_deformable import aggregation_grid_sample  # noqa: E402

SCALES = [(64, 176), (32, 88), (16, 44), (8, 22)]
CAMS, ANCHORS, PTS, GROUPS, C = 6, 900, 13, 8, 256


def median_ms(fn, repeats):
    """Median wall time and median process CPU time (all threads) of fn, in ms. On a shared machine the
    CPU time is the steadier of the two; bench_deformable_cpu reports the same pair."""
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return sorted(wall)[len(wall) // 2], sorted(cpu)[len(cpu) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for bs in (1, 2):
        maps = [torch.rand(bs, CAMS, C, h, w, generator=gen) * 2 - 1 for h, w in SCALES]
        loc = torch.rand(bs, ANCHORS, PTS, CAMS, 2, generator=gen) * 0.998 + 0.001
        weights = torch.rand(bs, ANCHORS, PTS, CAMS, len(SCALES), GROUPS, generator=gen)
        grad = torch.rand(bs, ANCHORS, C, generator=gen) * 2 - 1
        with torch.no_grad():
            forward = median_ms(lambda: aggregation_grid_sample(maps, loc, weights), args.repeats)
        leaves = [m.clone().requires_grad_() for m in maps] + [loc.clone().requires_grad_(),
                                                                weights.clone().requires_grad_()]

        def forward_backward():
            out = aggregation_grid_sample(leaves[:len(SCALES)], leaves[-2], leaves[-1])
            torch.autograd.grad(out, leaves, grad)

        both = median_ms(forward_backward, args.repeats)
        print(f"bs={bs}: pytorch forward {forward[0]:.1f} ms (cpu {forward[1]:.1f} ms), "
              f"forward+backward {both[0]:.1f} ms (cpu {both[1]:.1f} ms)")


if __name__ == "__main__":
    main()
