"""The GIL is released while an op or a program runs: another Python thread keeps running meanwhile."""

import threading
import time

import numpy as np

import tilesim


def test_other_python_threads_run_during_an_op():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1, 64, 192, 192)).astype(np.float32)
    grid = rng.uniform(-1, 1, (1, 192, 192, 2)).astype(np.float32)
    calls = []

    def worker():
        for _ in range(5):
            start = time.perf_counter()
            tilesim.grid_sample(x, grid, mode="bicubic")
            calls.append((start, time.perf_counter()))

    thread = threading.Thread(target=worker)
    ticks = []
    thread.start()
    while thread.is_alive():
        ticks.append(time.perf_counter())
    thread.join()
    ticks = np.array(ticks)
    # Holding the GIL, a call would keep this loop from running between the Python parts at its two ends
    # (microseconds, at most one switch interval each): no tick in the middle half of any call. Released,
    # the loop ticks throughout, unless the OS deschedules it for the middle of every call at once.
    middles = [((ticks > s + (e - s) / 4) & (ticks < e - (e - s) / 4)).any() for s, e in calls]
    assert any(middles), (calls, len(ticks))
