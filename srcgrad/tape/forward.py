"""Forward mode on the tape: Jacobian-vector products by double backward.

The tape records reverse mode only.  A JVP ``J v`` is obtained from it with
the *double-backward trick* (the one ``torch.autograd.functional.jvp`` uses):

1. run ``fun`` on Tensors, as :func:`~srcgrad.tape.engine.tape_vjp` does;
2. take its VJP with a dummy cotangent ``u`` that itself requires grad, with
   ``create_graph=True``: ``w(u) = J^T u`` is recorded, and it is linear in ``u``;
3. differentiate ``<w(u), v>`` with respect to ``u``: the result is ``J v``.

Step 3 only needs ``w``'s dependence on ``u``; values that depend on the
primals alone act as constants there, so every function whose VJP the tape
records with ``create_graph`` has an exact JVP (no finite differences).

Guarantees:

* :func:`tape_linearize` runs ``fun`` once and steps 1-2 once; the returned
  ``jvp(tangents)`` runs step 3 only, and may be called any number of times
  (``jacfwd`` calls it once per input coordinate);
* complex numbers follow the project's convention (docs/semantics.md): the
  VJP of a holomorphic ``f`` is ``g * conj(f'(z))``, and transposing it again
  gives the plain ``f'(z) * t``; a real output's tangent is real;
* grad modes stop tangents as they stop cotangents: what ``fun`` computes
  under ``no_grad`` or through ``detach``/``stop_gradient`` is a constant;
* while the function and both backward passes run, the tape's strict
  conversions are on: a value that depends on the primals turned into a
  number or an ndarray is a located ``TapeConversionError``, never a lost
  tangent.  A custom ``autograd.Function`` whose backward is not itself
  recorded (computed on NumPy values) is refused by the tape under
  ``create_graph`` (see :mod:`srcgrad.tape.function`);
* nothing passed in is mutated: the leaves are copies.

Cost: one recorded forward run, one recorded backward (``create_graph``,
about twice a plain backward) and, per tangent, one more backward through
that second graph: roughly 4-6 times the function's own NumPy time plus the
tape's per-operation overhead (see docs/forward.md).
"""

import numbers

import numpy as np

from .. import modes
from .tensor import Tensor, STRICT
from .graph import accumulate_node
from .backprop import run_backward
from .api import _root
from .engine import _map, _wrap_leaf, _unwrap, recording, call_on_copies, split_aux
from .multi import LINEAR_ONLY

__all__ = ["tape_linearize", "tape_jvp", "ForwardModeError"]

_state = modes._state


def _is_float_leaf(x):
    """A primal leaf that takes a tangent: a float or complex number or array."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind in "fc"
    return isinstance(x, (float, complex))


def _wrap_tree(tree, tangent, leaf):
    """``tree`` with ``leaf(x, t)`` in place of every float leaf ``x`` whose
    tangent ``t`` is given (not ``None``); containers are copied."""
    if tangent is None:
        return tree
    if isinstance(tree, dict):
        items = [(k, _wrap_tree(v, tangent[k], leaf)) for k, v in tree.items()]
        return dict(items) if type(tree) is dict else type(tree)(items)
    if isinstance(tree, tuple) and hasattr(type(tree), "_fields"):
        return type(tree)(*[_wrap_tree(v, t, leaf) for v, t in zip(tree, tangent)])
    if isinstance(tree, (list, tuple)):
        return type(tree)(_wrap_tree(v, t, leaf) for v, t in zip(tree, tangent))
    if not _is_float_leaf(tree):
        return tree
    return leaf(tree, tangent)


def _moving(trees, tangent_trees):
    """The tangent leaves of ``tangent_trees`` that move a float leaf of the
    primal ``trees``, in the order :func:`tape_linearize` wraps them."""
    vs = []
    for tree, tan in zip(trees, tangent_trees):
        _wrap_tree(tree, tan, lambda x, t: vs.append(t))
    return vs


def tape_linearize(fun, args, tangent_trees, has_aux=False):
    """Run ``fun(*args)`` on the tape once; return ``(value, jvp, aux)``.

    ``tangent_trees`` has one entry per argument: ``None`` for an argument
    held constant, else a tree of the argument's structure whose leaves are
    the tangents (``None`` for a leaf held constant); only the *structure*
    is read here (which leaves move).  ``jvp(tangent_trees)`` with new trees
    of that structure returns the output's tangent, a tree like the value.

    >>> import numpy as np
    >>> value, jvp, _ = tape_linearize(lambda x: np.sin(x) * 2.0, (np.zeros(2),),
    ...                                (np.ones(2),))
    >>> jvp((np.array([1.0, 3.0]),)).tolist()
    [2.0, 6.0]
    """
    primals = tuple(args)
    args = list(args)
    leaves = []
    for i, tan in enumerate(tangent_trees):
        if tan is not None:
            args[i] = _wrap_tree(args[i], tan, lambda x, t: _wrap_leaf(x, leaves))
    moving = {i for i, tan in enumerate(tangent_trees) if tan is not None}
    with recording():
        out, aux = split_aux(call_on_copies(fun, args, moving), has_aux)
        value = _map(_unwrap, out)
        # step 2: w = J^T u with a cotangent u that requires grad, recorded
        outs, us = [], []
        _map(lambda o: _dummy(o, outs, us), out)
        ws = []
        if outs and leaves:
            LINEAR_ONLY.on, was = True, LINEAR_ONLY.on
            try:
                got = run_backward([_root(o) for o in outs], list(us), True, True,
                                   inputs=[leaf.edge for leaf in leaves])
            except (TypeError, NotImplementedError) as err:
                raise _not_twice(fun, err) from err
            finally:
                LINEAR_ONLY.on = was
            for k, leaf in enumerate(leaves):
                ws.append(_as_leaf_cotangent(got.get(k), leaf))
    roots = [(k, _root(w)) for k, w in enumerate(ws)
             if isinstance(w, Tensor) and w._requires_grad]
    u_edges = [(accumulate_node(u), 0) for u in us]
    u_ids = {id(o): k for k, o in enumerate(outs)}

    def jvp(new_trees):
        vs = _moving(primals, [n if t is not None else None
                               for n, t in zip(new_trees, tangent_trees)])
        got = {}
        if roots:
            grads = [_seed(vs[k], ws[k]) for k, _ in roots]
            saved_mode = (_state.enabled, _state.inference)
            _state.enabled, _state.inference = False, False
            STRICT.depth += 1
            try:
                got = run_backward([r for _, r in roots], grads, True, False,
                                   inputs=u_edges)
            finally:
                STRICT.depth -= 1
                _state.enabled, _state.inference = saved_mode
        return _map(lambda o: _tangent_of(o, got, u_ids), out)
    return value, jvp, aux


class ForwardModeError(NotImplementedError):
    """The tape's forward mode cannot run a function: a primitive's VJP rule
    is not itself differentiable on the tape (the double backward needs it)."""


def _not_twice(fun, err):
    inner = fun
    while getattr(inner, "__code__", None) is None and hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__        # grad(f): name f's lines
    code = getattr(inner, "__code__", None)
    where = "%s:%s" % (code.co_filename, code.co_firstlineno) if code else "<unknown>"
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return ForwardModeError(
        "%s (%s): forward mode on the tape is a double backward, and a VJP rule this "
        "function reaches cannot be differentiated on the tape (%s: %s). Use the compiler's "
        "forward transform (mode=\"compile\"), or srcgrad.vjp if a reverse-mode product "
        "serves." % (where, getattr(fun, "__qualname__", fun), type(err).__name__, first))


def _dummy(o, outs, us):
    """Collect an output Tensor that carries a gradient, with its cotangent
    ``u``: zeros (the value is irrelevant: ``w`` is linear in ``u``) in a leaf
    that requires grad."""
    if isinstance(o, Tensor) and o._requires_grad and o._data.dtype.kind in "fc":
        u = Tensor._wrap(np.zeros(o._data.shape, dtype=o._data.dtype))
        u._requires_grad = True
        u._vc = [0]
        outs.append(o)
        us.append(u)
    return o


def _as_leaf_cotangent(g, leaf):
    """The recorded cotangent of a leaf: real for a real leaf (a real
    argument's cotangent is the real part), of the leaf's shape."""
    if g is None:
        return None
    t = leaf.tensor
    if isinstance(g, Tensor):
        if g._data.dtype.kind == "c" and t._data.dtype.kind != "c":
            g = np.real(g)
        if g._data.shape != t._data.shape:
            g = np.broadcast_to(g, t._data.shape)
        return g
    return None      # a constant: w does not depend on u there, J^T u is 0 on this leaf


def _seed(v, w):
    """The tangent ``v`` as the cotangent of ``w`` (shape and dtype of ``w``)."""
    d = w._data
    a = np.asarray(v, dtype=np.result_type(d.dtype, np.asarray(v).dtype))
    if a.shape != d.shape:
        a = np.broadcast_to(a, d.shape)
    return a


def _tangent_of(o, got, u_ids):
    """The tangent of one output leaf, in NumPy's kind of the value."""
    if isinstance(o, Tensor):
        d = o._data
        k = u_ids.get(id(o))
        t = got.get(k) if k is not None else None
        dtype = d.dtype if d.dtype.kind in "fc" else np.dtype(np.float64)
        if t is None:
            t = np.zeros(d.shape, dtype=dtype)
        else:
            t = np.asarray(t)
            if t.dtype.kind == "c" and dtype.kind != "c":
                t = t.real
            t = np.array(np.broadcast_to(t, d.shape), dtype=dtype)
        return t[()] if d.ndim == 0 else t
    if isinstance(o, bool) or o is None or isinstance(o, str):
        return o
    if isinstance(o, numbers.Number) or isinstance(o, (np.ndarray, np.generic)):
        a = np.asarray(o)
        dtype = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
        z = np.zeros(a.shape, dtype=dtype)
        if isinstance(o, np.ndarray):
            return z
        if isinstance(o, (float, int)):
            return 0.0
        if isinstance(o, complex):
            return 0j
        return z[()]
    return o


def tape_jvp(fun, args, tangent_trees, has_aux=False):
    """``(value, tangent_out)`` (with ``has_aux``: ``(value, tangent_out,
    aux)``) of ``fun`` at ``args`` along ``tangent_trees``, on the tape."""
    value, jvp, aux = tape_linearize(fun, args, tangent_trees, has_aux)
    t = jvp(tangent_trees)
    return (value, t, aux) if has_aux else (value, t)
