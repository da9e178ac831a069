"""``Tensor``: an ndarray plus ``requires_grad``, ``grad`` and ``grad_fn``.

This module holds the class and its state (autograd flags, conversions,
shape queries); operations are attached by :mod:`.ops`, :mod:`.shapes` and
:mod:`.inplace`, and recorded by :mod:`.record`.

Guarantees:

* dtypes follow PyTorch: Python floats become float32, ndarrays keep their
  dtype, integer inputs to a floating result give float32;
* views (indexing, reshape, transpose, detach) share data and the version
  counter with their base; in-place operations bump it.
"""

import threading
import warnings

import numpy as np

from .. import modes, runtime
from .graph import RemovableHandle

__all__ = ["Tensor", "Size", "STRICT"]

_state = modes._state
_ndarray = np.ndarray
_asarray = np.asarray
_f64 = np.dtype(np.float64)
_f32 = np.dtype(np.float32)

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
    ".grad attribute won't be populated during autograd.backward(). If you indeed want "
    "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
    "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you "
    "access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
    "more information.")


class Tensor:
    """A NumPy array that records the operations applied to it."""

    __slots__ = ("_data", "grad_fn", "_requires_grad", "_vc", "__dict__", "__weakref__")

    # rarely-set state lives in __dict__ with these class-level defaults
    _grad = None
    _accum = None
    _hooks = None
    _retains = False
    _base = None
    _view_idx = None    # for views made by indexing: the index into _base
    _views = None       # weak references to views of this tensor that carry history
    _out_nr = 0
    _inference = False
    __array_priority__ = 1000

    def __init__(self, data=(), requires_grad=False, dtype=None):
        arr = _to_array(data, dtype)
        self._data = arr
        self.grad_fn = None
        self._requires_grad = False
        self._vc = [0]
        if _state.inference:
            self._inference = True
        if requires_grad:
            self.requires_grad_(True)

    # -- construction helpers (no checks: internal) -------------------------
    @staticmethod
    def _wrap(arr):
        t = _new(Tensor)
        t._data = arr
        t.grad_fn = None
        t._requires_grad = False
        t._vc = None
        return t

    @staticmethod
    def _make(arr, node, nr=0):
        t = _new(Tensor)
        t._data = arr
        t.grad_fn = node
        t._requires_grad = True
        t._vc = None
        if nr:
            t._out_nr = nr
        return t

    # -- autograd state ------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want "
                "to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach().")
        if requires_grad:
            if self._data.dtype.kind not in "fc":
                raise RuntimeError("only Tensors of floating point dtype can require gradients")
            if self._inference and not _state.inference:
                raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                                   "InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains:
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got "
                                "grad of type %s" % type(value).__name__)
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    "attempting to assign a gradient of size '%s' to a tensor of size "
                    "'%s'. Please ensure that the gradient and the tensor are the same size"
                    % (_shape_list(value._data.shape), _shape_list(self._data.shape)))
        self._grad = value

    @property
    def _version(self):
        vc = self._vc
        return 0 if vc is None else vc[0]

    def _counter(self):
        """The version counter (a one-element list shared by views), made on
        first need: most intermediate results never get one."""
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        return vc

    @property
    def output_nr(self):
        return self._out_nr

    def retain_grad(self):
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains:
            return
        self._retains = True
        import weakref
        ref = weakref.ref(self)

        def _retain(g):
            t = ref()
            if t is not None:
                if t._grad is None:
                    t._grad = g.detach().clone() if g.grad_fn is None else g
                else:
                    t._grad = t._grad + g
        self.grad_fn._add_pre_hook(self._out_nr, _retain)

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_pre_hook(self._out_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    def detach(self):
        t = Tensor._wrap(self._data)
        t._vc = self._counter()
        t._base = self
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        t = Tensor._wrap(self._data)
        return t

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else _asarray(value)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .api import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- conversions ----------------------------------------------------------
    # Inside a run of :func:`srcgrad.tape.engine.tape_vjp` (``STRICT.depth``),
    # turning a tracked Tensor into a Python number or an ndarray under grad
    # mode would drop its gradient silently: these raise instead.
    def numpy(self, force=False):
        if self._requires_grad and not force:
            if STRICT.depth and _state.enabled:
                _conversion_error(self, "numpy()")
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            if STRICT.depth and _state.enabled:
                _conversion_error(self, "np.asarray()/np.array()")
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        if dtype is not None:
            return self._data.astype(dtype)
        if STRICT.depth:        # NumPy code: a write through it would bypass the version
            view = self._data.view()    # counter (the value may be saved by a node)
            view.flags.writeable = False
            return view
        return self._data

    def _scalar(self):
        if self._data.size != 1:
            raise RuntimeError("a Tensor with %d elements cannot be converted to Scalar"
                               % self._data.size)
        return self._data.reshape(()).item()

    def item(self):
        if self._requires_grad and STRICT.depth and _state.enabled:
            _conversion_error(self, ".item()")
        return self._scalar()

    def tolist(self):
        if self._requires_grad and STRICT.depth and _state.enabled:
            _conversion_error(self, ".tolist()")
        return self._data.tolist()

    def __float__(self):
        if self._requires_grad and STRICT.depth and _state.enabled:
            _conversion_error(self, "float()")
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad and not STRICT.depth:
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead "
                          "to unexpected behavior.\nConsider using tensor.detach() first.",
                          UserWarning, stacklevel=2)
        return float(self._scalar())

    def __int__(self):
        if self._requires_grad and STRICT.depth and _state.enabled:
            _conversion_error(self, "int()")
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._scalar())

    def __complex__(self):
        if self._requires_grad and STRICT.depth and _state.enabled:
            _conversion_error(self, "complex()")
        return complex(self._scalar())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted "
                            "to an index")
        return int(self._data.reshape(()).item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    __hash__ = object.__hash__

    # -- shape queries --------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    @shape.setter
    def shape(self, value):
        """``a.shape = (9,)`` (NumPy's in-place reshape): refused, naming the
        user's line (PyTorch's attribute is not writable either)."""
        if not STRICT.depth:
            raise AttributeError("attribute 'shape' of 'torch._C.TensorBase' objects is not "
                                 "writable")
        from .dispatch import refusal
        raise refusal("setting .shape of a value that depends on the differentiated "
                      "arguments is not supported on the tape.",
                      "Use a = a.reshape(%r) instead." % (tuple(value) if isinstance(
                          value, (tuple, list)) else value,), TypeError)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[dim]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    def nelement(self):
        return self._data.size

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    @property
    def dtype(self):
        from .dtypes import from_numpy_dtype
        return from_numpy_dtype(self._data.dtype)

    @property
    def is_floating_point_(self):
        return self._data.dtype.kind == "f"

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def __repr__(self):
        from .printing import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self._data.item(), spec)
        return format(repr(self), spec)


_new = object.__new__


class _Strict(threading.local):
    depth = 0     # > 0 while tape_vjp runs the user's function in this thread
    error = None  # the last conversion error raised in that run


STRICT = _Strict()


def _conversion_error(t, what):
    from .engine import conversion_error
    raise conversion_error(what)


class Size(tuple):
    """``torch.Size``: a tuple that prints like PyTorch's."""

    def __repr__(self):
        return "torch.Size([%s])" % ", ".join(str(n) for n in self)

    def numel(self):
        return int(np.prod(self))


def _shape_list(shape):
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _to_array(data, dtype=None):
    from .dtypes import to_numpy_dtype
    npd = to_numpy_dtype(dtype) if dtype is not None else None
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray) and type(data) is not np.ndarray or \
            runtime.is_duck(data):
        check_plain_array(data)
        arr = data
    elif isinstance(data, (list, tuple)) and any(isinstance(e, Tensor) or runtime.is_duck(e)
                                                 for e in _flat(data)):
        arr = np.array([_to_array(e) for e in data])
    else:
        arr = data
    if isinstance(arr, (np.ndarray, np.generic)):
        out = np.array(arr, dtype=npd)
    else:
        out = np.array(arr, dtype=npd)
        if npd is None and out.dtype == _f64:
            out = out.astype(_f32)
        elif npd is None and out.dtype.kind == "i" and out.dtype != np.int64:
            out = out.astype(np.int64)
    return out


def _flat(data):
    for e in data:
        if isinstance(e, (list, tuple)):
            yield from _flat(e)
        else:
            yield e


def check_plain_array(arr, what="the data of a Tensor"):
    """Refuse an ndarray subclass: ``np.matrix`` (``*`` is a matrix product,
    rows stay 2-d) and masked arrays (masked entries) mean other things than
    the tape's Tensors; ``np.memmap`` is a plain array on disk and passes."""
    if runtime.is_duck_type(type(arr)):   # Dask, CuPy: the tape's data are NumPy arrays
        raise TypeError(
            "srcgrad tape: %s is a %s.%s, and the tape runs on NumPy arrays only (it would "
            "compute the whole array into memory). Use srcgrad.grad / value_and_grad (mode="
            "\"compile\"), whose generated code runs on it lazily, or pass x.compute(). "
            "See docs/scaling.md" % (what, type(arr).__module__.split(".")[0],
                                     type(arr).__name__))
    if isinstance(arr, np.ndarray) and type(arr) is not np.ndarray \
            and not isinstance(arr, np.memmap):
        raise TypeError(
            "srcgrad tape: %s is a %s.%s: ndarray subclasses (np.matrix, masked arrays...) "
            "are not supported by the tape. Convert it first: np.asarray(x) for np.matrix, "
            "x.filled(value) or np.ma.getdata(x) for a masked array."
            % (what, type(arr).__module__, type(arr).__name__))
