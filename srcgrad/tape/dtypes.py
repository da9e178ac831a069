"""PyTorch-style dtype objects (``srcgrad.torch.float32`` prints ``torch.float32``).

Each wraps a NumPy dtype, compares equal to it and to the matching NumPy
scalar type, and carries ``is_floating_point`` like ``torch.dtype``.
"""

import builtins

import numpy as np

__all__ = ["dtype", "from_numpy_dtype", "to_numpy_dtype", "DTYPES"]


class dtype:
    __slots__ = ("np", "_name", "is_floating_point", "is_complex", "itemsize")

    def __init__(self, npdtype, name):
        self.np = np.dtype(npdtype)
        self._name = name
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = self.np.kind == "c"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "torch." + self._name

    @property
    def dtype(self):
        """The NumPy dtype: ``np.zeros(3, dtype=x.dtype)`` works when ``x`` is a
        Tensor (NumPy reads the ``dtype`` attribute of what it is given)."""
        return self.np

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self.np == other.np
        try:
            return self.np == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.np)

    def __reduce__(self):
        return (from_numpy_dtype, (self.np,))


_NAMES = [("float32", "float32"), ("float64", "float64"), ("float16", "float16"),
          ("int64", "int64"), ("int32", "int32"), ("int16", "int16"), ("int8", "int8"),
          ("uint8", "uint8"), ("bool", "bool"), ("complex64", "complex64"),
          ("complex128", "complex128")]
DTYPES = {np.dtype(n): dtype(n, t) for n, t in _NAMES}


def from_numpy_dtype(d):
    d = np.dtype(d)
    got = DTYPES.get(d)
    if got is None:
        got = DTYPES[d] = dtype(d, d.name)
    return got


def to_numpy_dtype(d):
    if isinstance(d, dtype):
        return d.np
    if d is builtins.float:
        return np.dtype(np.float32)
    if d is builtins.int:
        return np.dtype(np.int64)
    if d is builtins.bool:
        return np.dtype(np.bool_)
    return np.dtype(d)


float32 = float = DTYPES[np.dtype("float32")]
float64 = double = DTYPES[np.dtype("float64")]
float16 = half = DTYPES[np.dtype("float16")]
int64 = long = DTYPES[np.dtype("int64")]
int32 = int = DTYPES[np.dtype("int32")]
int16 = DTYPES[np.dtype("int16")]
int8 = DTYPES[np.dtype("int8")]
uint8 = DTYPES[np.dtype("uint8")]
bool = DTYPES[np.dtype("bool")]
complex64 = DTYPES[np.dtype("complex64")]
complex128 = DTYPES[np.dtype("complex128")]
