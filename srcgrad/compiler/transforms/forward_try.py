"""Forward mode through ``try`` statements with ``except`` clauses.

A lowered ``try`` (:mod:`.trycatch`) is written back as the real statement
by :func:`.trycatch.try_forward`, which asks the transform for each part's
statements in order: the protected body, each handler, ``else``,
``finally``.  Two things make tangents there exact:

* **The user's handlers see only the user's exceptions.**  In the body,
  every tangent statement runs under ``with _rt.tangent_code:``, which turns
  an exception into :class:`srcgrad.runtime.TangentError` (a
  ``BaseException``, as ``KeyboardInterrupt`` is), so a tangent that fails
  (``1 / (2 * sqrt(0.0))``) leaves the function loudly instead of sending the
  JVP down a handler the function did not take.  A user function called
  there is compiled *guarded* (all its tangent statements so wrapped); what
  cannot be guarded (a callee known only at run time, the tape, a
  ``custom_jvp``, recursion) and handlers catching ``BaseException`` (bare
  ``except:``) are refused.
* **A handler starts from any prefix of the body.**  Each statement writes
  its value and its tangent together (the fence allows only simple
  statements in such a body), so they agree wherever the body stopped, once
  no tangent is dropped on the way: the names the body gives tangents are
  materialised before the ``try``, a body statement that makes one constant
  sets its tangent to zeros, and a handler starts from the body's last state
  with only the tangents owned before the ``try`` still owned.  After the
  statement, tangents are merged as after an ``if``: zeros where a handler
  (or the no-exception path) left one undefined.
"""

import gast

from ..analysis.activity import targets_of
from ..ir.ops import walk_ops
from ..frontend.trycatch import try_forward

__all__ = ["try_statement", "TryState"]


class TryState:
    """What one ``try``'s parts hand each other while they are generated."""

    def __init__(self, parts):
        self.plan = {id(p.blocks[0]): p.try_part for p in parts}
        self.start_owned = None
        self.body_end = None
        self.ends = []        # (part kind, handler index, state at its end)
        self.fixes = {}       # (kind, index) -> materialising statements
        self.merged = False

    def part(self, fwd, part, nodes):
        kind = part.kind
        if kind == "body":
            if self.start_owned is None:
                self.start_owned = set(fwd.owned)
            saved = fwd.guard, fwd.keep
            fwd.guard, fwd.keep = True, True
            try:
                return fwd.block(nodes)
            finally:
                fwd.guard, fwd.keep = saved
        if self.body_end is None:
            self.body_end = fwd._state()
        if kind in ("handler", "else"):
            has, owned, bound = self.body_end
            if kind == "handler":   # the body may have stopped anywhere
                owned = owned & self.start_owned
            fwd._set((has, owned, bound))
            out = fwd.block(nodes)
            self.ends.append((kind, part.index, fwd._state()))
            return out
        self.merge(fwd)           # finally: after whichever path ran
        return fwd.block(nodes)

    def merge(self, fwd):
        if self.merged:
            return
        self.merged = True
        if self.body_end is None:
            self.body_end = fwd._state()
        ends = list(self.ends)
        if not any(kind == "else" for kind, _, _ in ends):
            ends.append(("else", None, self.body_end))   # no exception, no else clause
        has = set().union(*(h for _, _, (h, _, _) in ends))
        owned = set.intersection(*(set(o) for _, _, (_, o, _) in ends))
        bound = set.intersection(*(set(b) for _, _, (_, _, b) in ends))
        for kind, index, (h, _, b) in ends:
            missing = sorted((has - h) & b)
            if missing:
                self.fixes[(kind, index)] = fwd.materialise(missing)
        fwd.has, fwd.owned, fwd.bound = has, owned, bound


def try_statement(fwd, parts):
    """The statements of one lowered ``try`` (see the module docstring)."""
    group = parts[0].try_part.group
    if not group.handlers or not _computes(fwd, parts):
        return try_forward(fwd, parts)     # exact in order: an exception leaves the function
    where = {p.try_part.index: p.stmt for p in parts if p.try_part.kind == "handler"}
    for i, handler in enumerate(group.handlers):
        caught = [handler.type] if not isinstance(handler.type, gast.Tuple) else \
            handler.type.elts
        if handler.type is None or any(fwd.env.resolve(c) in (BaseException, GeneratorExit,
                                                              KeyboardInterrupt, SystemExit)
                                       for c in caught):
            fwd.refuse(where.get(i, parts[0].stmt), "an except clause that catches BaseException (or a bare "
                       "except:) around values depending on the differentiated arguments")
    line = group.line
    body_targets = {t for p in parts if p.try_part.kind == "body"
                    for op in walk_ops(p.blocks[0]) for t in _written(op)
                    if t in fwd.facts.active}
    pre = fwd.materialise(sorted((body_targets - fwd.has) & fwd.bound), line)
    state = TryState(parts)
    fwd.try_states.append(state)
    try:
        out = try_forward(fwd, parts)
        state.merge(fwd)
    finally:
        fwd.try_states.pop()
    stmt = next(s for s in out if isinstance(s, gast.Try))
    for (kind, index), stmts in sorted(state.fixes.items(), key=lambda kv: (
            kv[0][0], -1 if kv[0][1] is None else kv[0][1])):
        if kind == "handler":
            stmt.handlers[index].body.extend(stmts)
        else:
            stmt.orelse = list(stmt.orelse) + stmts
    return pre + out


def _written(op):
    if op.kind in ("setitem", "append"):
        return [op.target.id]
    return targets_of(op)


def _computes(fwd, parts):
    """Whether a part of the ``try`` defines or changes a tangent."""
    return any(any(t in fwd.facts.active for t in _written(op))
               for p in parts for op in walk_ops(p.blocks[0]))


def guarded(fwd, out, primal):
    """``out`` with the statements that are not ``primal`` (the tangent
    statements) under ``with _rt.tangent_code:``, consecutive ones together."""
    result, run = [], []

    def flush():
        if run:
            stmt = gast.With(items=[gast.withitem(
                context_expr=gast.Attribute(value=gast.Name(
                    id=fwd.env.runtime(), ctx=gast.Load(), annotation=None,
                    type_comment=None), attr="tangent_code", ctx=gast.Load()),
                optional_vars=None)], body=list(run), type_comment=None)
            stmt.user_line = getattr(run[0], "user_line", None)
            result.append(stmt)
            run.clear()
    for s in out:
        if any(s is p for p in primal):
            flush()
            result.append(s)
        else:
            run.append(s)
    flush()
    return result

