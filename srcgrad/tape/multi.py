"""Primitives with several outputs (``np.linalg.slogdet``, ``eigh``, ``svd``,
``np.divmod``, ``np.modf``, ``np.split``...): one node, one tracked Tensor per
output.

Guarantees:

* every floating output of a primitive that returns a tuple or a list is a
  Tensor that carries the node (``output_nr`` = its position); integer
  outputs (``np.frexp``'s exponents) are constants; a primitive with no rule
  raises :class:`NoRuleError` exactly as a single-output one does;
* the result keeps NumPy's structure: a named result stays of its type, with
  its field names (``.logabsdet``, ``.eigenvalues``, ``.U``), a list stays a
  list;
* at backward the rules get ``g`` as a tuple with one cotangent per output,
  zeros in place of outputs that received none (see :mod:`srcgrad.rules`),
  and ``ans`` as NumPy's result; an output modified in place before backward
  raises PyTorch's "modified by an inplace operation" error when the rules
  read ``ans``;
* higher-order gradients (``create_graph``) through a rule that reads
  ``ans`` are refused: ``ans`` would be a constant there (except in the
  tape's forward mode, :data:`LINEAR_ONLY`, where a constant ``ans`` is exact).
"""

import threading

import numpy as np

from .. import modes
from .graph import Node, _modified_msg, _Saved, FREED_MSG
from .record import plan_for, build_node, wrap, check_plain

__all__ = ["record_outputs", "MultiOutput"]

_state = modes._state
_ndarray = np.ndarray
_f64 = np.dtype(np.float64)
_f32 = np.dtype(np.float32)
_new = object.__new__


class _LinearOnly(threading.local):
    on = False   # set by the tape's forward mode: only the recorded backward's
                 # dependence on its cotangent is differentiated, so ``ans`` as a
                 # constant is exact there (srcgrad/tape/forward.py)


LINEAR_ONLY = _LinearOnly()


class MultiOutput(Node):
    """A node whose primitive returned several outputs."""

    __slots__ = ()

    def apply(self, grads, create_graph):
        plan = self._plan
        if create_graph and plan.uses_ans and not LINEAR_ONLY.on:
            raise NotImplementedError(
                "srcgrad tape: create_graph=True (higher-order gradients) through %s, a "
                "primitive with several outputs, is not supported" % self.name())
        gs = []
        for k, (shape, dtype) in enumerate(self._out_meta):
            g = grads[k] if k < len(grads) else None
            if g is None:
                g = np.zeros(shape, dtype=dtype if dtype.kind in "fc" else np.float64)
            gs.append(g)
        if plan.uses_ans:
            for vc in self._out_vcs:
                if vc is not None and vc[0]:
                    raise RuntimeError(_modified_msg(self._ans_data(vc), self.name(), vc[0], 0))
        return self._vjp(tuple(gs), create_graph)

    def _ans_data(self, vc):
        ans = self._ans
        for o, v in zip(ans if isinstance(ans, (tuple, list)) else (), self._out_vcs):
            if v is vc:
                return o
        return np.zeros(0)

    def _release(self):
        had_ans = self._saved and self._ans is not None
        self._ans = None
        Node._release(self)
        if had_ans:      # NumPy's result tuple: replace it by a stand-in that raises
            freed = _new(_Saved)
            freed.shape, freed.dtype, freed.msg = (), None, FREED_MSG
            self._ans = freed


_CLASSES = {}


def _class(name):
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = type(name, (MultiOutput,), {"__slots__": ()})
    return cls


def _float(o, src_f64, fn):
    """One output as the tape keeps it (float64 becomes float32 unless an
    input was float64, as for single outputs)."""
    if type(o) is not _ndarray:
        check_plain(o, fn)
        o = np.asarray(o)
    if o.dtype is _f64 and not src_f64:
        o = o.astype(_f32)
    return o


def _rebuild(out, items):
    """``items`` in the structure of NumPy's result ``out``."""
    t = type(out)
    if t is list or t is tuple:
        return t(items)
    if hasattr(t, "_fields"):       # a named result (SlogdetResult, EighResult...)
        return t(*items)
    return t(items)


def record_outputs(fn, args, raw, need, out, kwargs, name, src_f64):
    """The tracked result of ``fn`` that returned the tuple or list ``out``."""
    datas = [_float(o, src_f64, fn) for o in out]
    if not need or not _state.enabled or not datas:
        return _rebuild(out, [wrap(d) for d in datas])
    plan = plan_for(fn, need, len(args), multi=True)
    if plan.skip or not any(d.dtype.kind in "fc" for d in datas):
        return _rebuild(out, [wrap(d) for d in datas])
    label = name if name is not None else plan.name
    if type(label) is not str:
        label = label(args, kwargs)
    node = build_node(plan, args, raw, kwargs, name, datas[0].shape, _class(label))
    node._nout = len(datas)
    node._out_meta = [(d.shape, d.dtype) for d in datas]
    items, vcs = [], []
    for k, d in enumerate(datas):
        if d.dtype.kind not in "fc":
            items.append(wrap(d))
            vcs.append(None)
            continue
        t = wrap(d)
        t.grad_fn = node
        t._requires_grad = True
        if k:
            t._out_nr = k
        if plan.uses_ans:
            t._vc = [0]
        vcs.append(t._vc)
        items.append(t)
    node._out_vcs = vcs
    node._ans_v = None
    if plan.uses_ans:
        node._ans = _rebuild(out, datas) if hasattr(type(out), "_fields") else tuple(datas)
        node._saved = True
    else:
        node._ans = None
    return _rebuild(out, items)
