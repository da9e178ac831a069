"""ndarray methods and attributes on ``Tensor`` (for NumPy code run on the
tape, :func:`srcgrad.tape.engine.tape_vjp`), and the refusal of the rest.

Guarantees:

* metadata (``strides``, ``itemsize``, ``nbytes``, ``flags``) is read from
  the data: constants;
* methods that equal a NumPy function (``t.take(i)`` is ``np.take(t, i)``)
  call that function, so :mod:`.dispatch` decides: recorded, constant, or
  refused; PyTorch's keywords ``dim``/``keepdim`` are accepted too;
* in-place methods have in-place semantics (the buffer changes, the version
  counter is bumped, the history moves to the Tensor): ``fill``,
  ``partition``, and ``sort`` in NumPy code; outside NumPy code ``sort``,
  ``repeat`` and ``nonzero`` keep PyTorch's meaning;
* any other ndarray attribute raises an ``AttributeError`` that names it and
  says what to do; never a silently wrong value.
"""

import collections

import numpy as np

from .. import modes
from .tensor import Tensor, STRICT
from .record import apply as _apply
from .inplace import _inplace, _fill, _iop
from .dispatch import refusal, tracked

__all__ = []

_state = modes._state

# ------------------------------------------------------------------ metadata

for _name in ("strides", "itemsize", "nbytes", "flags"):
    setattr(Tensor, _name, property(lambda self, _n=_name: getattr(self._data, _n)))


# ------------------------------------------------ methods that are functions

def _via(fn):
    def method(self, *args, **kwargs):
        if "dim" in kwargs:
            kwargs["axis"] = kwargs.pop("dim")
        if "keepdim" in kwargs:
            kwargs["keepdims"] = kwargs.pop("keepdim")
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = "``np.%s(t, ...)``" % fn.__name__
    return method


for _name in ("all", "any", "argsort", "argpartition", "choose", "compress", "conj",
              "conjugate", "diagonal", "searchsorted", "take", "ptp"):
    if not hasattr(Tensor, _name):
        setattr(Tensor, _name, _via(getattr(np, _name)))

Tensor.real = property(lambda self: np.real(self))
Tensor.imag = property(lambda self: np.imag(self))


def _repeat(self, *args, **kwargs):
    """NumPy's ``repeat`` in NumPy code; PyTorch's (``np.tile``) elsewhere."""
    if STRICT.depth:
        return np.repeat(self, *args, **kwargs)
    reps = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    return _apply(np.tile, (self, tuple(int(r) for r in reps)), None, "RepeatBackward0")


def _nonzero(self, as_tuple=False):
    """NumPy's tuple of index arrays in NumPy code (or ``as_tuple``);
    PyTorch's (n, ndim) index matrix elsewhere."""
    if STRICT.depth or as_tuple:
        return np.nonzero(self)
    return Tensor._wrap(np.argwhere(self._data).astype(np.int64))


Tensor.repeat = _repeat
Tensor.nonzero = _nonzero

# ------------------------------------------------------------------ in place

_Sort = collections.namedtuple("return_types", ["values", "indices"])


def _sort(self, *args, **kwargs):
    """NumPy code: ``a.sort(axis=-1)`` sorts in place and returns None.
    Elsewhere PyTorch's ``t.sort(dim=-1, descending=False)`` returns
    ``(values, indices)``."""
    if STRICT.depth:
        axis = args[0] if args else kwargs.pop("axis", -1)
        if kwargs.get("order") is not None:
            raise refusal("ndarray.sort(order=...) is not supported on the tape.",
                          "Sort plain (unstructured) arrays.", TypeError)
        _inplace(self, np.sort, (), {"axis": axis})
        return None
    dim = args[0] if args else kwargs.get("dim", -1)
    descending = args[1] if len(args) > 1 else kwargs.get("descending", False)
    idx = np.argsort(self._data, axis=dim, kind="stable")
    if descending:
        idx = np.flip(idx, dim)
    values = _apply(np.sort, (self,), {"axis": dim}, "SortBackward0")
    if descending:
        values = _apply(np.flip, (values, dim), None, "SortBackward0")
    return _Sort(values, Tensor._wrap(idx.astype(np.int64)))


def _partition(self, kth, axis=-1, kind="introselect", order=None):
    """``a.partition(kth)``: in place, as NumPy's."""
    _inplace(self, np.partition, (kth,), {"axis": axis})


def _ndarray_fill(self, value):
    """``a.fill(v)``: every entry becomes ``v``, in place (NumPy returns None)."""
    _fill(self, value, "FillBackward2" if not isinstance(value, Tensor) else "FillBackward3")


Tensor.sort = _sort
Tensor.partition = _partition
Tensor.fill = _ndarray_fill

for _name, _fn in [("__imod__", np.mod), ("__imatmul__", np.matmul)]:
    setattr(Tensor, _name, _iop(_fn))


def _ifloordiv(self, other):
    if tracked((self, other)):
        raise refusal("//= on a value that depends on the differentiated arguments has no "
                      "gradient on the tape.", "Use np.floor(x / y) and detach it explicitly "
                      "(srcgrad.detach) if a constant is meant.", RuntimeError)
    with modes.no_grad():
        return _inplace(self, np.floor_divide, (other,))


Tensor.__ifloordiv__ = _ifloordiv
Tensor.__divmod__ = lambda self, other: np.divmod(self, other)
Tensor.__rdivmod__ = lambda self, other: np.divmod(other, self)


def _copy(self):
    """``copy.copy(t)``: a copy of the data, recorded (as ``ndarray.copy``)."""
    return _apply(np.copy, (self,), None, "CloneBackward0")


Tensor.__copy__ = _copy


# ----------------------------------------------------------------- the rest

def _conversion(name):
    def method(self, *args, **kwargs):
        if self._requires_grad and STRICT.depth and _state.enabled:
            from .engine import conversion_error
            raise conversion_error("ndarray.%s()" % name)
        return getattr(self._data, name)(*args, **kwargs)
    method.__name__ = name
    return method


for _name in ("tobytes", "tofile", "dump", "dumps"):
    setattr(Tensor, _name, _conversion(_name))


class TensorAttributeError(AttributeError):
    """An ndarray attribute the tape does not support on Tensors."""


_UNSUPPORTED = {
    "put": "write t[index] = values instead",
    "resize": "use np.resize(t, shape) (a new array) or build the array at its size",
    "itemset": "write t[index] = value instead",
    "setfield": "not supported on the tape",
    "getfield": "not supported on the tape",
    "byteswap": "not supported on the tape",
    "flat": "index the array (t.reshape(-1)[i]) instead",
    "base": "not available on the tape (Tensors track their views themselves)",
    "ctypes": "not available on the tape",
    "setflags": "not available on the tape",
}


def _getattr(self, name):
    if name.startswith("__") or not hasattr(np.ndarray, name):
        raise AttributeError("'Tensor' object has no attribute %r" % name)
    hint = _UNSUPPORTED.get(name, "use a NumPy function (np.%s(t, ...)) if one exists, or "
                                  "ask for it" % name)
    raise refusal("'Tensor' object has no attribute %r: ndarray.%s is not supported by "
                  "srcgrad's tape." % (name, name), hint[:1].upper() + hint[1:] + ".",
                  TensorAttributeError)


Tensor.__getattr__ = _getattr
