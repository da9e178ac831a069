"""Early loop exits the adjoint cannot skip: back to a guarded body.

:mod:`..frontend.desugar` keeps a loop's leading ``if c: break`` as written,
and the reverse transform counts only the iterations that pass it
(``_n = _n + 1`` right after the check), so the iteration that breaks is not
replayed.  That is right only when what that iteration ran before the check
-- the statements computing ``c``, an element read ``v = seq[k]`` of a
``for v in seq`` -- left nothing the adjoint must undo: no value pushed on
the saved-value stack, no container written, no call's pullback.  Their
cotangents from that iteration are zero (only the test, which has no
gradient, read them), so skipping their adjoints loses nothing.

:func:`guard_early_exits` checks that for every such loop; where it does not
hold it rewrites the body ``pre; if c: break; post`` as
``pre; _t = not c; if _t: post; if c: break`` with the counter first again:
every iteration that starts is replayed, and ``post`` under the same test it
ran under (no flag variables).

Guarantee: after it, every early exit check left in a loop is preceded only by
operations whose targets are read by nothing but the check and the operations
before it, or are taken again by the adjoint (``recompute``, see
:mod:`..lower.remat`).
"""

import gast

from ..ir.env import assign, load
from ..ir.ops import Compound, classify

__all__ = ["guard_early_exits"]


def guard_early_exits(tree, recompute, namer, resolve):
    """Rewrite the loops of ``tree`` (in place) whose early exit the adjoint
    cannot skip; return how many were rewritten."""
    changed = 0
    everywhere = {}
    for node in tree:
        _count(node, everywhere)
    for node in list(_loops(tree)):
        body = node.blocks[0]
        at = next((k for k, n in enumerate(body[:-1])
                   if isinstance(n, Compound) and n.exit_check), None)
        if at is None:
            continue
        taken = {op.target.id for op in recompute.get(id(node), ())}
        if _skippable(body[:at + 1], everywhere, taken):
            continue
        check = body[at]
        pre, post = body[:at], body[at + 1:]
        counter = [n for n in post if not isinstance(n, Compound) and n.nosave and
                   isinstance(n.target, gast.Name) and n.target.id == node.counter]
        post = [n for n in post if not any(n is c for c in counter)]
        line = node.stmt.user_line
        name = namer.fresh("_t")
        negate = classify(assign(name, gast.UnaryOp(op=gast.Not(), operand=load(check.test.id)),
                                 line), resolve)
        stmt = gast.If(test=load(name), body=[], orelse=[])
        stmt.user_line = line
        guarded = Compound("if", stmt, [post, []], test=stmt.test)
        node.blocks[0][:] = counter + pre + [negate, guarded, check]
        changed += 1
    return changed


def _skippable(head, everywhere, taken):
    """Whether the operations before an early exit check (``head`` ends with
    the check) leave nothing the adjoint must undo when their iteration
    breaks at the check: each binds a name read nowhere else, or one the
    adjoint takes again."""
    local = {}
    for node in head:
        _count(node, local)
    for op in head[:-1]:
        if isinstance(op, Compound) or op.kind not in ("prim", "const", "copy"):
            return False
        t = op.target.id if isinstance(op.target, gast.Name) else None
        if t is None or (everywhere.get(t, 0) > local.get(t, 0) and t not in taken):
            return False
    return True


def _count(node, out):
    """Add the names ``node`` reads to the counts ``out``."""
    if isinstance(node, Compound):
        for head in (node.test, node.iter):
            if head is not None:
                for n in gast.walk(head):
                    if isinstance(n, gast.Name):
                        out[n.id] = out.get(n.id, 0) + 1
        for block in node.blocks:
            for sub in block:
                _count(sub, out)
        return
    names = node.operand_names()
    if node.kind in ("setitem", "append"):
        names = names + [node.target.id]
    elif node.kind == "other":
        names = [n.id for n in gast.walk(node.stmt) if isinstance(n, gast.Name)]
    for n in names:
        out[n] = out.get(n, 0) + 1


def _loops(nodes):
    for node in nodes:
        if isinstance(node, Compound):
            for block in node.blocks:
                yield from _loops(block)
            if node.kind in ("for", "while"):
                yield node
