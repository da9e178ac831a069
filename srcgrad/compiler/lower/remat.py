"""Recompute instead of saving: a loop's ``t = seq[i]`` read back by the adjoint.

A value a loop overwrites and the adjoint reads is pushed on the saved-value
stack every iteration (:mod:`..transforms.reverse`).  When that value is an
element ``t = seq[i]`` of a sequence the function never changes, indexed by
the loop's own variable, the adjoint loop -- which binds the same ``i``, in
reverse -- can take it again for the price of the push: ``t = seq[i]`` first
in its body, no push, no pop.  :func:`recomputable` finds those operations.

Guarantees: an operation is listed only when

* it is ``t = seq[i]`` (``operator.getitem``) at the top level of a ``for``
  loop's body over a ``range``, ``i`` being that loop's variable (or a
  constant), so every iteration the adjoint replays has run it;
* ``t`` is bound once, and read only inside that loop, after it (never the
  previous iteration's value);
* ``seq`` is bound at most once, not in the loop, and nothing that may share
  its memory is written anywhere in the function (:class:`.hoist._Aliases`),
  so ``seq[i]`` in the adjoint is the value the forward read.

>>> import numpy as np, srcgrad
>>> def f(W, xs):
...     h = np.ones(2)
...     for t in range(xs.shape[0]):
...         h = np.tanh(W @ h) * xs[t]
...     return np.sum(h)
>>> df = srcgrad.grad(f)
>>> df(np.eye(2), np.ones((3, 2))).shape
(2, 2)
>>> forward, adjoint = srcgrad.source(df).split("# grad of line 3")
>>> print(adjoint)   # doctest: +NORMALIZE_WHITESPACE
: for t in range(xs.shape[0]):
    bW = _rt.zeros_like(W)
    for t in reversed(_t3):
        _t6 = xs[t]
        h = _pop()
        _bt4 = bh * _rt.conj(_t6) * _rt.conj(1.0 - np.square(_t5))
        _t5 = _pop()
        bW += np.outer(_bt4, h.conj())
        if t != _t3.start:
            bh = _bt4 @ W.conj()
    return bW,
<BLANKLINE>
>>> "_push(_t6)" in forward
False
"""

import operator

import gast

from ..ir.ops import Compound, walk_ops
from .hoist import _Aliases, _bound

__all__ = ["recomputable"]


def recomputable(tree, facts):
    """``{id(loop): [op, ...]}``: the element reads each ``for`` loop's adjoint
    takes again instead of saving (see the module docstring)."""
    ops = list(walk_ops(tree))
    aliases = _Aliases(ops, set(facts.kinds), facts.numeric)
    counts = {}
    for op in ops:
        for t in _bound(op):
            counts[t] = counts.get(t, 0) + 1
    reads = {}
    _count_reads(tree, reads)
    out = {}
    for loop in _loops(tree):
        if loop.kind != "for" or loop.target not in facts.range_targets:
            continue
        inner = list(walk_ops(loop.blocks[0]))
        bound_inside = {t for op in inner for t in _bound(op)}
        body = loop.blocks[0]
        found = []
        for pos, op in enumerate(body):
            if isinstance(op, Compound) or op.kind != "prim" or op.prim is not operator.getitem \
                    or op.nosave or not isinstance(op.target, gast.Name) or op.kwargs:
                continue
            t = op.target.id
            after = {}   # read after it in the same iteration only (not the last one's)
            _count_reads(body[pos + 1:], after)
            if counts.get(t) != 1 or reads.get(t, 0) != after.get(t, 0):
                continue
            if all(_stable(n, loop, counts, bound_inside, aliases)
                   for n in op.operand_names()):
                found.append(op)
        if found:
            out[id(loop)] = found
    return out


def _stable(name, loop, counts, bound_inside, aliases):
    if name == loop.target:
        return True
    return counts.get(name, 0) <= 1 and name not in bound_inside and \
        aliases.find(name) not in aliases.written


def _loops(nodes):
    for node in nodes:
        if isinstance(node, Compound):
            if node.kind in ("for", "while"):
                yield node
            for block in node.blocks:
                yield from _loops(block)


def _count_reads(nodes, out):
    for node in nodes:
        if isinstance(node, Compound):
            for head in (node.test, node.iter):
                if head is not None:
                    for n in gast.walk(head):
                        if isinstance(n, gast.Name):
                            out[n.id] = out.get(n.id, 0) + 1
            for block in node.blocks:
                _count_reads(block, out)
            continue
        names = node.operand_names()
        if node.kind in ("setitem", "append"):
            names = names + [node.target.id]
        elif node.kind == "other":
            names = [n.id for n in gast.walk(node.stmt) if isinstance(n, gast.Name) and
                     isinstance(n.ctx, gast.Load)]
        for n in names:
            out[n] = out.get(n, 0) + 1
