"""The items function of a generator: its body, returning a list of what it yields.

``yield v`` becomes ``_items.append(v)``, ``yield from it`` a loop that
appends, ``return`` becomes ``return _items``.  With ``limited=True`` the
function takes a keyword ``_limit`` and returns as soon as it holds that many
items (before it starts, if ``_limit`` is 0), which is exactly how far Python
runs a generator that ``zip`` pulls ``_limit`` times.  The function is compiled
like any user function; its :class:`~.parse.FunctionInfo` keeps the
generator's file and lines, so its errors point at the generator.

>>> from .parse import parse_function
>>> def batches(x, n):
...     for i in range(n):
...         yield x[i] * 2.0
>>> twin = items_function(batches, parse_function(batches), limited=True)
>>> print(codegen.to_source(twin.__srcgrad_info__.node))
def batches_list(x, n, *, _limit):
    _items = []
    if _limit <= 0:
        return _items
    for i in range(n):
        _items.append(x[i] * 2.0)
        if len(_items) == _limit:
            return _items
    return _items
<BLANKLINE>
>>> twin([0.0, 1.0, 2.0, 3.0], 3, _limit=2)
[0.0, 2.0]
"""

import copy
import weakref

import gast

from ..ir.fastast import walk as _walk
from ..backends import codegen
from ..ir.env import attr, call, const, load, store
from .parse import FunctionInfo

__all__ = ["items_function"]

_ITEMS_ATTR = "__srcgrad_items__"


def items_function(gen, info, limited):
    """The list-returning twin of the generator function ``gen`` (parsed as
    ``info``), cached on ``gen``; ``limited`` adds the keyword ``_limit``."""
    entry = gen.__dict__.get(_ITEMS_ATTR)
    if entry is None or entry[0]() is not gen:
        entry = (weakref.ref(gen), {})
        gen.__dict__[_ITEMS_ATTR] = entry
    hit = entry[1].get(limited)
    if hit is None:
        hit = entry[1][limited] = _build(gen, info, limited)
    return hit


def _build(gen, info, limited):
    node = copy.deepcopy(info.node)
    taken = {n.id for n in _walk(node) if isinstance(n, gast.Name)}
    taken |= {a.id for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs}
    items = _fresh("_items", taken)
    limit = _fresh("_limit", taken) if limited else None
    node.name = node.name + "_list"
    node.decorator_list = []
    node.returns = None
    body = _block(info, node.body, items, limit, taken)
    head = [_at(node.body[0], gast.Assign(targets=[store(items)], value=gast.List(
        elts=[], ctx=gast.Load()), type_comment=None))]
    if limited:   # zip may never pull: then the generator never starts
        head.append(_at(node.body[0], gast.If(
            test=gast.Compare(left=load(limit), ops=[gast.LtE()], comparators=[const(0)]),
            body=[_at(node.body[0], gast.Return(value=load(items)))], orelse=[])))
        node.args.kwonlyargs.append(store(limit))
        node.args.kw_defaults.append(None)
        for a in node.args.kwonlyargs[-1:]:
            a.ctx = gast.Param()
    last = node.body[-1]
    node.body = head + body + [_at(last, gast.Return(value=load(items)))]
    src = codegen.to_source(node)
    local = {}
    exec(compile(src, info.filename, "exec"), info.globals, local)
    fn = local[node.name]
    fn.__defaults__ = gen.__defaults__
    fn.__kwdefaults__ = dict(gen.__kwdefaults__ or {}) or None
    fn.__qualname__ = getattr(gen, "__qualname__", gen.__name__) + "_list"
    sub = FunctionInfo(fn, node, info.filename, info.lines)
    sub.closure = dict(info.closure)
    sub.cells = dict(getattr(info, "cells", {}) or {})
    sub.globals = info.globals
    fn.__srcgrad_info__ = sub
    fn.__srcgrad_limit__ = limit
    fn.__srcgrad_generator__ = weakref.ref(gen)
    return fn


def _fresh(base, taken):
    name, k = base, 1
    while name in taken:
        k += 1
        name = "%s_%d" % (base, k)
    taken.add(name)
    return name


def _at(src, node):
    return gast.copy_location(node, src)


def _append(items, value, src):
    return _at(src, gast.Expr(value=call(attr(items, "append"), [value])))


def _stop_at_limit(items, limit, src):
    test = gast.Compare(left=call(load("len"), [load(items)]), ops=[gast.Eq()],
                        comparators=[load(limit)])
    return _at(src, gast.If(test=test, body=[_at(src, gast.Return(value=load(items)))],
                            orelse=[]))


def _block(info, body, items, limit, taken):
    out = []
    for stmt in body:
        out.extend(_stmt(info, stmt, items, limit, taken))
    return out


def _stmt(info, stmt, items, limit, taken):
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Yield):
        value = stmt.value.value if stmt.value.value is not None else const(None)
        _no_yield_in(info, value)
        out = [_append(items, value, stmt)]
        if limit:
            out.append(_stop_at_limit(items, limit, stmt))
        return out
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.YieldFrom):
        _no_yield_in(info, stmt.value.value)
        v = _fresh("_item", taken)
        loop_body = [_append(items, load(v), stmt)]
        if limit:
            loop_body.append(_stop_at_limit(items, limit, stmt))
        return [_at(stmt, gast.For(target=store(v), iter=stmt.value.value, body=loop_body,
                                   orelse=[], type_comment=None))]
    if isinstance(stmt, gast.Return):
        if stmt.value is not None and not (isinstance(stmt.value, gast.Constant) and
                                           stmt.value.value is None):
            raise info.error(stmt, "a generator's return value (return <value>) is not "
                             "supported by the compiler",
                             'return nothing, or use mode="tape" (or mode="auto")')
        return [_at(stmt, gast.Return(value=load(items)))]
    if isinstance(stmt, gast.FunctionDef):
        return [stmt]   # its yields are its own
    for field in ("body", "orelse", "finalbody"):
        if isinstance(getattr(stmt, field, None), list):
            setattr(stmt, field, _block(info, getattr(stmt, field), items, limit, taken))
    for sub in gast.iter_child_nodes(stmt):
        if not isinstance(sub, gast.stmt) and not isinstance(sub, list):
            _no_yield_in(info, sub)
    return [stmt]


def _no_yield_in(info, node):
    for n in _walk(node):
        if isinstance(n, (gast.Yield, gast.YieldFrom)):
            raise info.error(n, "'yield' used as a value (x = yield v, or inside an "
                             "expression) is not supported by the compiler",
                             "write 'yield v' as a statement, or use mode=\"tape\" (or "
                             "mode=\"auto\")")
