"""In-place operations and NumPy's dispatch protocols for ``Tensor``.

Guarantees:

* ``add_``, ``sub_``, ``mul_``, ``div_``, ``zero_``, ``fill_``, ``copy_``,
  ``+=``... and ``t[i] = v`` write into the tensor's own buffer (views and
  ``detach()``-ed aliases see the change) and bump the shared version counter;
* under grad mode they are recorded like their out-of-place forms (the old
  value is snapshotted), the tensor's ``grad_fn`` moves to the new node, and
  a leaf that requires grad (or a view of one) refuses with PyTorch's error;
* NumPy's dispatch (``np.sin(t)``, ``np.sum(t)``...) is decided in
  :mod:`.dispatch`.
"""

import operator
import weakref

import numpy as np

from .. import modes
from ..rules import nn as nnrules
from .tensor import Tensor, STRICT
from .record import apply as _apply
from .graph import bump_version
from .names import getitem_name

_state = modes._state

LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_MSG = "a view of a leaf Variable that requires grad is being used in an in-place operation."


_LEAF_TODO = ("A differentiated argument (or a view of one) cannot be changed in place: "
              "copy it first (y = x.copy(); y += ...), or use an out-of-place operation.")


def _refused(what, todo, cls):
    """``cls`` naming the user's file and line (see :func:`dispatch.refusal`)."""
    from .dispatch import refusal
    return refusal(what, todo, cls)


def _leaf_error(msg):
    """PyTorch's error, word for word, for Tensor code; located, with what to do, while
    the tape runs a NumPy function (``srcgrad.grad(f, mode="tape")``)."""
    if STRICT.depth:
        return _refused(msg, _LEAF_TODO, RuntimeError)
    return RuntimeError(msg)


def _check_leaf(self, setitem=False):
    if not _state.enabled:
        return
    if self.grad_fn is None and self._requires_grad:
        raise _leaf_error(VIEW_MSG if setitem else LEAF_MSG)
    base = self._base
    if base is not None and base.grad_fn is None and base._requires_grad \
            and self._requires_grad:
        raise _leaf_error(VIEW_MSG)


def _snapshot(self):
    old = object.__new__(Tensor)
    old._data = self._data.copy()
    old.grad_fn = self.grad_fn
    old._requires_grad = self._requires_grad
    old._vc = None
    if self._out_nr:
        old._out_nr = self._out_nr
    return old


def _keep_for_numpy(self):
    """NumPy code run by the tape (``e = np.exp(x); e /= e.sum()``) changes arrays in
    place freely: the node that made ``self`` and reads its output in backward keeps a
    private copy of that output (PyTorch would refuse in backward).  Nodes that saved
    ``self`` as an *input* still refuse in backward; the refusal names this line."""
    node = self.grad_fn
    if node is not None and getattr(node, "_ans_v", None) is not None and \
            type(node._ans) is np.ndarray and np.may_share_memory(node._ans, self._data):
        node._ans = np.array(node._ans, copy=True)
        node._ans_v = None
    vcs = getattr(node, "_out_vcs", None)      # a primitive with several outputs (eigh)
    if vcs is not None and self._vc is not None and isinstance(node._ans, tuple):
        for k, vc in enumerate(vcs):
            if vc is self._vc:
                items = list(node._ans)
                items[k] = np.array(items[k], copy=True)
                node._ans = type(node._ans)(*items) if hasattr(type(node._ans), "_fields") \
                    else tuple(items)
                node._out_vcs = vcs[:k] + [None] + vcs[k + 1:]
                break
    from .engine import _user_line
    name, line, src = _user_line()
    if name:
        self._inplace_where = "%s:%s: %s" % (name, line, src)


def _inplace(self, fn, args, kwargs=None, name=None, setitem=False):
    """Apply ``fn(self, *args)`` and store the result in ``self``."""
    _check_leaf(self, setitem)
    recording = _state.enabled and (self._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    if recording:
        vc = self._vc
        if vc is not None:   # ``a[i:j] *= 2`` writes a view of ``a`` back into ``a``:
            args = tuple(    # save that operand as it is now (the write bumps its version)
                _snapshot(a) if isinstance(a, Tensor) and a._vc is vc and a.grad_fn is not None
                else a for a in args)
        res = _apply(fn, (_snapshot(self),) + tuple(args), kwargs, name)
    else:
        with modes.no_grad():
            res = _apply(fn, (self,) + tuple(args), kwargs, name)
    out = res._data
    if STRICT.depth and recording:
        _keep_for_numpy(self)
    if out.shape != self._data.shape:
        raise RuntimeError("output with shape %s doesn't match the broadcast shape %s"
                           % (list(self._data.shape), list(out.shape)))
    if self._data.dtype.kind in "iub" and out.dtype.kind == "f":
        raise RuntimeError("result type Float can't be cast to the desired output type %s"
                           % {"i": "Long", "u": "Byte", "b": "Bool"}[self._data.dtype.kind])
    self._data[...] = out
    bump_version(self)
    if recording:
        node = res.grad_fn
        self.grad_fn = node
        self._requires_grad = True
        if self._out_nr:
            self._out_nr = 0
        if node._ans_v is not None:
            node._ans = self._data
            node._ans_v = (self._vc, self._vc[0])
        base = self._base
        if base is not None and (base.grad_fn is not None or not base._requires_grad):
            # the base sees the write too, even one that carried no history before
            # (made under no_grad, or a constant): PyTorch gives it CopySlices
            _rebase(self, base)
            if base._views:             # its other views read through the write too
                _refresh_views(base, skip=self)
        if self._views:
            _refresh_views(self)
    return self


def track_view(base, view):
    """Remember (weakly) a view that carries history, so that an in-place
    change of ``base`` can give it the new history."""
    if view._requires_grad:
        views = base._views
        if views is None:
            views = base._views = []
        elif len(views) >= 8:        # drop dead ones: the list stays as small as the live set
            views[:] = [r for r in views if r() is not None]
        views.append(weakref.ref(view))


def _refresh_views(base, skip=None):
    """After an in-place change of ``base`` (or, ``skip`` being the view
    written through, of one of its views): its live indexing views read
    through the new history (PyTorch regenerates their ``grad_fn``); other
    live views cannot, and refuse."""
    live = [r for r in base._views if r() is not None]
    base._views = live or None
    for r in live:
        v = r()
        if v is skip:
            continue
        idx = v._view_idx
        if idx is None or idx is NOT_INDEXED:
            raise _refused(
                "srcgrad tape: an in-place change of a tensor that has a live view made by "
                "reshape/transpose/expand is not supported.", "Use an out-of-place operation.",
                NotImplementedError)
        fresh = _apply(operator.getitem, (base, idx), None, getitem_name)
        v.grad_fn = fresh.grad_fn
        v._requires_grad = True


NOT_INDEXED = object()


def _rebase(view, base):
    """After an in-place change through ``view``, make ``base``'s history see
    it, as PyTorch's ``CopySlices`` does: base = index_put(old base, index,
    view).  Only views made by indexing know their index; others refuse."""
    idx = view._view_idx
    if idx is None or idx is NOT_INDEXED or view._base is not base or base._base is not None:
        raise _refused(
            "srcgrad tape: an in-place operation through a view made by reshape/transpose/"
            "expand (or a view of a view) of a tensor that requires grad is not supported.",
            "Use an out-of-place operation, or .clone() (NumPy: .copy()) the view first.",
            NotImplementedError)
    old = _snapshot(base)
    node = _apply(nnrules.index_put, (old, idx, view), None, "CopySlices").grad_fn
    base.grad_fn = node
    base._requires_grad = True
    if base._out_nr:
        base._out_nr = 0


def _ip(fn):
    def method(self, other, *, alpha=None):
        if alpha is not None:
            other = other * alpha
        return _inplace(self, fn, (other,))
    return method


for _name, _fn in [("add_", np.add), ("sub_", np.subtract), ("mul_", np.multiply),
                   ("div_", np.true_divide), ("pow_", np.power)]:
    setattr(Tensor, _name, _ip(_fn))
def _iop(fn):
    """``t += x``: in place, as PyTorch does -- except for a 0-d tensor while
    :func:`~srcgrad.tape.engine.tape_vjp` runs NumPy code, where it stands for
    a NumPy scalar, which is immutable: ``s += 1`` rebinds ``s``, and an
    earlier alias ``w = s`` keeps the old value."""
    inplace = _ip(fn)

    def method(self, other):
        if STRICT.depth and self._data.ndim == 0:
            return fn(self, other)
        return inplace(self, other)
    return method


for _name, _fn in [("__iadd__", np.add), ("__isub__", np.subtract), ("__imul__", np.multiply),
                   ("__itruediv__", np.true_divide), ("__ipow__", np.power)]:
    setattr(Tensor, _name, _iop(_fn))


def _fill(self, value, name):
    if isinstance(value, Tensor) and value._requires_grad:
        return _inplace(self, nnrules.index_put, (Ellipsis, value), None, name)
    return _inplace(self, nnrules.index_put, (Ellipsis, value), None, name)


Tensor.zero_ = lambda self: _fill(self, 0, "ZeroBackward0")
Tensor.fill_ = lambda self, value: _fill(
    self, value, "FillBackward3" if isinstance(value, Tensor) else "FillBackward2")
Tensor.copy_ = lambda self, src, non_blocking=False: _fill(self, src, "CopyBackwards")


def _clamp_(self, min=None, max=None):
    return _inplace(self, np.clip, (min, max))


Tensor.clamp_ = _clamp_
Tensor.relu_ = lambda self: _inplace(self, nnrules.relu, ())
Tensor.exp_ = lambda self: _inplace(self, np.exp, ())
Tensor.neg_ = lambda self: _inplace(self, np.negative, ())


def _setitem(self, idx, value):
    if isinstance(idx, Tensor):
        idx = idx._data
    elif isinstance(idx, tuple):
        idx = tuple(i._data if isinstance(i, Tensor) else i for i in idx)
    elif isinstance(idx, list):
        idx = np.asarray(idx)
    _inplace(self, nnrules.index_put, (idx, value), None, "CopySlices", setitem=True)



Tensor.__setitem__ = _setitem
