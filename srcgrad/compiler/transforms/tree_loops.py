"""Loops over containers of parameters (issue 13): each item's cotangent is
written once, into its own slot.

``for W, b in params`` becomes, in A-normal form, ``for _k in range(len(seq)):
item = seq[_k]``.  Written naively, the adjoint of ``item = seq[_k]`` builds a
zero cotangent of the whole of ``seq`` with the item's cotangent in slot
``_k`` and adds it to ``seq``'s cotangent: every iteration costs the size of
the whole structure, so the loop costs the square of its length.

Here a container the loop indexes (a list, tuple or dict that the loop neither
rebinds nor assigns into) gets, before the adjoint loop, an empty cotangent of
slots (``_rt.slots(seq)``: ``[None] * len(seq)`` for a sequence, ``{}`` for a
dict); the loop's reads ``seq[i]`` send their cotangent into slot ``i`` in place
(``_rt.add_at``: the first write stores it, a later one to the same slot adds
to it); after the loop, ``_rt.filled(bseq, seq)`` gives the slots no item
wrote a zero of their item's structure and the cotangent its value's type
(a tuple stays a tuple).  Nothing between the two reads the slots but
``add_at`` and ``_rt.add`` (which takes ``None`` as "no contribution"): the
container is not an output of any statement in the loop.

Guarantees: the cotangent after the loop equals the naive one (the same sums,
in the same order per slot); per iteration, the work is that of the item
read, not of the container.
"""

import operator

import gast

from ..analysis.activity import targets_of
from ..ir.env import assign, attr, call, load
from ..ir.ops import walk_ops

__all__ = ["slot_containers", "open_slots", "close_slots"]


def slot_containers(facts, node, touched):
    """Names of containers ``node`` (a loop) reads items of whose cotangent can
    be kept as slots: active, indexed by a ``getitem`` in the loop, neither
    rebound nor assigned into nor appended to in the loop, and not arrays
    (whose cotangent the loop already accumulates in place)."""
    if node.kind not in ("for", "while"):
        return set()
    written, indexed = set(), set()
    for op in (o for block in node.blocks for o in walk_ops(block)):
        if op.kind in ("setitem", "append"):
            written.add(op.target.id)
            continue
        if not op.nosave:
            written.update(targets_of(op))
        if op.kind == "prim" and op.prim is operator.getitem and op.args and \
                isinstance(op.args[0], gast.Name):
            indexed.add(op.args[0].id)
    out = set()
    for v in (indexed & touched) - written:
        if v not in facts.active or v in facts.numeric or (facts.ranks.get(v) or 0) >= 1 \
                or v in facts.setitem_targets or v in facts.append_targets:
            continue
        out.add(v)
    return out


def open_slots(reverser, names, line):
    """``bv = _rt.slots(v)`` for each name: the empty cotangent the loop fills."""
    rt = reverser.env.runtime()
    return [assign(reverser.adj(v), call(attr(rt, "slots"), [load(v)]), line)
            for v in sorted(names)]


def close_slots(reverser, names, line):
    """``bv = _rt.filled(bv, v)`` for each name, after the loop."""
    rt = reverser.env.runtime()
    return [assign(reverser.adj(v), call(attr(rt, "filled"), [load(reverser.adj(v)), load(v)]),
                   line) for v in sorted(names)]
