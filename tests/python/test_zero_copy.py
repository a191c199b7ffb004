"""Zero copy where promised: C-contiguous float32 NumPy arrays and CPU tensors reach C++ at their own
address; outputs are NumPy arrays owning the C++ result, and torch outputs share that memory."""

import numpy as np
import pytest

import tilesim
from tilesim import _tilesim
from tilesim._arrays import to_array


def test_contiguous_float32_array_is_not_copied():
    a = np.ones((3, 5), np.float32)
    assert _tilesim._data_address(a) == a.ctypes.data
    assert _tilesim._data_address(to_array(a)) == a.ctypes.data


def test_other_arrays_are_converted():
    a = np.ones((3, 5), np.float64)
    assert _tilesim._data_address(a) != a.ctypes.data
    b = np.ones((5, 3), np.float32).T
    assert _tilesim._data_address(b) != b.ctypes.data


def test_cpu_tensor_is_not_copied():
    torch = pytest.importorskip("torch")
    t = torch.ones(4, 6).requires_grad_()
    assert _tilesim._data_address(to_array(t)) == t.data_ptr()


def test_output_owns_the_cpp_result_and_torch_shares_it():
    torch = pytest.importorskip("torch")
    x, grid = torch.ones(1, 2, 3, 3), torch.zeros(1, 2, 2, 2)
    out = tilesim.grid_sample(x, grid, backend="sim")
    base = out.numpy()
    assert out.data_ptr() == base.ctypes.data  # the tensor is a view of the array tilesim returned
    y = tilesim.sample_sum(np.ones((1, 2, 3, 3), np.float32), np.zeros((1, 2, 2, 2), np.float32),
                           np.ones((1, 1, 2, 2), np.float32))
    assert not y.flags.owndata and y.base is not None  # a capsule holding the C++ tensor


def test_cpu_ops_read_read_only_inputs_in_place():
    # The float32 CPU paths call the reference on the caller's memory (tests/ops/common/test_front_end.cpp
    # checks that no copy is made): a read-only input works and the result is the C++ output handed over.
    x = np.ones((1, 1, 4, 4), np.float32)
    x.flags.writeable = False
    out = tilesim.grid_sample(x, np.zeros((1, 1, 1, 2), np.float32))
    assert out[0, 0, 0, 0] == 1 and not out.flags.owndata and out.base is not None
    a = np.ones((1, 3, 5, 5), np.float32)
    a.flags.writeable = False
    assert tilesim.correlation(a, a, pad_size=0, kernel_size=1, max_displacement=0, stride1=1,
                               stride2=1).shape == (1, 1, 5, 5)


def test_dlpack_producer_is_not_copied():
    torch = pytest.importorskip("torch")

    class DLPackOnly:  # a producer NumPy knows only through DLPack
        def __init__(self, t):
            self.t = t

        def __dlpack__(self, stream=None):
            return self.t.__dlpack__()

        def __dlpack_device__(self):
            return self.t.__dlpack_device__()

    t = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    assert _tilesim._data_address(to_array(DLPackOnly(t))) == t.data_ptr()
    out = tilesim.grid_sample(DLPackOnly(t.reshape(1, 1, 3, 4)), np.zeros((1, 1, 1, 2), np.float32))
    assert isinstance(out, np.ndarray) and out.shape == (1, 1, 1, 1)
