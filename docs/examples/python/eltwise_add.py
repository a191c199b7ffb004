"""tt-metal's eltwise_binary programming example as a program factory written in Python: c = a + b over
bfloat16 tiles, reader / compute / writer kernels from kernels/examples/ on a simulated Wormhole B0, the
work split over cores with split_work_to_cores. Checked against NumPy.

    PYTHONPATH=build/python python3 docs/examples/python/eltwise_add.py
"""

import numpy as np

import tilesim as ts
from tilesim import (CBIndex, CircularBufferConfig, ComputeConfig, CreateCircularBuffer, CreateKernel,
                     EnqueueProgram, Program, ReaderDataMovementConfig, SetRuntimeArgs, WriterDataMovementConfig)

TILE_VALUES = 32 * 32
TILE_BYTES = TILE_VALUES * 2  # bfloat16


def eltwise_add(device, a, b):
    """a + b (float32 arrays of a whole number of tiles' values) as bfloat16 on the device."""
    num_tiles = a.size // TILE_VALUES
    # Each tile is one page of 1024 bfloat16 values: one "stick" of a [num_tiles, 1024] row-major tensor.
    a_dev = ts.to_device(a.reshape(num_tiles, TILE_VALUES), device, dtype="bfloat16")
    b_dev = ts.to_device(b.reshape(num_tiles, TILE_VALUES), device, dtype="bfloat16")
    out_dev = ts.allocate_on_device([num_tiles, TILE_VALUES], device, dtype="bfloat16")

    # Work split: tiles over the worker grid.
    grid = device.compute_with_storage_grid_size()
    split = ts.split_work_to_cores(grid, num_tiles)
    program = Program()
    # CBs: two pages (double buffering) of one tile each for the inputs c_0, c_1 and the output c_16.
    for cb in (CBIndex.c_0, CBIndex.c_1, CBIndex.c_16):
        CreateCircularBuffer(program, split.all_cores,
                             CircularBufferConfig(2 * TILE_BYTES, {cb: "bfloat16"}).set_page_size(cb, TILE_BYTES))
    # Kernels. Compile-time args: reader [0 tile bytes]; writer [0 page bytes, 1 output CB];
    # compute [0 tiles on this core] (one compute kernel per core group).
    reader = CreateKernel(program, "kernels/examples/reader_binary_tiles.cpp", split.all_cores,
                          ReaderDataMovementConfig([TILE_BYTES]))
    writer = CreateKernel(program, "kernels/examples/writer_unary_pages.cpp", split.all_cores,
                          WriterDataMovementConfig([TILE_BYTES, CBIndex.c_16]))
    for group, tiles in ((split.core_group_1, split.units_per_core_group_1),
                         (split.core_group_2, split.units_per_core_group_2)):
        if not group.empty():
            CreateKernel(program, "kernels/examples/compute_add_tiles.cpp", group, ComputeConfig(compile_args=[tiles]))
    # Runtime args: reader [0 a address, 1 b address, 2 tiles, 3 first tile]; writer [0 out address,
    # 1 tiles, 2 first tile].
    for work in ts.assign_work(split, grid):
        SetRuntimeArgs(program, reader, work.core,
                       [a_dev.buffer.address, b_dev.buffer.address, work.count, work.start])
        SetRuntimeArgs(program, writer, work.core, [out_dev.buffer.address, work.count, work.start])

    report = EnqueueProgram(device, program)
    return ts.from_device(out_dev).reshape(a.shape), report


def main():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((8, 1024), dtype=np.float32)
    b = rng.standard_normal((8, 1024), dtype=np.float32)
    device = ts.Device("wormhole_b0")
    c, report = eltwise_add(device, a, b)
    # The device adds the bfloat16-rounded inputs and packs the sum as bfloat16.
    expected = ts.round_to_dtype(ts.round_to_dtype(a, "bfloat16") + ts.round_to_dtype(b, "bfloat16"), "bfloat16")
    np.testing.assert_array_equal(c, expected)
    print(f"eltwise_add: {a.size} values on {report.cores.__len__()} cores, predicted {report.predicted_us:.2f} us "
          f"({report.bound} bound); matches NumPy")


if __name__ == "__main__":
    main()
