r"""An adjoint loop that reads every saved value iterates over the stack itself.

:func:`.optimize.fuse_pops` writes an adjoint loop that pops one saved value
per iteration as ``for x in _islice(_rev, len(r)):``: the loop takes its
``len(r)`` values off the top of the stack and leaves the rest to the
statements after it.  Where nothing else was ever pushed, the ``islice``
layer only costs time (one more iterator step per iteration: a tenth of a
scalar loop's adjoint).  A hand-written backward iterates the list of saved
values directly, and so does the adjoint after this pass:
``for x in _rev:``.

A loop qualifies when the whole program's saving and restoring is that loop
and its forward loop:

- the forward sweep pushes in exactly one place, ``_push(x)`` directly in the
  body of a top-level ``for t in r:`` (``r`` a name assigned once in the
  forward sweep), whose body has no ``break``, ``continue`` or ``return``
  (so the stack holds exactly ``len(r)`` values when the forward sweep ends);
- the adjoint reads the stack in exactly one place, that loop's
  ``for x in _islice(_rev, len(r)):``, a top-level statement, and never pops
  otherwise (no ``_pop``, no other read of ``_rev``).

Guarantees: the loop reads the same values in the same order (all of the
stack's ``len(r)`` values, last pushed first); every other program is left as
it is.

>>> from ..frontend.anf import dump
>>> fwd = gast.parse("r = range(n)\nfor i in r:\n    _push(x)\n    x = sin(x)").body
>>> adj = gast.parse("for x in _islice(_rev, len(r)):\n    bx = bx * cos(x)").body
>>> print(dump(drain_stack(adj, fwd, "_islice")))
for x in _rev:
    bx = bx * cos(x)
"""

import gast

from ..ir.fastast import walk

__all__ = ["drain_stack"]

_NAMES = {"_push": "_push", "_pop": "_pop", "_rev": "_rev", "_stack": "_stack", "len": "len"}


def _names_in(stmts):
    return [n for stmt in stmts for n in walk(stmt) if isinstance(n, gast.Name)]


def _is_call_of(node, name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
        node.func.id == name


def _the_push_loop(forward, names):
    """The range name ``r`` of the forward sweep's one pushing loop (see the
    module docstring), or ``None``."""
    push = names["_push"]
    pushes = [n for stmt in forward for n in walk(stmt) if _is_call_of(n, push)]
    if len(pushes) != 1 or any(n.id == names["_stack"] for n in _names_in(forward)):
        return None
    for stmt in forward:
        if not (isinstance(stmt, gast.For) and not stmt.orelse and
                isinstance(stmt.iter, gast.Name)):
            continue
        direct = [s for s in stmt.body if isinstance(s, gast.Expr) and s.value is pushes[0]]
        if not direct:
            continue
        if any(isinstance(n, (gast.Break, gast.Continue, gast.Return, gast.Yield))
               for s in stmt.body for n in walk(s)):
            return None
        r = stmt.iter.id
        stores = [n for n in _names_in(forward) if n.id == r and not isinstance(n.ctx, gast.Load)]
        return r if len(stores) == 1 else None
    return None


def drain_stack(adjoint, forward, islice_name, names=None):
    """``adjoint`` with its one stack-reading loop iterating the stack
    directly, where the module docstring's conditions hold; ``names`` maps
    ``"_push"``, ``"_pop"``, ``"_rev"``, ``"_stack"`` and ``"len"`` to their
    names in this function."""
    names = dict(_NAMES, **(names or {}))
    rev = names["_rev"]
    uses = [n for n in _names_in(adjoint) if n.id in (rev, names["_pop"], names["_stack"])]
    if len(uses) != 1 or uses[0].id != rev:
        return adjoint
    loop = next((s for s in adjoint if isinstance(s, gast.For) and
                 _is_call_of(s.iter, islice_name) and len(s.iter.args) == 2 and
                 s.iter.args[0] is uses[0]), None)
    if loop is None or loop.orelse:
        return adjoint
    count = loop.iter.args[1]
    if not (_is_call_of(count, names["len"]) and len(count.args) == 1 and
            isinstance(count.args[0], gast.Name)):
        return adjoint
    if _the_push_loop(forward, names) != count.args[0].id:
        return adjoint
    loop.iter = gast.Name(id=rev, ctx=gast.Load(), annotation=None, type_comment=None)
    return adjoint
