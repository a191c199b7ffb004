"""Every error path: C++ exceptions arrive as tilesim's Python exceptions with the C++ message."""

import pathlib

import numpy as np
import pytest

import tilesim as ts

KERNELS = pathlib.Path(__file__).resolve().parent / "kernels"
F32 = np.float32


def test_hierarchy():
    assert issubclass(ts.InvalidArgument, ValueError) and issubclass(ts.InvalidArgument, ts.Error)
    assert issubclass(ts.ConfigError, ts.InvalidArgument) and issubclass(ts.OutOfMemory, ts.InvalidArgument)
    for e in (ts.DeadlockError, ts.WatcherError, ts.WatchdogTimeout, ts.KernelBuildError, ts.BackendUnavailable):
        assert issubclass(e, ts.Error) and not issubclass(e, ValueError)


@pytest.mark.parametrize("call, message", [
    (lambda: ts.grid_sample(np.ones((1, 2, 3, 3), F32), np.ones((1, 2, 2, 3), F32)),
     r"grid_sample: grid must be \[N, Ho, Wo, 2\], got \[1, 2, 2, 3\]"),
    (lambda: ts.grid_sample(np.ones((1, 2, 3, 3), F32), np.ones((1, 2, 2, 2), F32), mode="linear"), "linear"),
    (lambda: ts.grid_sample(np.ones((1, 2, 3, 3), F32), np.ones((1, 2, 2, 2), F32), backend="tpu"),
     "backend must be one of cpu, sim, cuda; got 'tpu'"),
    (lambda: ts.grid_sample(np.ones((1, 2, 3, 3), F32), np.ones((1, 2, 2, 2), F32), dtype="int32"), "dtype"),
    (lambda: ts.grid_sample_backward(np.ones((1, 2, 5, 5), F32), np.ones((1, 2, 3, 3), F32),
                                     np.ones((1, 2, 2, 2), F32)), "grad_output must be"),
    (lambda: ts.affine_grid(np.ones((2, 3, 3), F32), (2, 1, 4, 4)), r"theta must be \[N, 2, 3\]"),
    (lambda: ts.spatial_correlation(np.ones((1, 2, 5, 5), F32), np.ones((1, 2, 5, 4), F32)), "shape"),
    (lambda: ts.spatial_correlation(np.ones((1, 2, 5, 5), F32), np.ones((1, 2, 5, 5), F32), stride=0), "stride"),
    (lambda: ts.spatial_correlation(np.ones((1, 2, 5, 5), F32), np.ones((1, 2, 5, 5), F32), preset="x"), "preset"),
    (lambda: ts.correlation(np.ones((1, 2, 5, 5), F32), np.ones((1, 2, 5, 5), F32), kernel_size=2), "kernel_size"),
    (lambda: ts.corr_lookup(np.ones((1, 2, 4, 4), F32), np.ones((1, 2, 4, 4), F32), np.ones((1, 3, 4, 4), F32)),
     "coords"),
    (lambda: ts.CorrBlock(np.ones((1, 2, 4, 4), F32), np.ones((1, 2, 4), F32)), r"fmap2 must be \[N, C, H, W\]"),
    (lambda: ts.sample_sum(np.ones((1, 2, 4, 4), F32), np.ones((1, 3, 2, 2), F32), np.ones((1, 1, 3, 3), F32)),
     "sample_sum"),
    (lambda: ts.sample_dot(np.ones((1, 2, 4, 4), F32), np.ones((1, 3, 2, 2), F32), np.ones((1, 1, 3, 2), F32),
                           np.ones((1, 3, 2), F32), 1), "sample_dot"),
    (lambda: ts.deformable_aggregation(np.ones((1, 4, 2), F32), np.ones((1, 1, 2), F32), np.ones((1, 1), F32) * 0.5,
                                       np.ones((1, 1, 1, 1, 2), F32), np.ones((1, 1, 1, 1, 1, 1), F32)),
     "scale_start_index"),
    (lambda: ts.Device("no_such_device"), "no_such_device"),
    (lambda: ts.Device().create_buffer(100, 0), "page"),
    (lambda: ts.CreateKernel(ts.Program(), "kernels/nowhere.cpp", (0, 0), ts.ReaderDataMovementConfig()),
     "kernels/nowhere.cpp"),
    (lambda: ts.CreateKernel(ts.Program(), "kernels/examples/reader_unary_pages.cpp", "core 0", ts.ComputeConfig()),
     "cores must be"),
    (lambda: ts.ComputeConfig(math_fidelity="HiFi9"), "math_fidelity"),
    (lambda: ts.to_device(np.ones((2, 2), F32), ts.Device(), layout="blocked"), "layout"),
])
def test_bad_arguments_raise_value_error_with_the_cpp_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_l1_too_small_is_out_of_memory():
    device = ts.Device()
    with pytest.raises(ts.OutOfMemory):
        device.create_buffer(1 << 40, 1 << 20, buffer_type="l1")


def _misbehaving_program(what):
    device = ts.Device()
    program = ts.Program()
    ts.CreateCircularBuffer(program, (0, 0), ts.CircularBufferConfig(64, {0: "float32"}).set_page_size(0, 32))
    k = ts.CreateKernel(program, str(KERNELS / "misbehaving_reader.cpp"), (0, 0), ts.ReaderDataMovementConfig())
    ts.SetRuntimeArgs(program, k, (0, 0), [what])
    return device, program


def test_watcher_error():
    with pytest.raises(ts.WatcherError, match="cb_push_back"):
        ts.EnqueueProgram(*_misbehaving_program(0))


def test_deadlock_error_names_the_blocked_kernel():
    with pytest.raises(ts.DeadlockError, match="misbehaving_reader"):
        ts.EnqueueProgram(*_misbehaving_program(1))


def test_watchdog_stops_a_kernel_that_makes_no_progress():
    with pytest.raises(ts.WatchdogTimeout):
        ts.EnqueueProgram(*_misbehaving_program(2), watchdog_seconds=0.5)


def test_kernel_exception_reaches_python_with_its_message():
    with pytest.raises(ts.Error, match="kernel says no") as info:
        ts.EnqueueProgram(*_misbehaving_program(3))
    assert "misbehaving_reader" in str(info.value)


def test_kernel_build_error_carries_the_compiler_log():
    program = ts.Program()
    ts.CreateKernel(program, str(KERNELS / "does_not_compile.cpp"), (0, 0), ts.ReaderDataMovementConfig())
    with pytest.raises(ts.KernelBuildError, match="does_not_compile.cpp") as info:
        ts.EnqueueProgram(ts.Device(), program)
    assert "this_is_not_declared" in info.value.log


def test_cuda_backend_unavailable_or_working():
    x, grid = np.ones((1, 1, 2, 2), F32), np.zeros((1, 1, 1, 2), F32)
    try:
        out = ts.grid_sample(x, grid, backend="cuda")
    except ts.BackendUnavailable as e:
        assert "cuda" in str(e)
    else:
        np.testing.assert_allclose(out, ts.grid_sample(x, grid))


def test_tensor_on_another_device_is_refused():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device for torch")
    with pytest.raises(ValueError, match="CPU"):
        ts.grid_sample(torch.ones(1, 1, 2, 2, device="cuda"), torch.zeros(1, 1, 1, 2, device="cuda"))


def test_ctrl_c_stops_a_simulated_run_cleanly():
    """SIGINT while a program spins (its watchdog set far off) stops the run and raises KeyboardInterrupt;
    without the cancel path the run would end after 60 s with WatchdogTimeout instead."""
    import os
    import signal
    import threading

    device, program = _misbehaving_program(2)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt, match="run cancelled"):
            ts.EnqueueProgram(device, program, watchdog_seconds=60.0)
    finally:
        timer.cancel()
    # The interpreter's own SIGINT handling is back, and the next run works.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    device, program = _misbehaving_program(3)
    with pytest.raises(ts.Error, match="kernel says no"):
        ts.EnqueueProgram(device, program)
