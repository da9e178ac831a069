r"""A full reduction's scalar cotangent is not spread over a shape its factor has.

The cotangent of ``s = np.sum(t)`` is ``_rt.expand_reduced(g, t_shape, None,
False)``: the scalar ``g`` spread over ``t``'s shape (``t_shape``, its saved
shape: transforms/shape_saves.py).  Where ``t = W * W`` (an elementwise
expression of one name ``W`` and numbers), ``t`` has ``W``'s shape, and the
adjoint's ``2 * (_rt.expand_reduced(g, t_shape, None, False) * _rt.conj(W))``
is ``g * 2 * _rt.conj(W)``: one array operation, no array of ``g``'s.
This is lower/broadcasts.py's rewrite for shapes that are not known when the
code is generated (a leaf of a parameter list: the L2 term
``sum(np.sum(W * W) for W, _ in params)``).

A factor ``_rt.expand_reduced(g, N, None, False)`` of a product is replaced
by ``g`` when, in the forward sweep, ``N`` is assigned once, ``N =
np.shape(t)``, and ``t`` once, from an elementwise expression of one name
``x`` and numbers, and every other factor of the product is ``x``,
``_rt.conj(x)`` or a number, one of them ``x`` or ``_rt.conj(x)``; the
products around it then multiply ``g`` and their numbers first.  The
adjoint reads ``N`` and ``x`` as they were where ``t`` was computed (the
adjoint's restore discipline), when ``t``'s shape was ``x``'s.

Guarantees: the product has the same shape and values (up to rounding); any
other product is left as it is.

>>> from ..frontend.anf import dump
>>> import numpy as np
>>> from ... import runtime
>>> objs = {"np": np, "_rt": runtime}
>>> def resolve(node):
...     if isinstance(node, gast.Name):
...         return objs.get(node.id)
...     if isinstance(node, gast.Attribute):
...         return getattr(resolve(node.value), node.attr, None)
>>> fwd = gast.parse("t = W * W\nt_shape = np.shape(t)").body
>>> adj = gast.parse("bW = 2 * (_rt.expand_reduced(g, t_shape, None, False) * "
...                  "_rt.conj(W))").body
>>> print(dump(scalar_over_same_shape(adj, fwd, resolve)))
bW = g * 2 * _rt.conj(W)
"""

import gast
import numpy as np

from ... import runtime
from ..ir.fastast import Transformer, walk

__all__ = ["scalar_over_same_shape"]

_ELEMENTWISE = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


def _number(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float)


def _only_name(expr, resolve):
    """The one name an elementwise expression of it and numbers reads, or ``None``."""
    if isinstance(expr, gast.Name):
        return expr.id
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub):
        return _only_name(expr.operand, resolve)
    parts = None
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, _ELEMENTWISE):
        parts = [expr.left, expr.right]
    elif isinstance(expr, gast.Call) and not expr.keywords and \
            isinstance(resolve(expr.func), np.ufunc) and resolve(expr.func).nout == 1:
        parts = expr.args
    if not parts:
        return None
    names = {_only_name(p, resolve) for p in parts if not _number(p)}
    return names.pop() if len(names) == 1 and None not in names else None


def _shape_of(forward, resolve):
    """``{N: x}`` for the forward sweep's ``N = np.shape(t)``, ``t = f(x)``
    (each assigned once; see the module docstring)."""
    stores, value = {}, {}
    for node in (n for stmt in forward for n in walk(stmt)):
        targets = node.targets if isinstance(node, gast.Assign) else \
            [node.target] if isinstance(node, (gast.AugAssign, gast.AnnAssign, gast.For)) \
            else []
        for t in targets:
            for n in walk(t):
                if isinstance(n, gast.Name):
                    stores[n.id] = stores.get(n.id, 0) + 1
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name):
            value[node.targets[0].id] = node.value
    out = {}
    for n, v in value.items():
        if stores.get(n) != 1 or not (isinstance(v, gast.Call) and len(v.args) == 1 and
                                      not v.keywords and resolve(v.func) is np.shape and
                                      isinstance(v.args[0], gast.Name)):
            continue
        t = v.args[0].id
        if stores.get(t) == 1 and t in value:
            x = _only_name(value[t], resolve)
            if x is not None:
                out[n] = x
    return out


def _factors(node):
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _product(factors):
    out = factors[0]
    for f in factors[1:]:
        out = gast.BinOp(left=out, op=gast.Mult(), right=f)
    return out


def scalar_over_same_shape(adjoint, forward, resolve):
    """``adjoint`` with the broadcasts of the module docstring dropped."""
    shapes = _shape_of(forward, resolve)
    if not shapes:
        return adjoint

    def of_x(f, x):     # x or _rt.conj(x)
        if isinstance(f, gast.Name):
            return f.id == x
        return isinstance(f, gast.Call) and len(f.args) == 1 and not f.keywords and \
            resolve(f.func) is runtime.conj and isinstance(f.args[0], gast.Name) and \
            f.args[0].id == x

    def spread(f):      # the x whose shape N is, for expand_reduced(g, N, None, False)
        if isinstance(f, gast.Call) and resolve(f.func) is runtime.expand_reduced and \
                len(f.args) == 4 and not f.keywords and isinstance(f.args[1], gast.Name) and \
                isinstance(f.args[2], gast.Constant) and f.args[2].value is None and \
                isinstance(f.args[3], gast.Constant) and f.args[3].value is False:
            return shapes.get(f.args[1].id)
        return None

    class _Products(Transformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            if not isinstance(node.op, gast.Mult):
                return node
            factors = _factors(node)
            marked = [f for f in factors if getattr(f, "scalar_cotangent", False)]
            numbers = [f for f in factors if _number(f) and f not in marked]
            arrays = [f for f in factors if f not in marked and f not in numbers]
            if marked and arrays:   # (g * 2) * x: one array operation
                return _product(marked + numbers + arrays)
            for i, f in enumerate(factors):
                x = spread(f)
                if x is None:
                    continue
                others = factors[:i] + factors[i + 1:]
                if all(of_x(o, x) or _number(o) for o in others) and \
                        any(of_x(o, x) for o in others):
                    factors[i] = f.args[0]
                    for part in _factors(f.args[0]):   # scalars: products below put them first
                        part.scalar_cotangent = True
                    return _product(factors)
            return node

    return [_Products().visit(stmt) for stmt in adjoint]
