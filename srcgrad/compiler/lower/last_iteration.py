r"""The last iteration of an adjoint loop skips what only the next one reads.

In ``for W, b in params: x = np.tanh(x @ W + b)`` differentiated with respect
to ``params`` only, each adjoint iteration ends with ``bx = g @ W.T``, read by
the next adjoint iteration; after the last one (the first layer) nothing reads
``bx``: it is the cotangent of the data.  A hand-written backward skips that
product, which costs as much as the first layer's weight gradient.  This pass
wraps such statements in ``if i != r.start:`` (the adjoint loop runs ``for i in
reversed(r)`` over a ``range``, whose last adjoint iteration is ``r.start``).

A statement qualifies when it is, directly in the body of a top-level adjoint
loop ``for i in reversed(r)`` (``r`` assigned once, from ``range(...)``, in the
forward sweep), an assignment of one name that nothing reads after the loop
(later statements, the results) nor later in the body, and its value calls
only pure functions (no ``_pop``, no in-place helper).

Guarantees: every other iteration runs the same statements; in the last one,
the skipped names keep a value nothing reads.

>>> from ..frontend.anf import dump
>>> fwd = gast.parse("r = range(n)").body
>>> adj = gast.parse("for i in reversed(r):\n    bW = g * x\n    bx = g * W\n"
...                  "bp = bW").body
>>> print(dump(skip_last_iteration(adj, fwd, {"bp"}, lambda call: True)))
for i in reversed(r):
    bW = g * x
    if i != r.start:
        bx = g * W
bp = bW
"""

import gast

from ..ir.fastast import walk

__all__ = ["skip_last_iteration"]

#: helpers that write into their first argument (runtime's, mutation rules'), by
#: their name without leading underscores
_IN_PLACE = frozenset({"add_at", "restore", "zero_at_inplace"})


def _loads(nodes):
    return {n.id for node in nodes for n in walk(node)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}


def _ranges(forward, range_name):
    """Names assigned exactly once in the forward sweep, from ``range(...)``."""
    count, ranges = {}, set()
    for node in (n for stmt in forward for n in walk(stmt)):
        targets = node.targets if isinstance(node, gast.Assign) else \
            [node.target] if isinstance(node, (gast.AugAssign, gast.For)) else []
        for t in targets:
            for n in walk(t):
                if isinstance(n, gast.Name):
                    count[n.id] = count.get(n.id, 0) + 1
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Call) \
                and isinstance(node.value.func, gast.Name) and \
                node.value.func.id == range_name:
            ranges.add(node.targets[0].id)
    return {r for r in ranges if count.get(r) == 1}


def _pure_value(value, pure):
    for n in walk(value):
        if isinstance(n, gast.Call):
            func = n.func
            name = func.attr if isinstance(func, gast.Attribute) else \
                func.id if isinstance(func, gast.Name) else None
            if name is None or name.lstrip("_") in _IN_PLACE or not pure(n):
                return False
    return True


def skip_last_iteration(adjoint, forward, results, pure, names=None):
    """See the module docstring.  ``results``: the names read after the
    adjoint (the gradients); ``pure(call)``: whether a call has no effect;
    ``names``: what ``reversed`` and ``range`` are called in this function."""
    names = names or {"reversed": "reversed", "range": "range"}
    ranges = None
    out = []
    for k, stmt in enumerate(adjoint):
        if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name) and \
                isinstance(stmt.iter, gast.Call) and isinstance(stmt.iter.func, gast.Name) and \
                stmt.iter.func.id == names["reversed"] and len(stmt.iter.args) == 1 and \
                isinstance(stmt.iter.args[0], gast.Name):
            if ranges is None:
                ranges = _ranges(forward, names["range"])
            r = stmt.iter.args[0].id
            stored = {n.id for b in stmt.body for n in walk(b)
                      if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
            if r in ranges and stmt.target.id not in stored and r not in stored:
                live = set(results) | _loads(adjoint[k + 1:])
                stmt.body = _guard(stmt.body, stmt.target.id, r, live, pure)
        out.append(stmt)
    return out


def _guard(body, index, r, live, pure):
    later = set()          # names read at or after each position, walking back
    skip = [False] * len(body)
    for p in range(len(body) - 1, -1, -1):
        stmt = body[p]
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name):
            v = stmt.targets[0].id
            if v not in live and v not in later and v != index and \
                    _pure_value(stmt.value, pure):
                skip[p] = True
        later |= _loads([stmt])
    if not any(skip):
        return body
    test = gast.Compare(left=gast.Name(id=index, ctx=gast.Load(), annotation=None,
                                       type_comment=None), ops=[gast.NotEq()],
                        comparators=[gast.Attribute(value=gast.Name(
                            id=r, ctx=gast.Load(), annotation=None, type_comment=None),
                            attr="start", ctx=gast.Load())])
    out, run = [], []
    for stmt, s in zip(body, skip):
        if s:
            run.append(stmt)
            continue
        if run:
            out.append(_if(test, run))
            run = []
        out.append(stmt)
    if run:
        out.append(_if(test, run))
    return out


def _if(test, stmts):
    node = gast.If(test=test, body=stmts, orelse=[])
    node.user_line = getattr(stmts[0], "user_line", None)
    return node
