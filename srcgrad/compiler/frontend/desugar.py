"""Jumps to flags: ``break``, ``continue`` and early ``return`` become boolean
flags and guarded blocks, so the reverse pass only sees structured code.

Guarantees of :func:`remove_jumps`:

* the function has exactly one ``return``, its last statement;
* no ``continue`` remains, and a ``break`` left in a loop is either the last
  statement of its body, as ``if <flag>: break`` (marked ``exit_check``), so
  every iteration that starts runs its body to the end, or the user's own
  ``if <test>: break`` as the *first* statement of a body with no other jump
  (also marked ``exit_check``): an iteration that breaks there has run
  nothing but the test;
* a body whose first statement is ``if <test>: continue``, its only jump,
  becomes ``if not <test>: <rest of the body>`` (no flag);
* loop ``else`` blocks are gone (run under ``if not <flag>:`` after the loop).

>>> import gast
>>> from .anf import dump, Namer
>>> src = '''
... def f(x):
...     for i in range(3):
...         x = x * 2
...         if x > 2:
...             break
...         x = x + 1
...     return x'''
>>> fn = gast.parse(src).body[0]
>>> print(dump(remove_jumps(fn, Namer({"x", "i"})).body))
_brk = False
for i in range(3):
    _skip = False
    x = x * 2
    if x > 2:
        _brk = True
        _skip = True
    if not _skip:
        x = x + 1
    if _brk:
        break
return x
>>> src = '''
... def f(x):
...     for i in range(3):
...         if x > 2:
...             break
...         x = x * 2
...     return x'''
>>> print(dump(remove_jumps(gast.parse(src).body[0], Namer({"x", "i"})).body))
for i in range(3):
    if x > 2:
        break
    x = x * 2
return x
"""

import copy

import gast
from ..ir.fastast import walk as _walk

__all__ = ["remove_jumps"]


def _name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None,
                     type_comment=None)


def _set(flag, value=True, like=None):
    stmt = gast.Assign(targets=[_name(flag, True)], value=gast.Constant(value=value, kind=None),
                       type_comment=None)
    if like is not None:
        gast.copy_location(stmt, like)
    return stmt


def _not(flag):
    return gast.UnaryOp(op=gast.Not(), operand=_name(flag))


def _has(nodes, kinds, stop_at_loops):
    """Whether ``nodes`` contain a statement of ``kinds`` (not looking inside
    nested loops when ``stop_at_loops``, nor nested functions)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, kinds):
            return True
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
            continue
        if stop_at_loops and isinstance(node, (gast.For, gast.While)):
            stack.extend(node.orelse)
            continue
        stack.extend(n for n in gast.iter_child_nodes(node) if isinstance(n, gast.stmt))
    return False


class _Loop:
    def __init__(self, brk, skip):
        self.brk = brk
        self.skip = skip


class _Remover:
    def __init__(self, namer, needs_return):
        self.namer = namer
        self.loops = []
        self.ret = namer.fresh("_retval") if needs_return else None
        self.done = namer.fresh("_done") if needs_return else None

    def block(self, stmts, guard):
        """Rewrite a block; after a statement that may set ``guard``'s flag,
        wrap the rest of the block in ``if not flag:``."""
        out = []
        for i, stmt in enumerate(stmts):
            new, may_jump = self.stmt(stmt)
            out.extend(new)
            if may_jump and guard is not None and i + 1 < len(stmts):
                rest = self.block(stmts[i + 1:], guard)
                if rest:
                    test = gast.If(test=_not(guard), body=rest, orelse=[])
                    gast.copy_location(test, stmts[i + 1])
                    out.append(test)
                return out
        return out

    def guard(self):
        if self.loops:
            return self.loops[-1].skip
        return self.done

    def stmt(self, stmt):
        """Return ``(new statements, may this set the current guard flag)``."""
        if isinstance(stmt, gast.Break):
            loop = self.loops[-1]
            return [_set(loop.brk, like=stmt), _set(loop.skip, like=stmt)], True
        if isinstance(stmt, gast.Continue):
            return [_set(self.loops[-1].skip, like=stmt)], True
        if isinstance(stmt, gast.Return) and self.ret is not None:
            value = stmt.value if stmt.value is not None else gast.Constant(value=None, kind=None)
            assign = gast.Assign(targets=[_name(self.ret, True)], value=value, type_comment=None)
            gast.copy_location(assign, stmt)
            out = [assign, _set(self.done, like=stmt)]
            for loop in self.loops:
                out += [_set(loop.brk, like=stmt), _set(loop.skip, like=stmt)]
            return out, True
        if isinstance(stmt, gast.If):
            guard = self.guard()
            body = self.block(stmt.body, guard)
            orelse = self.block(stmt.orelse, guard)
            jumps = _has(stmt.body + stmt.orelse, (gast.Break, gast.Continue, gast.Return),
                         stop_at_loops=False)
            new = gast.If(test=stmt.test, body=body or [gast.Pass()], orelse=orelse)
            gast.copy_location(new, stmt)
            return [new], jumps
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt)
        if isinstance(stmt, (gast.With,)):
            new = copy.copy(stmt)
            new.body = self.block(stmt.body, self.guard())
            return [new], _has(stmt.body, (gast.Break, gast.Continue, gast.Return), False)
        return [stmt], False

    def loop(self, stmt):
        jumps = _has(stmt.body, (gast.Break, gast.Continue), stop_at_loops=True)
        returns = _has(stmt.body, (gast.Return,), stop_at_loops=False)
        lead = _leading_jump(stmt) if jumps and not returns else None
        if lead is not None:   # the user's structure, no flags
            new = copy.copy(stmt)
            rest = self.block(stmt.body[1:], None)
            if isinstance(lead.body[0], gast.Break):
                check = gast.If(test=lead.test, body=[gast.Break()], orelse=[])
                check.exit_check = True
                new.body = [gast.copy_location(check, lead)] + rest
            else:
                skip = gast.If(test=gast.UnaryOp(op=gast.Not(), operand=lead.test),
                               body=rest or [gast.Pass()], orelse=[])
                new.body = [gast.copy_location(skip, lead)]
            new.orelse = []
            return [new], False
        if not jumps and not returns:
            new = copy.copy(stmt)
            new.body = self.block(stmt.body, None)
            new.orelse = []
            out = [new] + self.block(stmt.orelse, self.guard())
            return out, False
        brk = self.namer.fresh("_brk")
        skip = self.namer.fresh("_skip")
        self.loops.append(_Loop(brk, skip))
        body = [_set(skip, False, like=stmt)] + self.block(stmt.body, skip)
        self.loops.pop()
        exit_check = gast.If(test=_name(brk), body=[gast.Break()], orelse=[])
        exit_check.exit_check = True
        gast.copy_location(exit_check, stmt)
        new = copy.copy(stmt)
        new.body = body + [exit_check]
        new.orelse = []
        out = [_set(brk, False, like=stmt), new]
        if stmt.orelse:
            orelse = gast.If(test=_not(brk), body=self.block(stmt.orelse, self.guard()),
                             orelse=[])
            gast.copy_location(orelse, stmt)
            out.append(orelse)
        return out, returns


def _leading_jump(loop):
    """The loop's first statement when it is ``if <test>: break`` or ``if
    <test>: continue`` and the loop's only jump (no ``else`` on the loop): it
    stays as written.  The test must compute nothing a later statement reads
    (no ``:=``, no call of a call's result), so an iteration that breaks
    there has run nothing the adjoint replays."""
    if loop.orelse or not loop.body:
        return None
    first = loop.body[0]
    if not (isinstance(first, gast.If) and not first.orelse and len(first.body) == 1 and
            isinstance(first.body[0], (gast.Break, gast.Continue))):
        return None
    if _has(loop.body[1:], (gast.Break, gast.Continue), stop_at_loops=True):
        return None
    for n in _walk(first.test):
        if isinstance(n, (gast.NamedExpr, gast.Lambda, gast.Yield, gast.Await)) or \
                isinstance(n, gast.Call) and not _static_chain(n.func):
            return None
    return first


def _static_chain(node):
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name)


def remove_jumps(fn_node, namer):
    """Return a copy of ``fn_node`` without early returns, ``break`` (but for
    the exit checks) or ``continue``."""
    body = fn_node.body
    returns = [n for n in _walk(fn_node) if isinstance(n, gast.Return)]
    early = len(returns) > 1 or (returns and body and body[-1] is not returns[0])
    jumps = _has(body, (gast.Break, gast.Continue), stop_at_loops=False)
    if not early and not jumps:
        return fn_node
    remover = _Remover(namer, bool(early))
    new = copy.copy(fn_node)
    if early:
        init = [gast.Assign(targets=[_name(remover.ret, True)],
                            value=gast.Constant(value=None, kind=None), type_comment=None),
                _set(remover.done, False)]
        for s in init:
            gast.copy_location(s, body[0])
        new.body = init + remover.block(body, remover.done)
        ret = gast.Return(value=_name(remover.ret))
        gast.copy_location(ret, returns[-1])
        new.body.append(ret)
    else:
        new.body = remover.block(body, None)
    return new
