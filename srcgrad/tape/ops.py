"""Tensor operators and methods, each a call of :func:`tensor._apply` with a
NumPy callable (or a primitive of :mod:`srcgrad.rules.nn`) and the name
PyTorch gives its backward node.

Guarantees: operators use the callables of
:data:`srcgrad.rules.operators.DUNDERS` (the map the compiler uses too);
methods accept PyTorch's spelling (``dim=``, ``keepdim=``) and NumPy's
(``axis=``, ``keepdims=``); views share the version counter of their base.
"""

import collections
import operator

import numpy as np

from ..rules import nn as nnrules
from ..rules import operators as opmap
from ..rules.conversions import astype as _astype
from .tensor import Tensor, _apply, _apply2, _NAMES, _SHOW_NONE
from .dtypes import to_numpy_dtype

__all__ = []

# ------------------------------------------------------------------ names

for _fn, _name in [
        (np.add, "AddBackward0"), (np.subtract, "SubBackward0"),
        (np.multiply, "MulBackward0"), (np.true_divide, "DivBackward0"),
        (np.negative, "NegBackward0"), (np.exp, "ExpBackward0"), (np.log, "LogBackward0"),
        (np.sin, "SinBackward0"), (np.cos, "CosBackward0"), (np.tan, "TanBackward0"),
        (np.tanh, "TanhBackward0"), (np.sinh, "SinhBackward0"), (np.cosh, "CoshBackward0"),
        (np.sqrt, "SqrtBackward0"), (np.absolute, "AbsBackward0"),
        (np.arcsin, "AsinBackward0"), (np.arccos, "AcosBackward0"),
        (np.arctan, "AtanBackward0"), (np.arctan2, "Atan2Backward0"),
        (np.log1p, "Log1PBackward0"), (np.expm1, "Expm1Backward0"),
        (np.log2, "Log2Backward0"), (np.log10, "Log10Backward0"), (np.exp2, "Exp2Backward0"),
        (np.square, "PowBackward0"), (np.reciprocal, "ReciprocalBackward0"),
        (np.maximum, "MaximumBackward0"), (np.minimum, "MinimumBackward0"),
        (np.fmax, "FmaxBackward0"), (np.fmin, "FminBackward0"),
        (np.where, "WhereBackward0"), (np.clip, "ClampBackward1"),
        (np.prod, "ProdBackward0"), (np.var, "VarBackward0"), (np.std, "StdBackward0"),
        (np.cumsum, "CumsumBackward0"), (np.cumprod, "CumprodBackward0"),
        (np.concatenate, "CatBackward0"), (np.stack, "StackBackward0"),
        (np.transpose, "PermuteBackward0"), (np.swapaxes, "TransposeBackward0"),
        (np.reshape, "ViewBackward0"), (np.ravel, "ViewBackward0"),
        (np.expand_dims, "UnsqueezeBackward0"), (np.broadcast_to, "ExpandBackward0"),
        (np.copy, "CloneBackward0"), (np.flip, "FlipBackward0"), (np.amax, "AmaxBackward0"),
        (np.amin, "AminBackward0"), (np.tensordot, "TensordotBackward0"),
        (np.einsum, "EinsumBackward0"), (np.outer, "OuterBackward0"),
        (np.logaddexp, "LogaddexpBackward0"), (_astype, "ToCopyBackward0"),
        (nnrules.sigmoid, "SigmoidBackward0"), (nnrules.relu, "ReluBackward0"),
        (nnrules.softplus, "SoftplusBackward0"), (nnrules.log_softmax, "LogSoftmaxBackward0"),
        (nnrules.softmax, "SoftmaxBackward0"), (nnrules.nll_loss, "NllLossBackward0"),
        (nnrules.mse_loss, "MseLossBackward0"), (nnrules.index_put, "CopySlices"),
        (nnrules.leaky_relu, "LeakyReluBackward0")]:
    _NAMES[id(_fn)] = _name
for _fn in (np.add, np.subtract, np.multiply, np.true_divide, nnrules.mse_loss):
    _SHOW_NONE.add(id(_fn))


def _sum_name(args, kwargs):
    axis = kwargs.get("axis") if kwargs else None
    if axis is None and len(args) > 1:
        axis = args[1]
    return "SumBackward0" if axis is None else "SumBackward1"


def _mean_name(args, kwargs):
    axis = kwargs.get("axis") if kwargs else None
    return "MeanBackward0" if axis is None and len(args) < 2 else "MeanBackward1"


def _max_name(kind):
    def name(args, kwargs):
        axis = kwargs.get("axis") if kwargs else None
        return kind + ("Backward1" if axis is None and len(args) < 2 else "Backward0")
    return name


def _pow_name(args, kwargs):
    a, b = args[0], args[1]
    if not isinstance(a, Tensor):
        return "PowBackward2"
    return "PowBackward1" if isinstance(b, Tensor) else "PowBackward0"


def _matmul_name(args, kwargs):
    na, nb = np.ndim(args[0]), np.ndim(args[1])
    if na == 1 and nb == 1:
        return "DotBackward0"
    if na == 2 and nb == 2:
        return "MmBackward0"
    if na == 2 and nb == 1:
        return "MvBackward0"
    return "UnsafeViewBackward0"


def _squeeze_name(args, kwargs):
    axis = kwargs.get("axis") if kwargs else (args[1] if len(args) > 1 else None)
    return "SqueezeBackward0" if axis is None else "SqueezeBackward1"


def _getitem_name(args, kwargs):
    idx = args[1]
    idx = idx if isinstance(idx, tuple) else (idx,)
    name = "AliasBackward0"
    for k in idx:
        if k is None:
            name = "UnsqueezeBackward0"
        elif k is Ellipsis:
            continue
        elif isinstance(k, slice):
            if k != slice(None):
                name = "SliceBackward0"
        elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            name = "SelectBackward0"
        else:
            return "IndexBackward0"
    return name


for _fn, _name in [(np.sum, _sum_name), (np.mean, _mean_name), (np.max, _max_name("Max")),
                   (np.min, _max_name("Min")), (np.power, _pow_name),
                   (np.matmul, _matmul_name), (np.dot, _matmul_name),
                   (np.squeeze, _squeeze_name), (operator.getitem, _getitem_name)]:
    _NAMES[id(_fn)] = _name


def _rsub_name(args, kwargs):
    return "SubBackward0" if isinstance(args[0], Tensor) else "RsubBackward1"


# ----------------------------------------------------------------- dunders

def _binary(fn, name=None):
    def op(self, other):
        return _apply2(fn, self, other, name)

    def rop(self, other):
        return _apply2(fn, other, self, name)
    return op, rop


for _dunder, (_fn, _refl) in opmap.DUNDERS.items():
    if _dunder in ("__neg__", "__pos__", "__abs__"):
        continue
    _op, _rop = _binary(_fn)
    setattr(Tensor, _dunder, _rop if _refl else _op)


def _rsub(self, other):
    return _apply2(np.subtract, other, self, _rsub_name)


Tensor.__rsub__ = _rsub
Tensor.__neg__ = lambda self: _apply(np.negative, (self,))
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = lambda self: _apply(np.absolute, (self,))
for _name, _fn in [("__eq__", np.equal), ("__ne__", np.not_equal), ("__lt__", np.less),
                   ("__le__", np.less_equal), ("__gt__", np.greater),
                   ("__ge__", np.greater_equal), ("__and__", np.logical_and),
                   ("__or__", np.logical_or), ("__xor__", np.logical_xor)]:
    setattr(Tensor, _name, _binary(_fn)[0])
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
    def method(self):
        return _apply(fn, (self,))
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


def _clamp(self, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _apply(np.clip, (self, min, max))


Tensor.clamp = Tensor.clip = _clamp
Tensor.clamp_min = lambda self, min: _clamp(self, min=min)
Tensor.clamp_max = lambda self, max: _clamp(self, max=max)


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
        ax = _axis(dim, axis)
        if ax is None:
            if isinstance(dim, Tensor):
                return _apply(np.maximum if fn is np.max else np.minimum, (self, dim))
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

# ------------------------------------------------------------------ shapes


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _view_of(self, out):
    out._vc = self._counter()
    out._base = self
    return out


def _reshape(self, *shape):
    return _view_of(self, _apply(np.reshape, (self, _shape_args(shape))))


Tensor.reshape = Tensor.view = _reshape
Tensor.flatten = lambda self: _view_of(self, _apply(np.reshape, (self, (-1,))))
Tensor.ravel = Tensor.flatten
Tensor.view_as = lambda self, other: _reshape(self, other.shape)
Tensor.reshape_as = Tensor.view_as


def _t(self):
    if self._data.ndim > 2:
        raise RuntimeError("t() expects a tensor with <= 2 dimensions, but self is %dD"
                           % self._data.ndim)
    return _view_of(self, _apply(np.transpose, (self,), None, "TBackward0"))


Tensor.t = _t
Tensor.T = property(lambda self: _view_of(self, _apply(np.transpose, (self,))))
Tensor.mT = property(lambda self: _view_of(self, _apply(np.swapaxes, (self, -2, -1))))


def _transpose(self, *dims):
    if len(dims) == 2:
        return _view_of(self, _apply(np.swapaxes, (self, dims[0], dims[1])))
    if not dims:
        return _t(self)
    return _permute(self, *dims)


def _permute(self, *dims):
    return _view_of(self, _apply(np.transpose, (self, _shape_args(dims))))


Tensor.transpose = _transpose
Tensor.permute = _permute
Tensor.swapaxes = Tensor.swapdims = lambda self, a, b: _transpose(self, a, b)


def _unsqueeze(self, dim):
    return _view_of(self, _apply(np.expand_dims, (self, dim)))


def _squeeze(self, dim=None, *, axis=None):
    d = _axis(dim, axis)
    if d is None:
        return _view_of(self, _apply(np.squeeze, (self,)))
    dims = d if isinstance(d, tuple) else (d,)
    keep = tuple(a for a in dims if self._data.shape[a] == 1)
    return _view_of(self, _apply(np.squeeze, (self, keep), None, "SqueezeBackward1"))


Tensor.unsqueeze = _unsqueeze
Tensor.squeeze = _squeeze


def _expand(self, *sizes):
    sizes = _shape_args(sizes)
    shape = self._data.shape
    lead = len(sizes) - len(shape)
    full = tuple(shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return _view_of(self, _apply(np.broadcast_to, (self, full)))


Tensor.expand = _expand
Tensor.expand_as = lambda self, other: _expand(self, other.shape)
Tensor.flip = lambda self, *dims: _apply(np.flip, (self, _shape_args(dims)))
Tensor.clone = lambda self, memory_format=None: _apply(np.copy, (self,))
Tensor.copy = lambda self: _apply(np.copy, (self,))
Tensor.contiguous = lambda self, memory_format=None: self

# ------------------------------------------------------------------- dtype


def _to(self, *args, dtype=None, **kwargs):
    for a in args:
        if not isinstance(a, str) and dtype is None:
            dtype = a
    if dtype is None:
        return self
    if isinstance(dtype, Tensor):
        dtype = dtype._data.dtype
    npd = to_numpy_dtype(dtype)
    if npd == self._data.dtype:
        return self
    if npd.kind not in "fc":
        return Tensor._wrap(self._data.astype(npd))
    return _apply(_astype, (self, npd))


Tensor.to = _to
Tensor.type = lambda self, dtype=None: _to(self, dtype) if dtype is not None else \
    "torch." + {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
                "bool": "Bool"}.get(self._data.dtype.name, "") + "Tensor"
Tensor.astype = lambda self, dtype, **kw: _to(self, dtype)
Tensor.float = lambda self: _to(self, np.float32)
Tensor.double = lambda self: _to(self, np.float64)
Tensor.long = lambda self: _to(self, np.int64)
Tensor.int = lambda self: _to(self, np.int32)
Tensor.bool = lambda self: _to(self, np.bool_)
Tensor.half = lambda self: _to(self, np.float16)
Tensor.cpu = lambda self: self
Tensor.cuda = lambda self, *a, **k: self
