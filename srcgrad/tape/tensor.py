"""``Tensor``: an ndarray plus ``requires_grad``, ``grad`` and ``grad_fn``.

Guarantees:

* every differentiable operation goes through :func:`_apply`, which runs the
  NumPy callable on raw arrays and, when grad mode is on and an input requires
  grad, records ONE node holding that primitive's rules from
  :mod:`srcgrad.rules` (no derivative formula lives in the tape);
* a node keeps only the values its rules read (found once per rule by
  reading its bytecode), so ``x + y`` saves nothing and ``x * y`` saves the
  factors, as PyTorch does;
* dtypes follow PyTorch: Python floats become float32, ndarrays keep their
  dtype, integer inputs to a floating result give float32;
* views (indexing, reshape, transpose, detach) share data and the version
  counter with their base; in-place operations bump it.
"""

import itertools
import warnings

import numpy as np

from .. import modes
from ..rules import lookup, has_rule, is_nondiff, NoRuleError
from .graph import node_class, accumulate_node, rule_usage, RemovableHandle

__all__ = ["Tensor", "tensor", "as_tensor"]

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
    def numpy(self, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data if dtype is None else self._data.astype(dtype)

    def _scalar(self):
        if self._data.size != 1:
            raise RuntimeError("a Tensor with %d elements cannot be converted to Scalar"
                               % self._data.size)
        return self._data.reshape(()).item()

    def item(self):
        return self._scalar()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self.requires_grad:
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead "
                          "to unexpected behavior.\nConsider using tensor.detach() first.",
                          UserWarning, stacklevel=2)
        return float(self._scalar())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._scalar())

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

    @property
    def device(self):
        return "cpu"

    def __repr__(self):
        from .printing import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self._data.item(), spec)
        return format(repr(self), spec)


_new = object.__new__


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
    elif isinstance(data, (list, tuple)) and any(isinstance(e, Tensor) for e in _flat(data)):
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


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """``srcgrad.tensor(data)``: a new leaf tensor holding a copy of ``data``."""
    t = Tensor(data, dtype=dtype)
    if requires_grad:
        if t._data.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can "
                               "require gradients")
        t._requires_grad = True
    return t


def as_tensor(data, dtype=None):
    if isinstance(data, Tensor) and dtype is None:
        return data
    return tensor(data, dtype=dtype)


# ---------------------------------------------------------------- _apply

_PLANS = {}    # (id(fn), need, nargs) -> _Plan


class _Plan:
    """What every node of one primitive and grad-input pattern shares."""
    __slots__ = ("rules", "pos", "save", "uses_ans", "broadcasts", "cls", "name",
                 "skip", "simple", "__weakref__")


_NO_EDGE = (None, 0)
_NO_SHAPES = itertools.repeat(None)
_SHOW_NONE = set()   # ids of binary primitives whose node lists constant inputs


def _make_plan(fn, need, nargs):
    plan = _Plan()
    plan.skip = False
    if not has_rule(fn):
        if is_nondiff(fn):
            plan.skip = True
            return plan
        lookup(fn)  # raises NoRuleError with the registry's advice
    prim = lookup(fn)
    vjps = prim.vjps
    rules, pos = [], []
    save, uses_ans = set(), False
    needset = set(need)
    shown = range(min(nargs, 2)) if id(fn) in _SHOW_NONE else ()
    if fn is np.subtract and need == ((1, -1),):
        shown = ()   # ``1 - x``: PyTorch's RsubBackward1 has one edge
    for ij in sorted(needset | {(i, -1) for i in shown}):
        i = ij[0]
        rule = vjps[i] if i < len(vjps) and ij in needset else None
        rules.append(rule)
        pos.append(ij)
        if rule is not None:
            ua, used = rule_usage(rule)
            uses_ans |= ua
            save |= set(range(nargs)) if used is None else set(used)
    plan.rules = tuple(rules)
    plan.pos = tuple(pos)
    plan.simple = all(r is not None for r in rules) and all(j < 0 for _, j in pos)
    plan.save = tuple(sorted(i for i in save if i < nargs))
    plan.uses_ans = uses_ans
    plan.broadcasts = prim.broadcasts
    name = _NAMES.get(id(fn)) or _default_name(fn)
    plan.name = name
    plan.cls = node_class(name) if type(name) is str else None
    return plan


def _apply(fn, args, kwargs=None, name=None):
    """Run ``fn`` on raw arrays; record one node if it needs a gradient."""
    raw = list(args)
    need = ()
    src_f64 = False
    i = 0
    for a in args:
        if isinstance(a, Tensor):
            d = raw[i] = a._data
            if d.dtype is _f64:
                src_f64 = True
            if a._requires_grad:
                need += ((i, -1),)
        elif type(a) is list or type(a) is tuple:
            if any(isinstance(e, Tensor) for e in a):
                raw[i] = [e._data if isinstance(e, Tensor) else e for e in a]
                for j, e in enumerate(a):
                    if isinstance(e, Tensor):
                        if e._data.dtype is _f64:
                            src_f64 = True
                        if e._requires_grad:
                            need += ((i, j),)
        elif type(a) is _ndarray and a.dtype is _f64:
            src_f64 = True
        i += 1
    if kwargs:
        for k, v in kwargs.items():
            if isinstance(v, Tensor):
                if v._requires_grad and _state.enabled:
                    raise NotImplementedError("srcgrad tape: pass tensors that require grad "
                                              "positionally to %s" % _fname(fn))
                kwargs[k] = v._data
        out = fn(*raw, **kwargs)
    else:
        out = fn(*raw)
    if type(out) is not _ndarray:
        if isinstance(out, tuple):
            return tuple(_apply_out(o, src_f64) for o in out)
        out = _asarray(out)
    if out.dtype is _f64 and not src_f64:
        out = out.astype(_f32)
    if not need or not _state.enabled:
        return _wrap_out(out)
    return _record(fn, args, raw, need, out, kwargs, name)


def _apply2(fn, a, b, name=None):
    """:func:`_apply` for a binary operator (the dunders' fast path)."""
    if isinstance(a, Tensor):
        ra = a._data
        ga = a._requires_grad
    else:
        ra, ga = a, False
    if isinstance(b, Tensor):
        rb = b._data
        gb = b._requires_grad
    else:
        rb, gb = b, False
    out = fn(ra, rb)
    if type(out) is not _ndarray:
        out = _asarray(out)
    if out.dtype is _f64 and not (getattr(ra, "dtype", None) is _f64
                                  or getattr(rb, "dtype", None) is _f64):
        out = out.astype(_f32)
    if not (ga or gb) or not _state.enabled:
        return _wrap_out(out)
    need = ((0, -1), (1, -1)) if ga and gb else (((0, -1),) if ga else ((1, -1),))
    return _record(fn, (a, b), (ra, rb), need, out, None, name)


def _record(fn, args, raw, need, out, kwargs, name):
    nargs = len(args)
    key = (id(fn), need, nargs)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _make_plan(fn, need, nargs)
    if plan.skip or out.dtype.kind not in "fc":
        return _wrap_out(out)
    if name is None:
        cls = plan.cls
        if cls is None:
            cls = node_class(plan.name(args, kwargs))
    else:
        cls = node_class(name if type(name) is str else name(args, kwargs))
    node = _new(cls)
    node._plan = plan
    node._kwargs = kwargs
    nexts = []
    if plan.broadcasts:
        shapes = []
        for (i, j), rule in zip(plan.pos, plan.rules):
            if rule is None:
                nexts.append(_NO_EDGE)
                shapes.append(None)
                continue
            t = args[i] if j < 0 else args[i][j]
            gf = t.grad_fn
            nexts.append((gf, t._out_nr) if gf is not None else (accumulate_node(t), 0))
            shapes.append(t._data.shape)
        node._shapes = shapes
    else:
        for (i, j), rule in zip(plan.pos, plan.rules):
            if rule is None:
                nexts.append(_NO_EDGE)
                continue
            t = args[i] if j < 0 else args[i][j]
            gf = t.grad_fn
            nexts.append((gf, t._out_nr) if gf is not None else (accumulate_node(t), 0))
        node._shapes = _NO_SHAPES
    node.next_functions = tuple(nexts)
    save = plan.save
    if save:
        sargs = [None] * nargs
        targs = None
        for i in save:
            sargs[i] = raw[i]
            a = args[i]
            if isinstance(a, Tensor):
                if targs is None:
                    targs = [None] * nargs
                    vers = [0] * nargs
                targs[i] = a
                vers[i] = a._counter()[0]
            elif type(raw[i]) is list:
                if targs is None:
                    targs = [None] * nargs
                    vers = [0] * nargs
                targs[i] = list(a)
        node._args = tuple(sargs)
        node._targs = targs
        node._versions = vers if targs is not None else None
        node._saved = True
    else:
        node._args = (None,) * nargs
        node._targs = None
        node._saved = None
    res = _new(Tensor)
    res._data = out
    res.grad_fn = node
    res._requires_grad = True
    if plan.uses_ans:
        vc = res._vc = [0]
        node._ans = out
        node._ans_v = (vc, 0)
        node._saved = True
    else:
        res._vc = None
        node._ans = None
        node._ans_v = None
    return res


_EMPTY = {}


def _apply_out(o, src_f64):
    o = _asarray(o)
    if o.dtype is _f64 and not src_f64:
        o = o.astype(_f32)
    return _wrap_out(o)


def _wrap_out(out):
    t = _new(Tensor)
    t._data = out
    t.grad_fn = None
    t._requires_grad = False
    t._vc = None
    if _state.inference:
        t._inference = True
    return t


def _fname(fn):
    return getattr(fn, "__name__", repr(fn))


def _default_name(fn):
    base = _fname(fn)
    return "".join(p[:1].upper() + p[1:] for p in base.split("_")) + "Backward0"


#: id(numpy callable) -> PyTorch node name (filled by tape.ops)
_NAMES = {}
