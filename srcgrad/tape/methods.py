"""ndarray methods and attributes on ``Tensor`` (for NumPy code run on the
tape, :func:`srcgrad.tape.engine.tape_vjp`), and the refusal of the rest.

Guarantees:

* metadata (``strides``, ``itemsize``, ``nbytes``, ``flags``) is read from
  the data: constants;
* methods that equal a NumPy function (``t.take(i)`` is ``np.take(t, i)``,
  ``t.put(i, v)`` is ``np.put(t, i, v)``) call that function, so
  :mod:`.dispatch` decides: recorded, constant, or refused; PyTorch's
  keywords ``dim``/``keepdim`` are accepted too;
* in-place methods have in-place semantics (the buffer changes, the version
  counter is bumped, the history moves to the Tensor): ``fill``,
  ``partition``, and ``sort`` in NumPy code; outside NumPy code ``sort``,
  ``repeat`` and ``nonzero`` keep PyTorch's meaning;
* any other public ndarray attribute raises an ``AttributeError`` (a
  :class:`TensorAttributeError`) that names it and says what to do; never a
  silently wrong value.
"""

import collections

import numpy as np

from .. import modes
from .tensor import Tensor, STRICT
from .record import apply as _apply
from .inplace import _inplace, _fill, _iop
from ..rules import NoRuleError
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


for _name in ("all", "any", "argsort", "argpartition", "choose", "conj",
              "conjugate", "diagonal", "searchsorted", "take", "put"):
    if not hasattr(Tensor, _name):
        setattr(Tensor, _name, _via(getattr(np, _name)))

# ``a.compress(condition, axis)`` is ``np.compress(condition, a, axis)``
Tensor.compress = lambda self, condition, axis=None: np.compress(condition, self, axis)

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


def _order(order, name):
    if order not in ("C", "A", "K", None):
        raise refusal("%s(order=%r) is not supported on the tape." % (name, order),
                      "Transpose explicitly instead (x.T.reshape(...) for Fortran order).",
                      TypeError)


_torch_reshape, _torch_flatten = Tensor.reshape, Tensor.flatten


def _reshape(self, *shape, order="C"):
    _order(order, "reshape")
    return _torch_reshape(self, *shape)


def _flatten(self, *args, **kwargs):
    """NumPy's ``a.flatten(order)``; PyTorch's ``t.flatten(start_dim, end_dim)``."""
    if args and isinstance(args[0], str) or "order" in kwargs:
        _order(args[0] if args else kwargs["order"], "flatten")
        return _torch_flatten(self)
    if args or kwargs:
        start = args[0] if args else kwargs.get("start_dim", 0)
        end = args[1] if len(args) > 1 else kwargs.get("end_dim", -1)
        shape = self._data.shape
        nd = len(shape)
        start, end = start % max(nd, 1), end % max(nd, 1)
        new = shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:]
        return _torch_reshape(self, new)
    return _torch_flatten(self)


Tensor.reshape = _reshape
Tensor.flatten = _flatten
Tensor.ravel = lambda self, order="C": _flatten(self, order)

_torch_round = Tensor.round


def _round(self, decimals=0, out=None):
    """``a.round(decimals)`` (a constant: rounding is piecewise constant)."""
    if out is not None:
        return np.round(self, decimals, out)
    return _torch_round(self) if decimals == 0 else np.round(self, decimals)


Tensor.round = _round
_torch_item = Tensor.item


def _item(self, *args):
    """``a.item()``, and NumPy's ``a.item(index)``."""
    if not args:
        return _torch_item(self)
    if self._requires_grad and STRICT.depth and _state.enabled:
        from .engine import conversion_error
        raise conversion_error(".item()")
    return self._data.item(*args)


Tensor.item = _item

# ----------------------------------- NumPy's meaning where PyTorch's differs
# While tape_vjp runs NumPy code (STRICT.depth), a Tensor stands for an
# ndarray: methods whose PyTorch meaning differs take NumPy's, unless the call
# uses PyTorch-only keywords.

def _numpy_meaning(name, numpy_call, torch_only=()):
    torch_method = getattr(Tensor, name)

    def method(self, *args, **kwargs):
        if STRICT.depth and not any(k in kwargs for k in torch_only):
            return numpy_call(self, *args, **kwargs)
        return torch_method(self, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = ("NumPy's ``ndarray.%s`` in NumPy code run by tape_vjp; PyTorch's "
                      "elsewhere." % name)
    setattr(Tensor, name, method)


def _np_transpose(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return np.transpose(self, axes or None)


def _np_view(self, *args, **kwargs):
    if args or kwargs:
        raise refusal("ndarray.view(dtype/type) is not supported on the tape.",
                      "Use x.astype(dtype) (a copy) instead.", TypeError)
    return self.reshape(self._data.shape)


_numpy_meaning("max", np.max, ("dim", "keepdim"))     # PyTorch: (values, indices) with dim
_numpy_meaning("min", np.min, ("dim", "keepdim"))
_numpy_meaning("var", np.var, ("dim", "keepdim", "unbiased", "correction"))   # ddof=0
_numpy_meaning("std", np.std, ("dim", "keepdim", "unbiased", "correction"))
_numpy_meaning("transpose", _np_transpose)          # PyTorch: swap two dims
_numpy_meaning("dot", np.dot)                       # PyTorch: 1-D only; here N-D
_numpy_meaning("view", _np_view)                    # PyTorch: reshape


class _Size(int):
    """``t.size`` in NumPy code: the number of entries, an int (NumPy's
    attribute) that can still be called as PyTorch's ``t.size(dim)``."""

    def __new__(cls, t):
        n = int.__new__(cls, t._data.size)
        n._shape = t._data.shape
        return n

    def __call__(self, dim=None):
        from .tensor import Size
        return Size(self._shape) if dim is None else self._shape[dim]


_torch_size = Tensor.size


def _size(self):
    return _Size(self) if STRICT.depth else _torch_size.__get__(self)


Tensor.size = property(_size)

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


def _deepcopy(self, memo):
    """NumPy code: a copy of the value, recorded (``copy.deepcopy`` of an
    ndarray). Elsewhere PyTorch's: only leaves can be deep-copied."""
    if STRICT.depth:
        return _copy(self)
    if self.grad_fn is not None:
        raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                           "support the deepcopy protocol at the moment.  If you were "
                           "attempting to deepcopy a module, this may be because of a "
                           "torch.nn.utils.weight_norm usage, see "
                           "https://github.com/pytorch/pytorch/pull/103001")
    t = Tensor._wrap(self._data.copy())
    t._vc = [0]
    t._requires_grad = self._requires_grad
    if self._grad is not None:
        t._grad = _deepcopy(self._grad, memo)
    memo[id(self)] = t
    return t


def _no_dlpack(self, *args, **kwargs):
    raise refusal("a Tensor cannot be exported with DLPack (np.from_dlpack).",
                  "Use t.detach().numpy() for a constant.", TypeError)


Tensor.__deepcopy__ = _deepcopy
Tensor.__dlpack__ = _no_dlpack


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


class TensorAttributeError(AttributeError, NoRuleError):
    """An ndarray attribute the tape does not support on Tensors (an
    ``AttributeError``, so ``hasattr`` is False, and a ``NoRuleError``)."""


_UNSUPPORTED = {
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


def _unsupported(name):
    hint = _UNSUPPORTED.get(name, "use a NumPy function (np.%s(t, ...)) if one exists" % name)

    def refuse(self):
        raise refusal("'Tensor' object has no attribute %r: ndarray.%s is not supported by "
                      "srcgrad's tape." % (name, name), hint[:1].upper() + hint[1:] + ".",
                      TensorAttributeError)
    return property(refuse)


# Every other public ndarray attribute: a property that raises (not a
# ``__getattr__``, which would slow down every attribute access of a Tensor).
for _name in dir(np.ndarray):
    if not _name.startswith("_") and not hasattr(Tensor, _name):
        setattr(Tensor, _name, _unsupported(_name))
