"""A multi-core copy of row-major sticks written in Python: the source in L1 or DRAM (the reader finds it
through TensorAccessorArgs), the destination in DRAM, kernels from kernels/examples/. Checked against the
input.

    PYTHONPATH=build/python python3 docs/examples/python/copy_sticks.py
"""

import numpy as np

import tilesim as ts


def copy_sticks(device, x, source_buffer_type="l1", cb_pages=2):
    """Copies the rows of a float32 [sticks, width] array through the device; returns (copy, RunReport)."""
    src = ts.to_device(x, device, buffer_type=source_buffer_type)
    dst = ts.allocate_on_device(list(x.shape), device)
    stick_bytes = src.stick_bytes
    page = dst.buffer.aligned_page_size  # a CB page holds one stick, at the DRAM alignment

    # Work split: sticks over the worker grid.
    grid = device.compute_with_storage_grid_size()
    split = ts.split_work_to_cores(grid, src.num_sticks)
    program = ts.Program()
    # CB c_0: cb_pages sticks between the reader and the writer.
    ts.CreateCircularBuffer(program, split.all_cores,
                            ts.CircularBufferConfig(cb_pages * page, {ts.CBIndex.c_0: "float32"})
                            .set_page_size(ts.CBIndex.c_0, page).set_label("sticks in flight"))
    # Compile-time args: reader [0 stick bytes, 1.. TensorAccessorArgs of the source]; writer [0 stick bytes,
    # 1 CB to drain].
    reader_args = [stick_bytes]
    ts.TensorAccessorArgs(src.buffer).append_to(reader_args)
    reader = ts.CreateKernel(program, "kernels/examples/reader_unary_pages.cpp", split.all_cores,
                             ts.ReaderDataMovementConfig(reader_args))
    writer = ts.CreateKernel(program, "kernels/examples/writer_unary_pages.cpp", split.all_cores,
                             ts.WriterDataMovementConfig([stick_bytes, ts.CBIndex.c_0]))
    # Runtime args (both): [0 buffer address, 1 sticks, 2 first stick].
    for work in ts.assign_work(split, grid):
        ts.SetRuntimeArgs(program, reader, work.core, [src.buffer.address, work.count, work.start])
        ts.SetRuntimeArgs(program, writer, work.core, [dst.buffer.address, work.count, work.start])
    report = ts.EnqueueProgram(device, program)
    return ts.from_device(dst), report


def main():
    x = np.random.default_rng(1).standard_normal((100, 24), dtype=np.float32)
    device = ts.Device("wormhole_b0")
    for source in ("l1", "dram"):
        y, report = copy_sticks(device, x, source)
        np.testing.assert_array_equal(y, x)
        print(f"copy_sticks from {source}: {x.shape[0]} sticks on {len(report.cores)} cores, "
              f"predicted {report.predicted_us:.2f} us ({report.bound} bound); identical")


if __name__ == "__main__":
    main()
