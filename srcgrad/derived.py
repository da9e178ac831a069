"""Transforms derived from ``vjp`` and ``jvp``: ``jacrev``, ``jacfwd``,
``jacobian``, ``hvp``, ``hessian``.

Each takes ``wrt``, ``has_aux`` and ``mode`` as :func:`srcgrad.grad` does,
and pytrees.  Guarantees:

* Jacobians are shaped as ``jax.jacrev``'s: for an output leaf of shape
  ``O`` and an input leaf of shape ``I``, an array of shape ``O + I``; the
  result has the output's structure, with, in place of each output leaf,
  the input's structure (a tuple over ``wrt`` positions when ``wrt`` is a
  tuple);
* ``jacrev`` runs the function once and reuses its pullback for every output
  coordinate (one compiled ``vjp`` where the compiler can, else the tape);
  ``jacfwd`` runs it once on the tape (or once per input coordinate in
  compiled code) and one JVP per input coordinate; ``jacobian`` picks
  forward mode when the inputs have fewer coordinates than the outputs,
  reverse mode otherwise;
* ``hvp(f)(*args, v)`` and ``hessian(f)`` differentiate the gradient.  In
  ``mode="compile"`` and ``"auto"`` it is generated code, compiled once per
  kind of arguments (srcgrad/hvp_engine.py: the gradient of ``f``'s
  generated JVP, reverse over forward; a Hessian is one such product per
  input coordinate); ``has_aux``, ``*args`` functions and complex arguments
  take the general second-order path (srcgrad/higher.py through
  ``api._second_order``); ``"tape"``, and ``"auto"`` where the compiler
  refuses, run on the tape (reverse over reverse: the Hessian of a real
  scalar function is symmetric, so the VJP of the gradient along ``v`` is
  ``H v``);
* complex inputs or outputs are refused by the Jacobians (``jvp``/``vjp``
  handle them); integer outputs are refused by name.
"""

import numbers

import numpy as np

from . import runtime
from .api import GradFunction, grad, _check_float, _compile, _where
from .forward import (ForwardUnavailable, jvp_function, check_tangent, _fill, _is_float_leaf)
from .hvp_engine import HvpEngine

__all__ = ["jacrev", "jacfwd", "jacobian", "hvp", "hessian"]


# ------------------------------------------------------------- trees

def _float_leaves(tree, out):
    """The float leaves of ``tree``, in order (dict values, items, fields)."""
    if isinstance(tree, dict):
        for v in tree.values():
            _float_leaves(v, out)
    elif isinstance(tree, (list, tuple)):
        for v in tree:
            _float_leaves(v, out)
    elif _is_float_leaf(tree) or isinstance(tree, numbers.Real) and not isinstance(tree, bool):
        out.append(tree)
    return out


def _rebuild(tree, leaves):
    """``tree`` with its float leaves replaced, in order, from the iterator
    ``leaves``; other leaves become ``None``."""
    if isinstance(tree, dict):
        return {k: _rebuild(v, leaves) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        items = [_rebuild(v, leaves) for v in tree]
        return type(tree)(*items) if hasattr(type(tree), "_fields") else type(tree)(items)
    if _is_float_leaf(tree) or isinstance(tree, numbers.Real) and not isinstance(tree, bool):
        return next(leaves)
    return None


def _basis(tree, k, j):
    """A tree like ``tree`` (float leaves) of zeros, with a one at flat index
    ``j`` of float leaf ``k``."""
    count = iter(range(1 << 62))

    def leaf(x):
        n = next(count)
        z = np.zeros(np.shape(x), dtype=runtime.float_dtype(np.asarray(x).dtype))
        if n == k:
            z.reshape(-1)[j] = 1.0
        return float(z) if isinstance(x, (float, int)) and not isinstance(x, np.generic) \
            else z if isinstance(x, np.ndarray) else z[()]
    return _map_float(tree, leaf)


def _map_float(tree, fn):
    if isinstance(tree, dict):
        return {k: _map_float(v, fn) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        items = [_map_float(v, fn) for v in tree]
        return type(tree)(*items) if hasattr(type(tree), "_fields") else type(tree)(items)
    if _is_float_leaf(tree) or isinstance(tree, numbers.Real) and not isinstance(tree, bool):
        return fn(tree)
    return tree


def _no_complex(fun, what, trees):
    for tree in trees:
        for leaf in _float_leaves(tree, []):
            if np.iscomplexobj(leaf):
                raise TypeError(
                    "%s: %s of a function with complex %s is not supported (a complex "
                    "Jacobian is only defined for holomorphic functions); use srcgrad.jvp or "
                    "srcgrad.vjp, or split real and imaginary parts" % (_where(fun), what,
                                                                      "inputs or outputs"))


def _duck_leaf(tree):
    """The first duck (Dask, CuPy) array among the leaves of ``tree``, or None."""
    if isinstance(tree, dict):
        tree = list(tree.values())
    if isinstance(tree, (list, tuple)):
        for v in tree:
            found = _duck_leaf(v)
            if found is not None:
                return found
        return None
    return tree if runtime.is_duck(tree) else None


def _no_duck(fun, what, trees, role):
    """Refuse a duck array among the differentiated inputs or the outputs of a
    Jacobian (or Hessian): it is built one pullback or JVP per coordinate,
    stacked into an ndarray -- neither lazy nor bounded by a chunk
    (docs/scaling.md)."""
    for tree in trees:
        leaf = _duck_leaf(tree)
        if leaf is not None:
            lib = type(leaf).__module__.split(".")[0]
            raise TypeError(
                "%s: %s with a %s array among the %s is not supported: %s. %s; or compute "
                "the array first (x.compute()) and pass a NumPy array. See docs/scaling.md"
                % (_where(fun), what, lib, role,
                   "a Hessian-vector product differentiates NumPy arrays and floats only"
                   if what == "hvp" else "a Jacobian is built one product per coordinate "
                   "into a NumPy array, neither lazy nor bounded by a chunk",
                   "Differentiate with respect to NumPy arrays (%s data among the other "
                   "arguments is supported)" % lib if role != "outputs" else
                   "For lazy products on %s arrays use srcgrad.vjp (one cotangent) or "
                   "srcgrad.jvp (one tangent)" % lib))


def _check_outputs(fun, what, out):
    """Refuse output leaves that are not floating-point numbers or arrays."""
    def walk(x, path):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, "%s[%r]" % (path, k))
        elif isinstance(x, (list, tuple)):
            for k, v in enumerate(x):
                walk(v, "%s[%d]" % (path, k))
        elif not (_is_float_leaf(x) or isinstance(x, float)):
            raise TypeError("%s: %s needs floating-point outputs, but output%s is %r; return "
                            "it as aux (has_aux=True) or cast it to float"
                            % (_where(fun), what, path, x if np.ndim(x) == 0 else
                               "an array of dtype %s" % np.asarray(x).dtype))
    walk(out, "")


def _assemble(out, in_trees, single, column):
    """The Jacobian tree: ``column(k_out, k_in_pos, k_in_leaf)`` gives the
    block of output leaf ``k_out`` and input leaf ``k_in_leaf`` of position
    ``k_in_pos`` (shape ``O + I``)."""
    out_leaves = _float_leaves(out, [])
    blocks = []
    for ko in range(len(out_leaves)):
        per_pos = []
        for p, tree in enumerate(in_trees):
            n = len(_float_leaves(tree, []))
            per_pos.append(_rebuild(tree, iter([column(ko, p, kl) for kl in range(n)])))
        blocks.append(per_pos[0] if single else tuple(per_pos))
    return _rebuild(out, iter(blocks))


class _Jacobian:
    """Shared by the Jacobian transforms: the user's function with its
    positions resolved as ``grad`` resolves them."""

    def __init__(self, fun, wrt, has_aux, mode, kind):
        self.gf = GradFunction(fun, wrt, has_aux, mode, kind)
        self.kind = kind
        self.__wrapped__ = fun

    def _args(self, args, kwargs):
        gf = self.gf
        spread = None
        if gf.varargs:
            args, spread = gf._flat(args, kwargs)
        elif kwargs or len(args) != len(gf.params):
            args = gf._args(args, kwargs)
        for i in gf.positions:
            a = args[i]
            if type(a) is not float and not (type(a) is np.ndarray and a.dtype.kind == "f") \
                    and not isinstance(a, (dict, list, tuple)):
                _check_float(gf.fun, i, gf.params, a)
        _no_duck(gf.fun, self.kind, [args[i] for i in gf.positions], "differentiated arguments")
        if self.kind != "hvp":      # H v is defined for complex arguments (real sense)
            _no_complex(gf.fun, self.kind, [args[i] for i in gf.positions])
        return tuple(args), spread

    def _finish(self, jac, ans):
        return (jac, ans[1]) if self.gf.has_aux else jac

    def reverse(self, args, spread):
        """``(ans, jacobian)`` by one VJP and a pullback per output coordinate."""
        gf = self.gf
        engine = gf._compiled_for(args, spread)
        ans, pullback = engine.fn(*args)
        out = ans[0] if gf.has_aux else ans
        _no_duck(gf.fun, self.kind, [out], "outputs")
        _check_outputs(gf.fun, self.kind, out)
        _no_complex(gf.fun, self.kind, [out])
        in_trees = [args[i] for i in gf.positions]
        out_leaves = _float_leaves(out, [])
        rows = {}        # (k_out, j) -> list over positions of the flat cotangent leaves
        for ko, o in enumerate(out_leaves):
            for j in range(int(np.size(o))):
                cts = pullback(_basis(out, ko, j))
                rows[ko, j] = [_float_leaves(runtime.to_kind(c, t), [])
                               for c, t in zip(cts, in_trees)]

        def column(ko, p, kl):
            o = out_leaves[ko]
            leaf = _float_leaves(in_trees[p], [])[kl]
            stacked = np.array([np.asarray(rows[ko, j][p][kl]).reshape(-1)
                                for j in range(int(np.size(o)))])
            return _shaped(stacked.reshape(np.shape(o) + np.shape(leaf)))
        return ans, _assemble(out, in_trees, gf.single, column)

    def forward(self, args, spread):
        """``(ans, jacobian)`` by one JVP per input coordinate."""
        gf = self.gf
        f = jvp_function(gf.fun, gf.positions, gf.has_aux, gf.mode)
        zeros = [_fill(args[i], None) for i in gf.positions]
        ans, lin, _ = f.linearize(args, zeros)
        out = ans[0] if gf.has_aux else ans
        _no_duck(gf.fun, self.kind, [out], "outputs")
        _check_outputs(gf.fun, self.kind, out)
        _no_complex(gf.fun, self.kind, [out])
        in_trees = [args[i] for i in gf.positions]
        cols = {}        # (p, k_in_leaf, j) -> flat output tangent leaves
        for p, tree in enumerate(in_trees):
            for kl, leaf in enumerate(_float_leaves(tree, [])):
                for j in range(int(np.size(leaf))):
                    tans = list(zeros)
                    tans[p] = _basis(tree, kl, j)
                    cols[p, kl, j] = _float_leaves(runtime.to_kind(lin(tans), out), [])

        def column(ko, p, kl):
            o = _float_leaves(out, [])[ko]
            leaf = _float_leaves(in_trees[p], [])[kl]
            n = int(np.size(leaf))
            stacked = np.array([np.asarray(cols[p, kl, j][ko]).reshape(-1) for j in range(n)])
            return _shaped(stacked.T.reshape(np.shape(o) + np.shape(leaf)))
        return ans, _assemble(out, in_trees, gf.single, column)


def _shaped(a):
    return float(a) if a.ndim == 0 else a


# ------------------------------------------------------------- public

def jacrev(fun=None, *, wrt=0, has_aux=False, mode="auto"):
    """The Jacobian of ``fun`` by reverse mode (one pullback per output
    coordinate), shaped ``out.shape + in.shape``.

    >>> import numpy as np
    >>> jacrev(lambda x: x ** 2)(np.array([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    if fun is None:
        return lambda f: jacrev(f, wrt=wrt, has_aux=has_aux, mode=mode)
    jac = _Jacobian(fun, wrt, has_aux, mode, "jacrev")

    def jacrev_of(*args, **kwargs):
        args, spread = jac._args(args, kwargs)
        ans, j = jac.reverse(args, spread)
        return jac._finish(j, ans)
    return _named(jacrev_of, fun, "jacrev")


def jacfwd(fun=None, *, wrt=0, has_aux=False, mode="auto"):
    """The Jacobian of ``fun`` by forward mode (one JVP per input
    coordinate), shaped ``out.shape + in.shape``.

    >>> import numpy as np
    >>> jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    if fun is None:
        return lambda f: jacfwd(f, wrt=wrt, has_aux=has_aux, mode=mode)
    jac = _Jacobian(fun, wrt, has_aux, mode, "jacfwd")

    def jacfwd_of(*args, **kwargs):
        args, spread = jac._args(args, kwargs)
        ans, j = jac.forward(args, spread)
        return jac._finish(j, ans)
    return _named(jacfwd_of, fun, "jacfwd")


def jacobian(fun=None, *, wrt=0, has_aux=False, mode="auto"):
    """The Jacobian of ``fun``: forward mode (``jacfwd``) when the
    differentiated inputs have fewer coordinates than the outputs, reverse
    mode (``jacrev``) otherwise.  The choice is made on the first call for
    each kind of arguments, after one run of the function."""
    if fun is None:
        return lambda f: jacobian(f, wrt=wrt, has_aux=has_aux, mode=mode)
    jac = _Jacobian(fun, wrt, has_aux, mode, "jacobian")
    choice = {}

    def jacobian_of(*args, **kwargs):
        args, spread = jac._args(args, kwargs)
        key = tuple(np.shape(x) for i in jac.gf.positions for x in _float_leaves(args[i], []))
        if choice.get(key) == "forward":
            ans, j = jac.forward(args, spread)
        else:
            ans, j = jac.reverse(args, spread)
            if key not in choice:
                n_in = sum(int(np.prod(shape)) for shape in key)
                out = ans[0] if jac.gf.has_aux else ans
                n_out = sum(int(np.size(o)) for o in _float_leaves(out, []))
                choice[key] = "forward" if n_in < n_out else "reverse"
        return jac._finish(j, ans)
    return _named(jacobian_of, fun, "jacobian")


def hessian(fun=None, *, wrt=0, has_aux=False, mode="auto"):
    """The Hessian of a real scalar ``fun``, shaped ``in.shape + in.shape``
    (a tuple of tuples of blocks when ``wrt`` is a tuple): in compile and
    auto modes one compiled Hessian-vector product per input coordinate
    (srcgrad/hvp_engine.py), else the Jacobian of the gradient on the tape.

    >>> import numpy as np
    >>> hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0])).tolist()
    [[6.0, 0.0], [0.0, 12.0]]
    """
    if fun is None:
        return lambda f: hessian(f, wrt=wrt, has_aux=has_aux, mode=mode)
    inner = grad(fun, wrt=wrt, has_aux=has_aux, mode=mode)
    general = jacrev(inner, wrt=wrt, has_aux=has_aux, mode=mode)
    jac = _Jacobian(inner, wrt, has_aux, mode, "jacrev")     # the arguments as jacrev's
    engine = HvpEngine(GradFunction(fun, wrt, has_aux, mode, "hessian"), inner)

    def hessian_of(*args, **kwargs):
        _no_duck(fun, "hessian", [args[i] for i in engine.positions if i < len(args)],
                 "differentiated arguments")
        if engine.usable:
            flat, spread = jac._args(args, kwargs)
            if spread is None and engine.fast(*flat) and \
                    all(_is_float_leaf(flat[i]) for i in engine.positions):
                return engine.hessian(flat, jac.gf.single)
        return general(*args, **kwargs)
    return _named(hessian_of, fun, "hessian")


def hvp(fun=None, *, wrt=0, has_aux=False, mode="auto"):
    """``hvp(f)(*args, v)``: the Hessian of a real scalar ``f`` (with
    respect to ``wrt``) times ``v`` (shaped like the argument; a tuple for a
    tuple ``wrt``), without forming the Hessian.

    >>> import numpy as np
    >>> hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]), np.array([1.0, 1.0])).tolist()
    [6.0, 12.0]
    """
    if fun is None:
        return lambda f: hvp(f, wrt=wrt, has_aux=has_aux, mode=mode)
    outer = GradFunction(fun, wrt, has_aux, mode, "hvp")   # the user's positions and call
    inner = grad(fun, wrt=wrt, has_aux=has_aux, mode=mode)
    compiled = HvpEngine(outer, inner)     # compiled, cached per kind of arguments
    nparams = -1 if outer.varargs or not compiled.usable else len(outer.params)
    positions = outer.positions

    def hvp_of(*args):
        if not args:
            raise TypeError("hvp(f)(*args, v): give the arguments of f and then v")
        args, v = args[:-1], args[-1]
        vs = (v,) if outer.single else v
        if len(args) == nparams and type(vs) in (tuple, list) and len(vs) == len(positions):
            res = compiled.remembered(args, vs)     # a signature checked before
            if res is not None:
                return res[0] if outer.single else res
            for i, t in zip(positions, vs):     # the common case: nothing to bind or check
                if not _ready(args[i], t):
                    break
            else:
                res = compiled.fast_products(args, list(vs), ready=True)
                if res is not None:
                    return res[0] if outer.single else res
        if outer.varargs:       # positions count the arguments as passed: no flattening
            for i in outer.positions:
                if i >= len(args):
                    raise ValueError("wrt=%d is out of range: %s was called with %d "
                                     "arguments" % (i, _where(outer.fun), len(args)))
            args = tuple(args)
        else:
            args, _ = _Jacobian._args(_Bare(outer), args, {})   # bound and checked
        if not isinstance(vs, (tuple, list)) or len(vs) != len(outer.positions):
            raise TypeError("%s: hvp's v must be a tuple of %d vectors (one per wrt position)"
                            % (_where(outer.fun), len(outer.positions)))
        vs = [t if _ready(args[i], t) else
              _fill(args[i], check_tangent(outer.fun, "v for argument %d" % i, args[i], t))
              for i, t in zip(outer.positions, vs)]
        res = compiled.fast_products(args, vs)
        if res is not None:
            return res[0] if outer.single else res
        # the VJP of the gradient: generated code (srcgrad/higher.py, the gradient of
        # f's JVP) in compile and auto, the tape where the compiler cannot
        engine = _compile(inner, outer.positions, has_aux, (), mode)
        ans, pullback = engine.fn(*args)
        cts = pullback(tuple(vs) if not outer.single else vs[0])
        res = [runtime.to_kind(c, args[i]) for c, i in zip(cts, outer.positions)]
        res = res[0] if outer.single else tuple(res)
        return (res, ans[1]) if has_aux else res
    return _named(hvp_of, fun, "hvp")


def _ready(primal, t):
    """Whether ``primal`` needs no check as a differentiated argument and
    ``t`` none as its tangent: a float array and an array of its shape and
    dtype, or two floats (the engines do not keep or mutate ``t``)."""
    tp = type(primal)
    if tp is np.ndarray:
        return type(t) is np.ndarray and t.dtype is primal.dtype and \
            t.shape == primal.shape and t.dtype.kind == "f"
    return tp is float and type(t) is float


class _Bare:
    """``_Jacobian._args`` for a GradFunction that is not in a _Jacobian."""

    def __init__(self, gf):
        self.gf = gf
        self.kind = gf.kind


def _named(wrapper, fun, kind):
    wrapper.__name__ = "%s_of_%s" % (kind, getattr(fun, "__name__", "f"))
    wrapper.__qualname__ = wrapper.__name__
    wrapper.__doc__ = "%s of %s" % (kind, getattr(fun, "__qualname__", fun))
    wrapper.__wrapped__ = fun
    return wrapper
