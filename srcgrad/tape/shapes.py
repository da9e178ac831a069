"""Tensor shape and dtype methods: views (``reshape``/``view``, ``t``,
``transpose``, ``permute``, ``unsqueeze``, ``squeeze``, ``expand``),
copies, and dtype conversions (``to``, ``float``, ``double``...).

Guarantees: views share the version counter of their base (so an in-place
change through either is seen by both); a conversion to a floating dtype is
recorded (``ToCopyBackward0``), one to a non-floating dtype gives a constant.
"""

import numpy as np

from ..rules.conversions import astype as _astype
from .tensor import Tensor, STRICT
from .record import apply as _apply
from .dtypes import to_numpy_dtype
from .ops import _axis
from .inplace import NOT_INDEXED, track_view
from .device import device as _device, check_device, CPU

__all__ = []

# ------------------------------------------------------------------ shapes


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _view_of(self, out):
    out._vc = self._counter()
    out._base = self
    out._view_idx = NOT_INDEXED     # an in-place change through it is refused
    track_view(self, out)
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
# ndarray.copy(order=...): the layout does not change the values or the gradient
Tensor.copy = lambda self, order="C": _apply(np.copy, (self,))
Tensor.contiguous = lambda self, memory_format=None: self

# ------------------------------------------------------------------- dtype


def _to(self, *args, dtype=None, device=None, non_blocking=False, copy=False,
        memory_format=None):
    """``t.to(dtype)``, ``t.to(device)``, ``t.to(device, dtype)``,
    ``t.to(other)``: a device must be the CPU (:func:`.device.check_device`)."""
    for a in args:
        if isinstance(a, (str, _device)):
            check_device(a)
        elif isinstance(a, Tensor) and dtype is None:
            dtype = a._data.dtype
        elif dtype is None and a is not None:
            dtype = a
    check_device(device)
    if dtype is None:
        return _apply(np.copy, (self,)) if copy else self
    if isinstance(dtype, Tensor):
        dtype = dtype._data.dtype
    npd = to_numpy_dtype(dtype)
    if npd == self._data.dtype:
        return _apply(np.copy, (self,)) if copy else self
    if npd.kind not in "fc":
        return Tensor._wrap(self._data.astype(npd))
    return _apply(_astype, (self, npd))


Tensor.to = _to
Tensor.type = lambda self, dtype=None: _to(self, dtype=dtype) if dtype is not None else \
    "torch." + {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
                "bool": "Bool"}.get(self._data.dtype.name, "") + "Tensor"
Tensor.astype = lambda self, dtype, **kw: _to(self, dtype=dtype)
Tensor.float = lambda self: _to(self, np.float32)
Tensor.double = lambda self: _to(self, np.float64)
Tensor.long = lambda self: _to(self, np.int64)
Tensor.int = lambda self: _to(self, np.int32)
Tensor.bool = lambda self: _to(self, np.bool_)
Tensor.half = lambda self: _to(self, np.float16)
Tensor.cpu = lambda self, memory_format=None: self


def _cuda(self, device=None, non_blocking=False, memory_format=None):
    check_device("cuda" if device is None else device if isinstance(device, (str, _device))
                 else "cuda:%d" % device)


Tensor.cuda = _cuda
# PyTorch's torch.device('cpu'); in NumPy code run on the tape, ndarray's "cpu"
# (np.zeros(3, device=x.device) takes a string)
Tensor.device = property(lambda self: "cpu" if STRICT.depth else CPU)
Tensor.is_cuda = property(lambda self: False)
Tensor.is_cpu = property(lambda self: True)
