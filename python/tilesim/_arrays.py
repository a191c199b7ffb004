"""Inputs of any kind (NumPy arrays, PyTorch CPU tensors, anything with the buffer protocol) to the float32
NumPy arrays the C++ core reads, and the results back to the kind and dtype of the inputs.

A C-contiguous float32 array or CPU tensor is passed through without a copy: a tensor becomes a NumPy
view of its own memory (``Tensor.numpy()``), as does any other CPU DLPack producer, and the C++ side reads that memory where it is. Other inputs
(float64, bfloat16, non-contiguous) are converted once. Outputs are NumPy arrays that own the C++
result's storage, and ``torch.from_numpy`` shares it: no copy on the way back either.
"""

import sys

import numpy as np

# tilesim dtype names by NumPy / torch dtype name.
_FLOAT32 = np.dtype(np.float32)

_DTYPE_NAMES = {
    "float32": "float32",
    "float": "float32",
    "bfloat16": "bfloat16",
    "float16": "float16",
    "half": "float16",
}


def _torch():
    """torch when the caller already imported it (a tensor cannot exist otherwise); never imports it."""
    return sys.modules.get("torch")


def is_tensor(x):
    torch = _torch()
    return torch is not None and isinstance(x, torch.Tensor)


def dtype_name(dtype):
    """'float32' | 'bfloat16' | 'float16' | ... from a string, a NumPy dtype or a torch dtype."""
    if dtype is None:
        return None
    if isinstance(dtype, str):
        return _DTYPE_NAMES.get(dtype.lower(), dtype.lower())
    text = str(dtype).replace("torch.", "")
    try:
        text = np.dtype(dtype).name
    except TypeError:
        pass
    return _DTYPE_NAMES.get(text, text)


class Inputs:
    """The arguments of one op call: remembers whether they were torch tensors and of which dtype, and
    gives the float32 arrays the C++ core takes."""

    def __init__(self, *values):
        self.torch_like = None
        if _torch() is not None:
            self.torch_like = next((v for v in values if is_tensor(v)), None)
        first = self.torch_like if self.torch_like is not None else values[0]
        self.dtype = getattr(first, "dtype", _FLOAT32)
        self.arrays = [to_array(v) for v in values]

    def compute_dtype(self, dtype):
        """The op's dtype: the caller's, else the first input's when it is a low-precision float."""
        if dtype is not None:
            return dtype_name(dtype)
        if self.dtype is _FLOAT32 or self.dtype == _FLOAT32:
            return "float32"
        name = dtype_name(self.dtype)
        return name if name in ("bfloat16", "float16") else "float32"

    def wrap(self, array):
        """A result in the inputs' kind: a torch tensor (sharing the array's memory when float32) or a
        NumPy array, in the first input's floating dtype."""
        if self.torch_like is None and self.dtype == _FLOAT32:
            return array
        if self.torch_like is not None:
            torch = _torch()
            t = torch.from_numpy(array)
            if self.dtype.is_floating_point and self.dtype != torch.float32:
                t = t.to(self.dtype)
            return t
        if np.issubdtype(self.dtype, np.floating) and self.dtype != np.float32:
            return array.astype(self.dtype)
        return array


def to_array(x):
    """A NumPy view (no copy) of a C-contiguous float32 array or CPU tensor; a float32 copy otherwise."""
    if type(x) is np.ndarray and x.dtype == _FLOAT32 and x.flags.c_contiguous:
        return x
    if is_tensor(x):
        torch = _torch()
        if x.device.type != "cpu":
            raise ValueError(f"tilesim: tensors must be on the CPU, got one on {x.device}")
        if x.requires_grad:
            x = x.detach()
        if x.dtype != torch.float32:
            x = x.to(torch.float32)
        return x.numpy() if x.is_contiguous() else np.ascontiguousarray(x.numpy())
    if not isinstance(x, np.ndarray) and hasattr(x, "__dlpack__"):
        x = np.from_dlpack(x)  # a CPU DLPack producer (JAX, CuPy's host arrays, ...): a view, no copy
    return np.ascontiguousarray(x, dtype=np.float32)


def to_int_array(x):
    if is_tensor(x):
        x = x.detach().cpu().numpy()
    return np.ascontiguousarray(x, dtype=np.int32)
