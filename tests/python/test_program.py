"""The program API from Python: the example factory (docs/examples/python/eltwise_add.py), a copy
factory with TensorAccessorArgs-free kernels, and the host-side objects."""

import pathlib
import runpy

import numpy as np

import tilesim as ts

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_eltwise_add_example_matches_numpy():
    example = runpy.run_path(str(ROOT / "docs/examples/python/eltwise_add.py"))
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 2048), dtype=np.float32), rng.standard_normal((2, 2048), dtype=np.float32)
    c, report = example["eltwise_add"](ts.Device(), a, b)
    expected = ts.round_to_dtype(ts.round_to_dtype(a, "bfloat16") + ts.round_to_dtype(b, "bfloat16"), "bfloat16")
    np.testing.assert_array_equal(c, expected)
    assert len(report.cores) == 4 and report.predicted_us > 0
    kinds = sorted(k["kind"] for k in report.program["kernels"])  # EnqueueProgram attaches program.info()
    assert kinds == ["compute", "reader", "writer"] and len(report.program["circular_buffers"]) == 3
    example["main"]()


def test_split_work_to_cores_has_tt_metal_semantics():
    split = ts.split_work_to_cores((8, 8), 70)
    num_cores, all_cores, g1, g2, n1, n2 = split
    assert (num_cores, n1, n2) == (64, 2, 1) and g1.num_cores == 6 and g2.num_cores == 58
    assert all_cores.num_cores == 64
    work = ts.assign_work(split, ts.CoreCoord(8, 8))
    assert sum(w.count for w in work) == 70 and work[1].start == 2
    assert ts.core_at_index(9, (8, 8)) == ts.CoreCoord(1, 1)


def test_buffers_and_device_tensors_round_trip():
    device = ts.Device("wormhole_b0")
    buf = device.create_buffer(4096, 256)
    data = np.arange(1024, dtype=np.float32)
    buf.write(data)
    assert np.array_equal(buf.read().view(np.float32), data)
    assert buf.num_pages == 16 and buf.is_dram
    x = np.random.default_rng(0).standard_normal((3, 40, 64)).astype(np.float32)
    for layout in ("row_major", "tile"):
        t = ts.to_device(x, device, layout=layout)
        np.testing.assert_array_equal(ts.from_device(t), x)
    t = ts.to_device(x, device, dtype="bfloat16", buffer_type="l1")
    np.testing.assert_array_equal(ts.from_device(t), ts.round_to_dtype(x, "bfloat16"))
    assert ts.TensorAccessorArgs(t.buffer).get_compile_time_args() == ts.TensorAccessorArgs(t).get_compile_time_args()


def test_program_objects():
    program = ts.Program()
    cores = ts.CoreRange((0, 0), (1, 1))
    cb = ts.CreateCircularBuffer(program, cores, ts.CircularBufferConfig(2048, {0: ts.DataType.Float32})
                                 .set_page_size(0, 1024).set_label("input sticks"))
    k = ts.CreateKernel(program, "kernels/examples/reader_unary_pages.cpp", [cores, (3, 3)],
                        ts.ReaderDataMovementConfig([1024]))
    ts.SetRuntimeArgs(program, k, (3, 3), [1, 2, 3])
    assert cb == 0 and ts.GetRuntimeArgs(program, k, ts.CoreCoord(3, 3)) == [1, 2, 3]
    assert program.kernels == ["kernels/examples/reader_unary_pages.cpp"] and program.num_circular_buffers == 1
    assert len(program.cores_with_kernels()) == 5
    info = program.info()
    assert info["kernels"][0]["kind"] == "reader" and info["kernels"][0]["num_cores"] == 5
    assert info["kernels"][0]["compile_args"] == [1024]
    assert info["circular_buffers"] == [dict(index=0, holds="input sticks", cores=info["circular_buffers"][0]["cores"],
                                             total_size=2048,
                                             page_size=1024, data_format="float32", globally_allocated=False)]
    assert "1 kernels" in repr(program)


def test_copy_sticks_example_with_tensor_accessor_args():
    example = runpy.run_path(str(ROOT / "docs/examples/python/copy_sticks.py"))
    x = np.random.default_rng(5).standard_normal((37, 9), dtype=np.float32)
    device = ts.Device()
    for source in ("l1", "dram"):
        y, report = example["copy_sticks"](device, x, source, cb_pages=3)
        np.testing.assert_array_equal(y, x)
        assert len(report.cores) == 37  # one stick per core
    example["main"]()
