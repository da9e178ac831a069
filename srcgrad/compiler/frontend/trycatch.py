"""``try`` statements as guarded blocks that record what ran.

Guarantee of :func:`lower_try`: no ``gast.Try`` is left.  Each ``try``
becomes a run of ``if`` statements that the later passes handle like any
other branch, each tagged with a :class:`TryPart` (``node.try_part``) saying
which part of which ``try`` it stands for:

* one ``if _ran: S`` per top-level statement ``S`` of the protected body,
  where ``_ran`` is a flag set to ``False`` before the ``try`` (when there is
  no ``except`` clause, the test is ``True``: an exception leaves the
  function, and there is no adjoint to run);
* one ``if _caught: H`` per ``except`` clause;
* ``if <flag of the last statement>: E`` for the ``else`` clause, and
  ``if True: F`` for ``finally``.

Read as data flow, this run is a sound over-approximation of every way the
``try`` can run (any prefix of the body, then perhaps one handler): analyses
see every value that may flow.  The forward sweep writes the real ``try``
back (``reverse.Reverser.block_forward``), setting ``_ran = True`` after each
statement and ``_caught = True`` first in each handler; the adjoint sweep is
the adjoint of the ``if`` run, so it reverses exactly the statements that
completed, then the handler that ran.

Partial execution is exact because the fence (:mod:`.fence`) lets only
*simple* statements into a body with ``except`` clauses: assignments to a
name, a subscript or a tuple of names, expression statements, ``assert`` and
``raise``.  Such a statement writes nothing the rest of the function can see
before its last operation, so a statement interrupted by an exception left
only temporaries behind, which nothing reads.  What it pushed on the stack of
saved values is dropped in the handler (``del _stack[_sp:]``, ``_sp`` being
the stack's length after the last statement that completed).

>>> import gast
>>> from .anf import Namer, dump
>>> src = '''
... def f(K):
...     try:
...         L = chol(K)
...     except LinAlgError:
...         L = chol(K + 1.0)
...     return L'''
>>> fn = lower_try(gast.parse(src).body[0], Namer({"K", "L", "chol"}))
>>> print(dump(fn.body))
_ran = False
_caught = False
if _ran:
    L = chol(K)
if _caught:
    L = chol(K + 1.0)
return L
"""

import copy

import gast
from ..ir.fastast import walk as _walk

__all__ = ["lower_try", "TryPart", "TryGroup"]


class TryGroup:
    """One ``try`` statement: its handlers (``gast.ExceptHandler`` with empty
    bodies: type and name only) and the user line."""

    __slots__ = ("handlers", "line", "has_else", "has_finally")

    def __init__(self, handlers, line, has_else, has_finally):
        self.handlers = handlers
        self.line = line
        self.has_else = has_else
        self.has_finally = has_finally


class TryPart:
    """``kind`` is ``"body"``, ``"handler"``, ``"else"`` or ``"finally"``;
    ``index`` the handler's position for ``"handler"``."""

    __slots__ = ("group", "kind", "index")

    def __init__(self, group, kind, index=None):
        self.group = group
        self.kind = kind
        self.index = index


def _name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None,
                     type_comment=None)


def _part(test, body, part, like):
    node = gast.If(test=test, body=body or [gast.Pass()], orelse=[])
    gast.copy_location(node, like)
    node.try_part = part
    return node


def _flag(name, like):
    stmt = gast.Assign(targets=[_name(name, True)], value=gast.Constant(value=False, kind=None),
                       type_comment=None)
    gast.copy_location(stmt, like)
    return stmt


def _lower(stmt, namer):
    group = TryGroup([gast.ExceptHandler(type=h.type, name=h.name, body=[])
                      for h in stmt.handlers], stmt.lineno, bool(stmt.orelse),
                     bool(stmt.finalbody))
    out, parts = [], []
    last = gast.Constant(value=True, kind=None)
    for s in stmt.body:
        if stmt.handlers:
            flag = namer.fresh("_ran")
            out.append(_flag(flag, stmt))
            last = _name(flag)
        parts.append(_part(copy.deepcopy(last), _block(namer, [s]), TryPart(group, "body"), s))
    for i, h in enumerate(stmt.handlers):
        flag = namer.fresh("_caught")
        out.append(_flag(flag, stmt))
        parts.append(_part(_name(flag), _block(namer, h.body), TryPart(group, "handler", i), h))
    if stmt.orelse:
        parts.append(_part(copy.deepcopy(last), _block(namer, stmt.orelse),
                           TryPart(group, "else"), stmt.orelse[0]))
    if stmt.finalbody:
        parts.append(_part(gast.Constant(value=True, kind=None), _block(namer, stmt.finalbody),
                           TryPart(group, "finally"), stmt.finalbody[0]))
    return out + parts


def _block(namer, stmts):
    out = []
    for stmt in stmts:
        if isinstance(stmt, gast.Try):
            out.extend(_lower(stmt, namer))
            continue
        if isinstance(stmt, (gast.If, gast.For, gast.While, gast.With)) and \
                any(isinstance(n, gast.Try) for n in _walk(stmt)):
            stmt = copy.copy(stmt)
            stmt.body = _block(namer, stmt.body)
            if hasattr(stmt, "orelse"):
                stmt.orelse = _block(namer, stmt.orelse)
        out.append(stmt)
    return out


def lower_try(fn_node, namer):
    """Return ``fn_node`` with every ``try`` lowered (the same node if it has none)."""
    if not any(isinstance(n, gast.Try) for n in _walk(fn_node)):
        return fn_node
    new = copy.copy(fn_node)
    new.body = _block(namer, fn_node.body)
    return new


def _pushes(rev, stmts):
    push = rev.env.state["_push"]
    return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == push
               for s in stmts for n in _walk(s))


def try_forward(rev, parts):
    """The forward sweep of one lowered ``try`` (``parts``: its classified
    ``if`` blocks, in order): the real ``try`` statement, recording in the
    flags which statements completed and which handler ran."""
    from ..ir.env import assign, call, const, load, store
    group = parts[0].try_part.group
    line = group.line
    stack = rev.env.state["_stack"]
    bodies = [(p, rev.block_forward(p.blocks[0])) for p in parts if p.try_part.kind == "body"]
    sp = None
    if group.handlers and any(_pushes(rev, fwd) for _, fwd in bodies):
        sp = rev.namer.fresh("_sp")
    out = []
    if sp is not None:
        out.append(assign(sp, call(load(rev.env.builtin("len")), [load(stack)]), line))
    body = []
    for part, fwd in bodies:
        body.extend(fwd)
        if isinstance(part.test, gast.Name):
            body.append(assign(part.test.id, const(True), line))
            if sp is not None and _pushes(rev, fwd):
                body.append(assign(sp, call(load(rev.env.builtin("len")), [load(stack)]), line))
    handlers = []
    for part in parts:
        if part.try_part.kind != "handler":
            continue
        h = group.handlers[part.try_part.index]
        hbody = []
        if sp is not None:  # what the interrupted statement pushed
            hbody.append(gast.Delete(targets=[gast.Subscript(
                value=load(stack), slice=gast.Slice(lower=load(sp), upper=None, step=None),
                ctx=gast.Del())]))
        hbody.append(assign(part.test.id, const(True), line))
        hbody.extend(rev.block_forward(part.blocks[0]))
        handlers.append(gast.ExceptHandler(type=copy.deepcopy(h.type),
                                           name=copy.deepcopy(h.name), body=hbody))
    orelse, final = [], []
    for part in parts:
        if part.try_part.kind == "else":
            orelse = rev.block_forward(part.blocks[0])
        elif part.try_part.kind == "finally":
            final = rev.block_forward(part.blocks[0]) or [gast.Pass()]
    stmt = gast.Try(body=body or [gast.Pass()], handlers=handlers, orelse=orelse,
                    finalbody=final)
    stmt.user_line = line
    for s in out + body + final + orelse:
        if getattr(s, "user_line", None) is None:
            s.user_line = line
    return out + [stmt]
