"""Fast paths of :func:`record.apply` for the most frequent calls: Tensor
operators (``a * b``), one-argument methods (``t.exp()``) and NumPy ufuncs
called on Tensors (``np.sin(t)``, ``np.add(a, t)``).

Guarantees: each runner records exactly what :func:`record.apply` would (same
plan, node class, edges, saved values, dtype rule), with the argument
loop, the plan lookup by key and the per-edge lists taken out: the plan is
cached in the runner's closure, per grad-input pattern.  A node whose inputs
all have the output's shape stores ``_shapes = None`` (nothing to
unbroadcast at backward).
"""

import numpy as np

from .. import modes
from .graph import node_class, accumulate_node, EPOCH
from .record import apply, make_plan, result, wrap, snapshot, check_plain, _MUTABLE
from .tensor import Tensor

__all__ = ["binary", "unary", "ufunc_runner"]

_state = modes._state
_ndarray = np.ndarray
_asarray = np.asarray
_f64 = np.dtype(np.float64)
_c128 = np.dtype(np.complex128)
_DOUBLE = (_f64, _c128)     # inputs whose float64 outputs stay float64
_f32 = np.dtype(np.float32)
_new = object.__new__
_NONE2 = (None, None)


def binary(fn, name=None):
    """``(op, rop)``: the Tensor dunder pair for the binary NumPy callable
    ``fn`` (``a + b`` and ``b + a``), with :func:`apply` inlined."""
    plans = [None, None, None, None]    # by (a requires grad) + 2 * (b requires grad)

    def run(a, b):
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
            check_plain(out, fn)
            out = _asarray(out)
        if out.dtype is _f64 and not (type(ra) is _ndarray and ra.dtype in _DOUBLE
                                      or type(rb) is _ndarray and rb.dtype in _DOUBLE):
            out = out.astype(_f32)
        if not (ga or gb) or not _state.enabled:
            return wrap(out)
        k = ga + 2 * gb
        plan = plans[k]
        if plan is None:
            need = ((0, -1), (1, -1)) if k == 3 else (((0, -1),) if ga else ((1, -1),))
            plan = plans[k] = make_plan(fn, need, 2)
        if plan.skip or out.dtype.kind not in "fc":
            return wrap(out)
        if name is None:
            cls = plan.cls
            if cls is None:
                cls = node_class(plan.name((a, b), None))
        else:
            cls = node_class(name if type(name) is str else name((a, b), None))
        node = _new(cls)
        node._plan = plan
        node._kwargs = None
        node._epoch = EPOCH[0]
        layout = plan.layout
        oshape = out.shape
        nrs = None
        if layout != 2:
            if ga:
                na = a.grad_fn
                if na is None:
                    na = accumulate_node(a)
                elif a._out_nr:
                    nrs = (a._out_nr, 0)
                sa = ra.shape
                if sa == oshape:
                    sa = None
            else:
                na = sa = None
        if layout != 1:
            if gb:
                nb = b.grad_fn
                if nb is None:
                    nb = accumulate_node(b)
                elif b._out_nr:
                    nrs = (nrs[0] if nrs else 0, b._out_nr)
                sb = rb.shape
                if sb == oshape:
                    sb = None
            else:
                nb = sb = None
        if layout == 0:
            node._next = (na, nb)
            node._shapes = None if sa is None and sb is None else (sa, sb)
        elif layout == 1:
            node._next = (na,)
            node._shapes = None if sa is None else (sa,)
            if nrs is not None:
                nrs = nrs[:1]
        else:
            node._next = (nb,)
            node._shapes = None if sb is None else (sb,)
            if nrs is not None:
                nrs = nrs[1:]
        node._nrs = nrs
        save = plan.save
        if save:
            if rb is b:                      # a plain operand: saved as it is now
                if type(b) is _ndarray:
                    rb = b.copy()
                elif isinstance(b, _MUTABLE):
                    rb = snapshot(b)
            elif ra is a:
                if type(a) is _ndarray:
                    ra = a.copy()
                elif isinstance(a, _MUTABLE):
                    ra = snapshot(a)
            if plan.save_all:
                node._args = (ra, rb)
            else:
                node._args = (ra, None) if save[0] == 0 else (None, rb)
            node._targs = (a, b)
            va = a._vc if 0 in save and isinstance(a, Tensor) else None
            vb = b._vc if 1 in save and isinstance(b, Tensor) else None
            node._versions = (va[0] if va is not None else 0, vb[0] if vb is not None else 0) \
                if (va is not None and va[0]) or (vb is not None and vb[0]) else None
            node._saved = True
        else:
            node._args = _NONE2
            node._targs = None
            node._versions = None
            node._saved = None
        return result(node, out, plan.uses_ans)

    def rop(self, other):
        return run(other, self)
    return run, rop


def unary(fn, name=None):
    """The Tensor method for the one-argument NumPy callable ``fn``
    (``t.exp()``, ``np.exp(t)``), with :func:`apply` inlined."""
    cell = [None]

    def run(a):
        if not isinstance(a, Tensor):
            return apply(fn, (a,), None, name)
        ra = a._data
        out = fn(ra)
        if type(out) is not _ndarray:
            check_plain(out, fn)
            out = _asarray(out)
        if out.dtype is _f64 and ra.dtype is not _f64 and ra.dtype is not _c128:
            out = out.astype(_f32)
        if not a._requires_grad or not _state.enabled:
            return wrap(out)
        plan = cell[0]
        if plan is None:
            plan = cell[0] = make_plan(fn, ((0, -1),), 1)
        if plan.skip or out.dtype.kind not in "fc":
            return wrap(out)
        if name is None:
            cls = plan.cls
            if cls is None:
                cls = node_class(plan.name((a,), None))
        else:
            cls = node_class(name if type(name) is str else name((a,), None))
        node = _new(cls)
        node._plan = plan
        node._kwargs = None
        node._epoch = EPOCH[0]
        na = a.grad_fn
        if na is None:
            node._next = (accumulate_node(a),)
            node._nrs = None
        else:
            node._next = (na,)
            node._nrs = (a._out_nr,) if a._out_nr else None
        node._shapes = None if ra.shape == out.shape else (ra.shape,)
        if plan.save:
            node._args = (ra,)
            node._targs = (a,)
            vc = a._vc
            node._versions = (vc[0],) if vc is not None and vc[0] else None
            node._saved = True
        else:
            node._args = (None,)
            node._targs = None
            node._versions = None
            node._saved = None
        return result(node, out, plan.uses_ans)
    return run


_UFUNCS = {}     # ufunc -> runner taking the ufunc's positional inputs


def ufunc_runner(ufunc):
    """The fast runner for ``ufunc(*inputs)`` on Tensors (``__array_ufunc__``
    without keywords), or None for ufuncs :func:`apply` must handle."""
    r = _UFUNCS.get(ufunc)
    if r is None and ufunc not in _UFUNCS:
        if ufunc.nout == 1 and ufunc.nin == 1:
            r = unary(ufunc)
        elif ufunc.nout == 1 and ufunc.nin == 2:
            r = binary(ufunc)[0]
        _UFUNCS[ufunc] = r
    return r
