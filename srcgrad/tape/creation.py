"""Tensor factories with PyTorch's names and dtype defaults (float32 for
floating results, int64 for integer ranges), and the random generator that
``manual_seed`` seeds."""

import numpy as np

from .tensor import Tensor, check_plain_array
from .dtypes import to_numpy_dtype
from .device import check_device

__all__ = ["tensor", "as_tensor", "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like",
           "randn", "rand", "randint", "randn_like", "rand_like", "arange", "linspace", "eye",
           "randperm", "from_numpy", "manual_seed", "stack", "cat", "where", "is_tensor"]

def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """``srcgrad.torch.tensor(data)``: a new leaf tensor holding a copy of ``data``."""
    check_device(device)
    t = Tensor(data, dtype=dtype)
    if requires_grad:
        if t._data.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can "
                               "require gradients")
        t._requires_grad = True
    return t


def as_tensor(data, dtype=None, device=None):
    check_device(device)
    if isinstance(data, Tensor) and dtype is None:
        return data
    return tensor(data, dtype=dtype)


_rng = [np.random.default_rng()]


def manual_seed(seed):
    """Seed the generator behind ``randn``/``rand``/``randint`` and nn init."""
    _rng[0] = np.random.default_rng(seed)


def generator():
    return _rng[0]


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def _make(arr, dtype, requires_grad, default=np.float32):
    npd = to_numpy_dtype(dtype) if dtype is not None else np.dtype(default)
    return tensor(np.asarray(arr, dtype=npd), requires_grad=requires_grad)


def zeros(*size, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _make(np.zeros(_shape(size)), dtype, requires_grad)


def ones(*size, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _make(np.ones(_shape(size)), dtype, requires_grad)


def empty(*size, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    check_device(device)
    default = np.float32 if isinstance(fill_value, float) else (
        np.bool_ if isinstance(fill_value, bool) else np.int64)
    return _make(np.full(tuple(size), fill_value), dtype, requires_grad, default)


def _like(t, fill, dtype, requires_grad):
    npd = to_numpy_dtype(dtype) if dtype is not None else t._data.dtype
    return tensor(np.full(t._data.shape, fill, dtype=npd), requires_grad=requires_grad)


def zeros_like(t, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _like(t, 0, dtype, requires_grad)


def ones_like(t, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _like(t, 1, dtype, requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _like(t, fill_value, dtype, requires_grad)


def _no_generator(generator, name):
    """A ``generator=`` argument is refused, not ignored: the tape draws from
    the one generator ``manual_seed`` seeds."""
    if generator is not None:
        raise TypeError("srcgrad.torch: %s(generator=...) is not supported: the tape has "
                        "one generator, seeded by torch.manual_seed" % name)


def randn(*size, dtype=None, requires_grad=False, generator=None, device=None):
    check_device(device)
    _no_generator(generator, "randn")
    return _make(_rng[0].standard_normal(_shape(size)), dtype, requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None, device=None):
    check_device(device)
    _no_generator(generator, "rand")
    return _make(_rng[0].random(_shape(size)), dtype, requires_grad)


def randn_like(t, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return randn(*t._data.shape, dtype=dtype or t._data.dtype, requires_grad=requires_grad)


def rand_like(t, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return rand(*t._data.shape, dtype=dtype or t._data.dtype, requires_grad=requires_grad)


def randint(low, high=None, size=(), dtype=None, requires_grad=False, generator=None,
            device=None):
    check_device(device)
    _no_generator(generator, "randint")
    if high is None:
        low, high = 0, low
    return _make(_rng[0].integers(low, high, size=tuple(size)), dtype, requires_grad, np.int64)


def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    check_device(device)
    if end is None:
        start, end = 0, start
    floating = any(isinstance(v, float) for v in (start, end, step))
    return _make(np.arange(start, end, step), dtype, requires_grad,
                 np.float32 if floating else np.int64)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _make(np.linspace(start, end, steps), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    check_device(device)
    return _make(np.eye(n, m), dtype, requires_grad)


def randperm(n, dtype=None, requires_grad=False, generator=None, device=None):
    """``torch.randperm(n)``: a random permutation of ``0..n-1`` (int64) from
    the generator ``manual_seed`` seeds (deterministic after a seed; not
    PyTorch's random stream)."""
    check_device(device)
    _no_generator(generator, "randperm")
    return _make(_rng[0].permutation(int(n)), dtype, requires_grad, np.int64)


def from_numpy(arr):
    """A tensor sharing memory with the ndarray ``arr`` (dtype kept)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError("expected np.ndarray (got %s)" % type(arr).__name__)
    check_plain_array(arr)
    return Tensor._wrap(arr)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def stack(tensors, dim=0):
    return np.stack(list(tensors), axis=dim)


def cat(tensors, dim=0):
    return np.concatenate(list(tensors), axis=dim)


def where(condition, input, other):
    return np.where(condition, input, other)
