r"""Values the adjoint never reads are not saved.

The reverse transform saves a name the forward sweep overwrites
(``_push(n)`` before the new value, ``n = _pop()`` in the adjoint) when its
adjoint may read it.  A later rewrite can leave a name saved that no
adjoint statement reads any more (lower/same_shape.py: the saved shape
``t_shape`` of ``t = W * W``).  Its pushes and pops then only cost time
and memory: this pass removes them.

A name qualifies when the adjoint never reads it, and the adjoint restores
it only by statements ``n = _pop()`` (not as a loop's target, not inside a
tuple).  Every ``_push(n)`` statement of the forward sweep and every ``n =
_pop()`` of the adjoint goes.  Each push has its one pop and the stack is
last in, first out, so removing all of one name's pushes and pops leaves
every other pop reading the value it read before.

Guarantees: the adjoint reads the same values; the forward sweep computes
the same values (only ``_push`` statements are removed from it, and the
``n = np.shape(x)`` of a dropped name nothing reads: pure).

>>> from ..frontend.anf import dump
>>> fwd = gast.parse("for i in r:\n    _push(s)\n    s = f(t)\n    _push(t)\n    t = g(t)").body
>>> adj = gast.parse("for i in reversed(r):\n    t = _pop()\n    bt = bt * t\n"
...                  "    s = _pop()").body
>>> fwd, adj, gone = drop_dead_saves(fwd, adj)
>>> print(dump(fwd))
for i in r:
    s = f(t)
    _push(t)
    t = g(t)
>>> print(dump(adj))
for i in reversed(r):
    t = _pop()
    bt = bt * t
"""

import gast
import numpy as np

from ..ir.fastast import Transformer, walk

__all__ = ["drop_dead_saves"]


def _is_call_of(node, name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
        node.func.id == name and not node.keywords


def drop_dead_saves(forward, adjoint, push="_push", pop="_pop", resolve=None):
    """``(forward, adjoint, gone)``: the sweeps without the saves of names the adjoint never
    reads (see the module docstring); ``push`` and ``pop`` are the stack's
    names in this function.  With ``resolve`` (a generated name -> the object),
    a dropped name's forward assignments ``n = np.shape(x)`` go too where the
    forward sweep does not read ``n`` either (a saved shape nothing reads);
    ``gone``: those names, which neither sweep reads now."""
    pushed = {n.value.args[0].id for stmt in forward for n in walk(stmt)
              if isinstance(n, gast.Expr) and _is_call_of(n.value, push) and
              len(n.value.args) == 1 and isinstance(n.value.args[0], gast.Name)}
    if not pushed:
        return forward, adjoint, set()
    read, restored, other_store = set(), set(), set()
    for stmt in adjoint:
        for n in walk(stmt):
            if isinstance(n, gast.Name):
                if isinstance(n.ctx, gast.Load):
                    read.add(n.id)
            if isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                    isinstance(n.targets[0], gast.Name) and _is_call_of(n.value, pop) and \
                    not n.value.args:
                restored.add(n.targets[0].id)
                continue
            targets = n.targets if isinstance(n, gast.Assign) else \
                [n.target] if isinstance(n, (gast.For, gast.AugAssign, gast.AnnAssign)) else []
            for t in targets:
                for m in walk(t):
                    if isinstance(m, gast.Name):
                        other_store.add(m.id)
    # a name stored otherwise too (a loop target, a tuple) may be restored that way
    dead = (pushed & restored) - read - other_store
    if not dead:
        return forward, adjoint, set()
    pushes = {id(n.value.args[0]) for stmt in forward for n in walk(stmt)
              if isinstance(n, gast.Expr) and _is_call_of(n.value, push) and
              len(n.value.args) == 1}
    fwd_read = {n.id for stmt in forward for n in walk(stmt)
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and
                id(n) not in pushes}
    unread = dead - fwd_read if resolve is not None else set()

    def shape_of_unread(s):
        return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and s.targets[0].id in unread and \
            isinstance(s.value, gast.Call) and len(s.value.args) == 1 and \
            not s.value.keywords and resolve(s.value.func) is np.shape

    class _Drop(Transformer):
        def _block(self, stmts):
            out = []
            for s in stmts:
                if isinstance(s, gast.Expr) and _is_call_of(s.value, push) and \
                        len(s.value.args) == 1 and isinstance(s.value.args[0], gast.Name) and \
                        s.value.args[0].id in dead:
                    continue
                if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                        isinstance(s.targets[0], gast.Name) and s.targets[0].id in dead and \
                        _is_call_of(s.value, pop) and not s.value.args:
                    continue
                if shape_of_unread(s):
                    continue
                out.append(self.visit(s))
            return out

        def generic_visit(self, node):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    new = self._block(block)
                    if not new and field == "body":
                        new = [gast.Pass()]
                    setattr(node, field, new)
            if isinstance(node, gast.Try):
                for h in node.handlers:
                    h.body = self._block(h.body) or [gast.Pass()]
            return node

    drop = _Drop()
    return drop._block(forward), drop._block(adjoint), unread
