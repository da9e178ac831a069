"""``with`` blocks of context managers other than srcgrad's grad modes.

Guarantee of :func:`lower_with`: every ``with`` left is a single-item
``with`` over a grad mode (which :mod:`.anf` flattens into marked
statements).  Any other ``with A as a, B:`` becomes, one item at a time,

    _ctx = A                         # an ordinary assignment
    if True:                         # node.with_part: a WithPart
        a = _ctx.__enter__()         # stands for the binding ``as a``
        <body>

so the passes see what the block reads and computes: the context manager's
expression goes through the closed world like any call (a manager made from
a value that depends on the differentiated arguments is refused, as is an
``as`` target bound from one, since ``__enter__`` is not something srcgrad
understands); ``a`` is a constant otherwise.  The forward sweep writes the
real ``with _ctx as a:`` back (``reverse.Reverser.block_forward``); the
adjoint is the body's, unconditionally.

A context manager may *suppress* an exception raised in its body, and the
body then stopped part-way, which the adjoint cannot know.  Managers known
never to suppress (:data:`NEVER_SUPPRESS`: ``np.errstate``,
``warnings.catch_warnings``, ...) run as written; for any other, the forward
sweep notes that the body reached its end and, if it did not, raises
``RuntimeError`` after the block (``runtime.suppressed``): loud, never a
wrong gradient.

>>> import gast
>>> from .anf import Namer, dump
>>> src = '''
... def f(x):
...     with timer() as t:
...         y = x * 2
...     return y'''
>>> fn = lower_with(gast.parse(src).body[0], Namer({"x", "y", "t"}), lambda node: None)
>>> print(dump(fn.body))
_ctx = timer()
if True:
    t = _ctx.__enter__()
    y = x * 2
return y
"""

import contextlib
import copy
import warnings

import gast
import numpy as np
from ..ir.fastast import walk as _walk

__all__ = ["lower_with", "WithPart", "NEVER_SUPPRESS", "with_forward"]

#: context managers whose ``__exit__`` never suppresses an exception
NEVER_SUPPRESS = (np.errstate, warnings.catch_warnings, contextlib.nullcontext)


class WithPart:
    """One lowered ``with`` item: the name holding the manager, whether it has
    an ``as`` target, whether it may suppress exceptions, the user line."""

    __slots__ = ("ctx", "has_target", "may_suppress", "line")

    def __init__(self, ctx, has_target, may_suppress, line):
        self.ctx = ctx
        self.has_target = has_target
        self.may_suppress = may_suppress
        self.line = line


def _name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None,
                     type_comment=None)


def _may_suppress(expr, resolve):
    fn = resolve(expr.func) if isinstance(expr, gast.Call) else None
    return not (isinstance(fn, type) and issubclass(fn, NEVER_SUPPRESS))


def _lower(stmt, namer, resolve):
    from .anf import grad_mode_of
    if len(stmt.items) > 1:  # with A, B: ... is with A: with B: ...
        inner = copy.copy(stmt)
        inner.items = stmt.items[1:]
        outer = copy.copy(stmt)
        outer.items = stmt.items[:1]
        outer.body = [inner]
        return _lower(outer, namer, resolve)
    body = _block(namer, resolve, stmt.body)
    if grad_mode_of(stmt, resolve) != (None, None):
        new = copy.copy(stmt)
        new.body = body
        return [new]
    item = stmt.items[0]
    ctx = namer.fresh("_ctx")
    made = gast.Assign(targets=[_name(ctx, True)], value=item.context_expr, type_comment=None)
    gast.copy_location(made, stmt)
    if item.optional_vars is not None:
        enter = gast.Assign(targets=[item.optional_vars], value=gast.Call(
            func=gast.Attribute(value=_name(ctx), attr="__enter__", ctx=gast.Load()),
            args=[], keywords=[]), type_comment=None)
        gast.copy_location(enter, stmt)
        body = [enter] + body
    part = gast.If(test=gast.Constant(value=True, kind=None), body=body or [gast.Pass()],
                   orelse=[])
    gast.copy_location(part, stmt)
    part.with_part = WithPart(ctx, item.optional_vars is not None,
                              _may_suppress(item.context_expr, resolve), stmt.lineno)
    return [made, part]


def _block(namer, resolve, stmts):
    out = []
    for stmt in stmts:
        if isinstance(stmt, gast.With):
            out.extend(_lower(stmt, namer, resolve))
            continue
        if isinstance(stmt, (gast.If, gast.For, gast.While)) and \
                any(isinstance(n, gast.With) for n in _walk(stmt)):
            stmt = copy.copy(stmt)
            stmt.body = _block(namer, resolve, stmt.body)
            stmt.orelse = _block(namer, resolve, stmt.orelse)
        out.append(stmt)
    return out


def lower_with(fn_node, namer, resolve):
    """Return ``fn_node`` with every ``with`` but grad modes lowered."""
    if not any(isinstance(n, gast.With) for n in _walk(fn_node)):
        return fn_node
    new = copy.copy(fn_node)
    new.body = _block(namer, resolve, fn_node.body)
    return new


def with_forward(rev, node):
    """The forward sweep of one lowered ``with`` (``node``: its classified
    ``if True:`` block)."""
    from ..ir.env import assign, attr, call, const, load, store
    part = node.with_part
    line = part.line
    stmts = list(node.blocks[0])
    target = None
    if part.has_target:  # the binding: ``with`` does it
        target = copy.deepcopy(stmts.pop(0).target)
        target.ctx = gast.Store()
    body = rev.block_forward(stmts)
    out = []
    if target is not None and target.id in rev.saved:  # the value ``as`` overwrites
        out.append(gast.Expr(value=call(load(rev.env.state["_push"]), [load(target.id)])))
    done = None
    if part.may_suppress:
        done = rev.namer.fresh("_finished")
        out.append(assign(done, const(False), line))
        body.append(assign(done, const(True), line))
    stmt = gast.With(items=[gast.withitem(context_expr=load(part.ctx), optional_vars=target)],
                     body=body or [gast.Pass()], type_comment=None)
    stmt.user_line = line
    out.append(stmt)
    if done is not None:
        where = "%s:%s" % (rev.info.filename, line)
        check = gast.If(test=gast.UnaryOp(op=gast.Not(), operand=load(done)), body=[gast.Expr(
            value=call(attr(rev.env.runtime(), "suppressed"), [const(where)]))], orelse=[])
        check.user_line = line
        out.append(check)
    return out
