"""Tensor operators, elementwise methods and reductions, each a call of
:func:`record.apply` with a NumPy callable (or a primitive of
:mod:`srcgrad.rules.nn`); node names come from :mod:`.names`.

Guarantees: operators use the callables of
:data:`srcgrad.rules.operators.DUNDERS` (the map the compiler uses too);
methods accept PyTorch's spelling (``dim=``, ``keepdim=``) and NumPy's
(``axis=``, ``keepdims=``).
"""

import collections
import operator

import numpy as np

from ..rules import nn as nnrules
from ..rules import operators as opmap
from .tensor import Tensor
from .record import apply as _apply
from .fast import binary as _binary_pair, unary as _unary_run
from .names import getitem_name as _getitem_name, rsub_name as _rsub_name
from .inplace import track_view as _track_view

__all__ = []

# ----------------------------------------------------------------- dunders

for _dunder, (_fn, _refl) in opmap.DUNDERS.items():
    if _dunder in ("__neg__", "__pos__", "__abs__"):
        continue
    _op, _rop = _binary_pair(_fn)
    setattr(Tensor, _dunder, _rop if _refl else _op)

_rsub = _binary_pair(np.subtract, _rsub_name)[1]
Tensor.__rsub__ = _rsub
Tensor.__neg__ = _unary_run(np.negative)
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = lambda self: _apply(np.absolute, (self,))
for _name, _fn in [("__eq__", np.equal), ("__ne__", np.not_equal), ("__lt__", np.less),
                   ("__le__", np.less_equal), ("__gt__", np.greater),
                   ("__ge__", np.greater_equal), ("__and__", np.logical_and),
                   ("__or__", np.logical_or), ("__xor__", np.logical_xor)]:
    setattr(Tensor, _name, _binary_pair(_fn)[0])
Tensor.__invert__ = lambda self: _apply(np.logical_not if self._data.dtype == bool
                                        else np.invert, (self,))


def _getitem(self, idx):
    if isinstance(idx, Tensor):
        idx = idx._data
    elif isinstance(idx, tuple):
        idx = tuple(i._data if isinstance(i, Tensor) else i for i in idx)
    elif isinstance(idx, list):
        idx = np.asarray(idx)
    out = _apply(operator.getitem, (self, idx), None, _getitem_name)
    if out._data.base is not None:   # a view: share the version counter
        out._vc = self._counter()
        out._base = self
        out._view_idx = idx          # an in-place change through it updates the base
        _track_view(self, out)
    return out


Tensor.__getitem__ = _getitem

# ------------------------------------------------------------- elementwise

_UNARY = {"exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan,
          "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "sqrt": np.sqrt,
          "abs": np.absolute, "absolute": np.absolute, "neg": np.negative,
          "negative": np.negative, "asin": np.arcsin, "acos": np.arccos,
          "atan": np.arctan, "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan,
          "log1p": np.log1p, "expm1": np.expm1, "log2": np.log2, "log10": np.log10,
          "exp2": np.exp2, "square": np.square, "reciprocal": np.reciprocal,
          "sigmoid": nnrules.sigmoid, "relu": nnrules.relu, "sign": np.sign,
          "floor": np.floor, "ceil": np.ceil, "round": np.round, "trunc": np.trunc,
          "isnan": np.isnan, "isinf": np.isinf, "isfinite": np.isfinite,
          "logical_not": np.logical_not}


def _unary(fn):
    method = _unary_run(fn)
    method.__name__ = getattr(fn, "__name__", "op")
    return method


for _name, _fn in _UNARY.items():
    setattr(Tensor, _name, _unary(_fn))


def _rsqrt(self):
    return _apply(np.reciprocal, (_apply(np.sqrt, (self,)),))


Tensor.rsqrt = _rsqrt


def _method_binary(fn, name=None):
    def method(self, other):
        return _apply(fn, (self, other), None, name)
    return method


for _name, _fn in [("add", np.add), ("sub", np.subtract), ("subtract", np.subtract),
                   ("mul", np.multiply), ("multiply", np.multiply), ("div", np.true_divide),
                   ("divide", np.true_divide), ("true_divide", np.true_divide),
                   ("pow", np.power), ("maximum", np.maximum), ("minimum", np.minimum),
                   ("matmul", np.matmul), ("mm", np.matmul), ("mv", np.matmul),
                   ("dot", np.matmul), ("eq", np.equal), ("ne", np.not_equal),
                   ("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("atan2", np.arctan2), ("outer", np.outer)]:
    setattr(Tensor, _name, _method_binary(_fn))


def _clamp(self, min=None, max=None, out=None, _name=None):
    """``t.clamp(min, max)``; NumPy's ``a.clip(lo, hi, out=b)`` writes into ``b``
    (in place, recorded, when ``b`` is a Tensor; ``b`` may be ``a`` itself)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if out is None:
        return _apply(np.clip, (self, min, max), None, _name)
    if out is self:
        return self.clamp_(min, max)
    if isinstance(out, Tensor):
        return out.copy_(_apply(np.clip, (self, min, max), None, _name))
    from .dispatch import refusal
    raise refusal("clip(out=...) into a plain ndarray of a value that depends on the "
                  "differentiated arguments would drop its gradient.",
                  "Assign the result instead (b = a.clip(lo, hi)).", TypeError)


Tensor.clamp = Tensor.clip = _clamp
Tensor.clamp_min = lambda self, min: _clamp(self, min=min, _name="ClampMinBackward0")
Tensor.clamp_max = lambda self, max: _clamp(self, max=max, _name="ClampMaxBackward0")


def _softmax(fn):
    def method(self, dim=None, axis=None):
        d = dim if dim is not None else axis
        if d is None:
            d = -1
        return _apply(fn, (self,), {"axis": d})
    return method


Tensor.softmax = _softmax(nnrules.softmax)
Tensor.log_softmax = _softmax(nnrules.log_softmax)

# -------------------------------------------------------------- reductions


def _axis(dim, axis):
    d = dim if dim is not None else axis
    if isinstance(d, list):
        d = tuple(d)
    return d


def _reduction(fn):
    def method(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):
        ax = _axis(dim, axis)
        kd = bool(keepdims if keepdims is not None else keepdim)
        kw = {}
        if ax is not None:
            kw["axis"] = ax
        if kd:
            kw["keepdims"] = True
        x = self.to(dtype) if dtype is not None else self
        if self._data.dtype.kind in "bi" and fn in (np.mean,):
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a "
                "floating point or complex dtype. Got: %s" % _dt_title(self))
        return _apply(fn, (x,), kw or None)
    return method


def _dt_title(t):
    return str(t.dtype).replace("torch.", "").capitalize()


Tensor.sum = _reduction(np.sum)
Tensor.mean = _reduction(np.mean)
Tensor.prod = _reduction(np.prod)
Tensor.amax = _reduction(np.amax)
Tensor.amin = _reduction(np.amin)

_MinMax = collections.namedtuple("return_types", ["values", "indices"])


def _extremum(fn, argfn):
    def method(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        if isinstance(dim, Tensor):     # torch.max(a, b): elementwise
            return _apply(np.maximum if fn is np.max else np.minimum, (self, dim))
        ax = _axis(dim, axis)
        if ax is None:
            return _apply(fn, (self,))
        kd = bool(keepdims if keepdims is not None else keepdim)
        values = _apply(fn, (self,), {"axis": ax, "keepdims": kd} if kd else {"axis": ax})
        idx = argfn(self._data, axis=ax, keepdims=kd)
        return _MinMax(values, Tensor._wrap(np.asarray(idx, dtype=np.int64)))
    return method


Tensor.max = _extremum(np.max, np.argmax)
Tensor.min = _extremum(np.min, np.argmin)


def _var(fn):
    def method(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
               ddof=None, keepdims=None):
        ax = _axis(dim, axis)
        if ddof is None:
            ddof = correction if correction is not None else (0 if unbiased is False else 1)
        kw = {"ddof": ddof}
        if ax is not None:
            kw["axis"] = ax
        if keepdims or keepdim:
            kw["keepdims"] = True
        return _apply(fn, (self,), kw)
    return method


Tensor.var = _var(np.var)
Tensor.std = _var(np.std)


def _argext(fn):
    def method(self, dim=None, keepdim=False, *, axis=None):
        ax = _axis(dim, axis)
        return Tensor._wrap(np.asarray(fn(self._data, axis=ax, keepdims=keepdim),
                                       dtype=np.int64))
    return method


Tensor.argmax = _argext(np.argmax)
Tensor.argmin = _argext(np.argmin)


def _cum(fn):
    def method(self, dim=None, *, axis=None):
        return _apply(fn, (self,), {"axis": _axis(dim, axis)})
    return method


Tensor.cumsum = _cum(np.cumsum)
Tensor.cumprod = _cum(np.cumprod)


def _norm(self, p=2, dim=None, keepdim=False):
    if p != 2:
        return _apply(np.power, (_abs_pow_sum(self, p, dim, keepdim), 1.0 / p))
    sq = _apply(np.sum, (self * self,), _kw(dim, keepdim))
    return _apply(np.sqrt, (sq,))


def _abs_pow_sum(self, p, dim, keepdim):
    return _apply(np.sum, (_apply(np.power, (_apply(np.absolute, (self,)), p)),),
                  _kw(dim, keepdim))


def _kw(dim, keepdim):
    kw = {}
    if dim is not None:
        kw["axis"] = tuple(dim) if isinstance(dim, list) else dim
    if keepdim:
        kw["keepdims"] = True
    return kw or None


Tensor.norm = _norm


def _trace(self, offset=0, axis1=0, axis2=1):
    """``t.trace()``: the sum of a diagonal (PyTorch's name, NumPy's
    signature); node ``TraceBackward0``."""
    return _apply(np.trace, (self, offset, axis1, axis2), None, "TraceBackward0")


Tensor.trace = _trace
