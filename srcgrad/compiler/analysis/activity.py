"""Activity analysis: which variables need an adjoint.

A variable is *varied* when its value depends, through differentiable
operations, on an argument we differentiate; it is *useful* when the output
depends on it.  Only variables that are both are *active*: they alone get
adjoint statements, so constants and index arithmetic cost nothing in the
adjoint sweep.

Guarantee: for every statement ``t = op(a, b)`` the reverse pass emits a
contribution to ``ba`` exactly when ``t`` and ``a`` are active and the rule
for ``a``'s position is not ``None``.

>>> import gast
>>> from ..frontend.anf import to_anf
>>> fn = to_anf(gast.parse("def f(x, n):\\n    k = n * 2\\n    return x * k").body[0])
>>> ops = [classify(s, lambda node: None) for s in fn.body]
>>> sorted(active_names(ops, ["x"]))
['_t1', 'x']
"""

import gast

from ..ir.fastast import walk as _walk
from ... import rules
from ..ir.ops import classify  # noqa: F401  (re-exported for doctests)

__all__ = ["diff_operands", "active_names"]


def _names(node):
    return [n.id for n in _walk(node) if isinstance(n, gast.Name)]


def diff_operands(op):
    """``[(position_or_key, name)]`` of the operands through which gradient can
    flow for this op, ignoring activity."""
    if op.nograd:
        return []
    cached = op.diff
    if cached is not None:
        return cached
    op.diff = out = _diff_operands(op)
    return out


def _diff_operands(op):
    if op.kind in ("copy", "return", "unpack", "setitem", "append"):
        return [(0, n) for n in _names(op.args[0])][:1]
    if op.kind == "pack":
        return [(i, a.id) for i, a in enumerate(op.args) if isinstance(a, gast.Name)]
    if op.kind == "call":
        out = [(i, n) for i, a in enumerate(op.args) for n in _names(a)]
        out += [(k, n) for k, v in op.kwargs.items() for n in _names(v)]
        return out
    if op.kind == "prim":
        if rules.is_nondiff(op.prim) or not rules.has_rule(op.prim):
            return []
        prim = rules.lookup(op.prim)
        out = []
        for i, rule in enumerate(prim.vjps):
            if rule is None:
                continue
            node = op.args[i] if i < len(op.args) else None
            if node is None and i < len(prim.argnames):
                node = op.kwargs.get(prim.argnames[i])
            if node is not None:
                out += [(i, n) for n in _names(node)][:1] if isinstance(node, gast.Name) \
                    else [(i, n) for n in _names(node)]
        return out
    return []


def targets_of(op):
    if op.nosave:
        return []
    if op.kind == "unpack":
        return [n.id for n in _walk(op.target) if isinstance(n, gast.Name)]
    if op.target is not None and isinstance(op.target, gast.Name):
        return [op.target.id]
    return []


def blocks_gradient(op):
    """True when ``op`` has no way to pass a gradient on although its result
    may depend on its operands: a call with no rule, an unknown attribute."""
    if op.nograd:
        return False
    if op.kind == "other":
        return op.target is not None
    if op.kind == "prim":
        return not rules.has_rule(op.prim) and not rules.is_nondiff(op.prim)
    return False


def active_names(ops, wrt, on_blocked=None):
    """The set of active variable names among ``ops`` (flow-insensitive: a
    loop may carry a value from any statement to any other).

    ``on_blocked(op)`` is called for each op that cannot pass a gradient on
    while the output depends on its varied operands (it should raise)."""
    ops = [op for op in ops if not op.nosave]
    varied = set(wrt)
    blocked = set()
    changed = True
    while changed:
        changed = False
        for op in ops:
            targets = targets_of(op)
            if not targets or all(t in varied for t in targets):
                continue
            if any(n in varied for _, n in diff_operands(op)):
                varied.update(targets)
                changed = True
            elif not all(t in blocked for t in targets) and not op.nograd and (
                    blocks_gradient(op) and any(n in varied or n in blocked
                                                for n in op.operand_names())
                    or any(n in blocked for _, n in diff_operands(op))):
                blocked.update(targets)  # depends on the arguments through a blocked op
                changed = True
    useful = set()
    for op in ops:
        if op.kind == "return":
            useful.update(n for _, n in diff_operands(op))
    if not blocked or on_blocked is None:
        # usefulness flows backwards: sweeping the ops last to first reaches the
        # (unique, least) fixpoint in one sweep for straight-line code instead of
        # one sweep per statement.  With blocked names the forward sweeps below
        # stay, so that on_blocked sees the ops in the order it always did.
        _useful_backwards(ops, varied, blocked, useful)
    changed = True
    while changed:
        changed = False
        for op in ops:
            if op.kind == "return" or not any(t in useful for t in targets_of(op)):
                continue
            if on_blocked is not None and blocks_gradient(op) and \
                    any(t in blocked for t in targets_of(op)):
                on_blocked(op)
            new = _needed(op, varied, blocked)
            if not new <= useful:
                useful |= new
                changed = True
    active_names.varied = varied   # for callers that need the wider set
    return varied & useful


def _useful_backwards(ops, varied, blocked, useful):
    """Grow ``useful`` to its fixpoint sweeping ``ops`` in reverse (the same
    set the forward sweeps of :func:`active_names` reach, in linear time for
    straight-line code)."""
    rev = ops[::-1]
    changed = True
    while changed:
        changed = False
        for op in rev:
            if op.kind == "return" or not any(t in useful for t in targets_of(op)):
                continue
            new = _needed(op, varied, blocked)
            if not new <= useful:
                useful |= new
                changed = True


def _needed(op, varied, blocked):
    """The names whose usefulness follows from a useful target of ``op``."""
    new = {n for _, n in diff_operands(op) if n in varied or n in blocked}
    if blocks_gradient(op):
        new |= {n for n in op.operand_names() if n in blocked}
    return new
