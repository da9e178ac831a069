"""Broadcasts of a scalar cotangent left out where every use broadcasts anyway.

The cotangent of a full reduction (``np.sum(u)``, ``np.mean(u)``) is its
scalar cotangent spread over ``u``'s shape: ``_bt = _rt.expand_reduced(g *
0.03125, (32, 1), None, False)``.  :func:`.optimize.scalars_first` drops
such a broadcast inside one product; :func:`scalar_cotangents` drops it
when the broadcast is a statement of its own whose every use is a factor of
a product whose other factors have that shape already: ``_bt = g * 0.03125``,
then ``bout = _bt * dout * 2`` is the same array (up to rounding; a
``float32`` product stays ``float32`` instead of being promoted by a
``float64`` broadcast, and the engine gives every gradient its argument's
dtype in the end).

>>> import gast
>>> from ..frontend.anf import dump
>>> from ... import runtime
>>> body = gast.parse("_bt3 = expand(g * 0.5, (4, 1), None, False)\\n"
...                   "bo = _bt3 * d * 2\\nbt = _bt3 * t").body
>>> shapes = {"g": (), "d": (4, 1), "t": (4, 1)}
>>> resolve = lambda f: runtime.expand_reduced if getattr(f, "id", "") == "expand" else None
>>> print(dump(scalar_cotangents(body, shapes.get, resolve, runtime.expand_reduced)))
_bt3 = g * 0.5
bo = _bt3 * 2 * d
bt = _bt3 * t
"""

import re

import gast

from .optimize import _factors, _product, expr_shape, scalars_first

__all__ = ["scalar_cotangents"]

_ADJOINT_TEMP = re.compile(r"^_bt\d+$")


def scalar_cotangents(stmts, shape_of, resolve, expand):
    """``stmts`` (a function's top-level statement list) with the top-level
    broadcasts ``_btN = expand(c, S, None, False)`` of a scalar ``c`` written
    ``_btN = c`` where ``_btN`` is assigned nowhere else and every read of it
    is a factor of a product whose other factors have shape ``S``; the
    products reading them then multiply their scalar factors first."""
    candidates = {}
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and \
                _ADJOINT_TEMP.match(stmt.targets[0].id):
            found = _scalar_broadcast(stmt.value, shape_of, resolve, expand)
            if found is not None:
                candidates[stmt.targets[0].id] = (i,) + found
    if not candidates:
        return stmts
    stores, fits = {}, {n: True for n in candidates}
    for stmt in stmts:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Name) and node.id in candidates and \
                    not isinstance(node.ctx, gast.Load):
                stores[node.id] = stores.get(node.id, 0) + 1
        _uses(stmt, candidates, fits, shape_of, resolve)
    out = list(stmts)
    scalars = set()
    for name, (i, c, _) in candidates.items():
        if fits[name] and stores.get(name) == 1:
            new = gast.Assign(targets=out[i].targets, value=c, type_comment=None)
            new.user_line = getattr(out[i], "user_line", None)
            out[i] = new
            scalars.add(name)
    if not scalars:
        return out

    def scalar_shape(name):     # the scalars are factors now: put them first
        return () if name in scalars else shape_of(name)
    return [scalars_first(s, scalar_shape, resolve, expand) for s in out]


def _scalar_broadcast(value, shape_of, resolve, expand):
    """``(c, S)`` if ``value`` is ``expand(c, S, None, False)`` with ``c`` a
    scalar and ``S`` a literal shape."""
    if not (isinstance(value, gast.Call) and resolve(value.func) is expand and
            len(value.args) == 4 and not value.keywords):
        return None
    c, shape, axis, keep = value.args
    if isinstance(shape, gast.Tuple) and all(isinstance(e, gast.Constant) for e in shape.elts):
        shape = tuple(e.value for e in shape.elts)
    elif isinstance(shape, gast.Constant) and isinstance(shape.value, tuple):
        shape = shape.value
    else:
        return None
    if not (all(type(n) is int for n in shape) and isinstance(axis, gast.Constant) and
            axis.value is None and isinstance(keep, gast.Constant) and keep.value is False):
        return None
    return (c, shape) if expr_shape(c, shape_of, resolve) == () else None


def _uses(stmt, candidates, fits, shape_of, resolve):
    """Mark in ``fits`` the candidates ``stmt`` reads other than as a factor
    of a product of the full shape."""
    factor_reads = set()
    for node in gast.walk(stmt):
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
            factors = _factors(node)
            for k, f in enumerate(factors):
                if isinstance(f, gast.Name) and f.id in candidates and fits[f.id]:
                    others = factors[:k] + factors[k + 1:]
                    shape = expr_shape(_product(others), shape_of, resolve) if others else None
                    if shape == candidates[f.id][2]:
                        factor_reads.add(id(f))
    for node in gast.walk(stmt):
        if isinstance(node, gast.Name) and node.id in candidates and \
                isinstance(node.ctx, gast.Load) and id(node) not in factor_reads:
            fits[node.id] = False
