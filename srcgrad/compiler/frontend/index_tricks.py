"""NumPy's index tricks as calls: ``np.r_[a, 0.0, b]`` and ``np.c_[a, b]``.

``np.r_`` and ``np.c_`` are objects whose ``__getitem__`` joins the values
of the index: not data being indexed.  Guarantee of :func:`rewrite`: every
``np.r_[...]``/``np.c_[...]`` whose index is a list of values and of slices
with literal bounds (no directive string such as ``'0,2'``) becomes a call of
the primitive ``index_r([...])``/``index_c([...])`` of ``srcgrad.rules.shape``,
which has a rule; a slice item becomes the ``np.arange`` (``np.linspace`` for
an imaginary step, ``1:5:4j``) NumPy makes of it.  Any other use is left as it
is (and refused by resolve when a differentiated value reaches its index).

>>> import gast, numpy as np
>>> from .anf import dump
>>> fn = gast.parse("def f(x):\\n    return np.r_[x, 0.0]").body[0]
>>> resolve = lambda n: np.r_ if isinstance(n, gast.Attribute) and n.attr == "r_" else None
>>> print(dump(rewrite(fn, resolve, lambda obj, hint: "_" + hint).body))
return _index_r([x, 0.0])
>>> fn = gast.parse("def f(x):\\n    return np.r_[x, 1:7:2, 0:1:3j]").body[0]
>>> print(dump(rewrite(fn, resolve, lambda obj, hint: "_" + hint).body))
return _index_r([x, _arange(1, 7, 2), _linspace(0, 1, 3)])
"""

import gast
import numpy as np

from ..ir.fastast import walk as _walk
from ...rules.shape import index_r, index_c

__all__ = ["rewrite"]

_TRICKS = ((np.r_, index_r), (np.c_, index_c))


def _primitive(node, resolve):
    """The primitive standing for ``node`` (``np.r_``/``np.c_``), or ``None``."""
    if not isinstance(node, (gast.Name, gast.Attribute)):
        return None
    obj = resolve(node)
    return next((fn for trick, fn in _TRICKS if obj is trick), None)


def _literal(node, default):
    """The number a slice bound is written as (``-2`` included), ``default``
    when absent, or ``None`` when it is not a literal."""
    if node is None:
        return default
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _literal(node.operand, None)
        return None if inner is None else -inner
    if isinstance(node, gast.Constant) and isinstance(node.value, (int, float, complex)) and \
            not isinstance(node.value, bool):
        return node.value
    return None


def _range(item, ref):
    """The call NumPy's index tricks make of a slice with literal bounds, or
    ``None``."""
    start, stop, step = (_literal(item.lower, 0), _literal(item.upper, None),
                         _literal(item.step, 1))
    if start is None or stop is None or step is None:
        return None
    if isinstance(step, complex):
        fn, args = np.linspace, [start, stop, int(abs(step))]
    else:
        fn, args = np.arange, [start, stop, step]
    func = gast.Name(id=ref(fn, fn.__name__), ctx=gast.Load(), annotation=None,
                     type_comment=None)
    return gast.Call(func=func, args=[gast.Constant(value=a, kind=None) for a in args],
                     keywords=[])


def _values(index, ref):
    """The items of an index made of values and literal slices (the slices
    as calls), or ``None``."""
    items = []
    for item in index.elts if isinstance(index, gast.Tuple) else [index]:
        if isinstance(item, gast.Slice):
            item = _range(item, ref)
        elif isinstance(item, gast.Constant) and isinstance(item.value, str):
            item = None
        if item is None:
            return None
        items.append(item)
    return items


class _Rewriter(gast.NodeTransformer):
    def __init__(self, resolve, ref):
        self.resolve, self.ref = resolve, ref

    def visit_Subscript(self, node):
        self.generic_visit(node)
        fn = _primitive(node.value, self.resolve)
        items = _values(node.slice, self.ref) if fn is not None and \
            isinstance(node.ctx, gast.Load) else None
        if items is None:
            return node
        func = gast.Name(id=self.ref(fn, fn.__name__), ctx=gast.Load(), annotation=None,
                         type_comment=None)
        call = gast.Call(func=func, args=[gast.List(elts=items, ctx=gast.Load())],
                         keywords=[])
        return gast.copy_location(call, node)


def rewrite(fn_node, resolve, ref):
    """``fn_node`` with the index tricks it uses rewritten to calls (in place)."""
    if not any(isinstance(n, gast.Subscript) and _primitive(n.value, resolve) is not None
               for n in _walk(fn_node)):
        return fn_node
    return _Rewriter(resolve, ref).visit(fn_node)
