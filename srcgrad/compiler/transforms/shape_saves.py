"""Save a value's shape, not the value, when the adjoint reads only its shape.

``sum(np.sum(W * W) for W, _ in params)``: the adjoint of ``np.sum(t)`` reads
``np.shape(t)`` and nothing else of ``t = W * W``; the loop overwrites ``t``,
so the forward sweep pushed each ``t``, a whole array per layer kept alive
until the pullback ran, for a tuple of integers.  Here such a name ``t`` (one
the forward sweep overwrites, whose every read in the raw adjoint is
``np.shape(t)``) gets a companion ``t_shape = np.shape(t)`` right after each
statement that assigns it (``t`` the result of a rule or a call, never
grown in place: no ``append`` to it, no ``t[i] = v``); the adjoint reads ``t_shape``, which is saved and
restored where ``t`` was (same restore marker, popped first: pushed last), and
``t`` itself is no longer saved.

Guarantees: the adjoint reads, at every point, the shape of the value it read
before; only names the forward sweep overwrites are changed (a name assigned
once is not pushed anyway).
"""

import copy

import gast
import numpy as np

from ...rules import conversions
from ..analysis.activity import targets_of
from ..ir.env import assign, call, load
from ..ir.fastast import Transformer, walk
from ..ir.ops import Compound, classify

__all__ = ["save_shapes_only"]


def _shape_call(node, resolve):
    """The name ``node`` is ``np.shape(name)`` of, else ``None``."""
    if isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords and \
            isinstance(node.args[0], gast.Name) and resolve(node.func) is np.shape:
        return node.args[0].id
    return None


def _shape_only(raw, candidates, resolve):
    """The candidates every load of which in ``raw`` is ``np.shape(name)``
    (markers' names count as loads)."""
    inside, other = set(), set()
    for stmt in raw:
        marker = getattr(stmt, "marker", None)
        if marker is not None and marker[0] in ("setitem", "append"):
            other.update(n.id for part in marker[1:] for n in walk(part)
                         if isinstance(n, gast.Name))
        skip = set()
        for n in walk(stmt):
            name = _shape_call(n, resolve)
            if name is not None:
                inside.add(name)
                skip.add(id(n.args[0]))
            elif isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and id(n) not in skip:
                other.add(n.id)
    return (inside - other) & candidates


class _Replace(Transformer):
    def __init__(self, names, resolve):
        self.names, self.resolve = names, resolve

    def visit_Call(self, node):
        name = _shape_call(node, self.resolve)
        if name in self.names:
            return load(self.names[name])
        self.generic_visit(node)
        return node


def _rewrite(raw, names, resolve):
    out = []
    for stmt in raw:
        marker = getattr(stmt, "marker", None)
        if marker is not None:
            if marker[0] == "names" and any(v in names for v in marker[1]):
                # the companions are assigned (and pushed) after the whole op: popped first
                lst = list(marker[1]) + [names[v] for v in marker[1] if v in names]
                stmt = copy.copy(stmt)
                stmt.marker = ("names", lst)
            out.append(stmt)
            continue
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            new = copy.copy(stmt)
            new.body = _rewrite(stmt.body, names, resolve)
            new.orelse = _rewrite(stmt.orelse, names, resolve)
            if isinstance(stmt, gast.For):
                new.iter = _Replace(names, resolve).visit(copy.deepcopy(stmt.iter))
            else:
                new.test = _Replace(names, resolve).visit(copy.deepcopy(stmt.test))
            out.append(new)
            continue
        out.append(_Replace(names, resolve).visit(copy.deepcopy(stmt)))
    return out


def _insert(tree, names, np_name, resolve, first):
    """After each op assigning a name of ``names``, ``name_shape = np.shape(name)``.
    A companion of a first binding (``first``: the reverser's
    ``first_bindings``, top-level ops that bind a name before anything reads
    it, so nothing is saved before them) is a first binding too: it must not
    be pushed where its name's value is not."""
    i = 0
    while i < len(tree):
        node = tree[i]
        if isinstance(node, Compound):
            for block in node.blocks:
                _insert(block, names, np_name, resolve, first)
        else:
            line = getattr(node.stmt, "user_line", None)
            for t in targets_of(node) if node.kind not in ("setitem", "append") else ():
                if t in names:
                    stmt = assign(names[t], call(gast.Attribute(value=load(np_name),
                                                                attr="shape",
                                                                ctx=gast.Load()),
                                                 [load(t)]), line)
                    companion = classify(stmt, resolve)
                    if (id(node), t) in first:
                        first.add((id(companion), names[t]))
                    tree.insert(i + 1, companion)
                    i += 1
        i += 1


def _not_computed(tree, out=None):
    """Names whose value may be a container something grows in place: bound
    by an op other than a rule's or a call's result (a list literal, a copy,
    an unpacked item), by ``_as_sequence`` (its argument itself), or read by
    an op other than a rule (a copy, a call, an append could make an alias)."""
    out = set() if out is None else out
    for node in tree:
        if isinstance(node, Compound):
            for block in node.blocks:
                _not_computed(block, out)
            continue
        if node.kind not in ("setitem", "append") and (
                node.kind not in ("prim", "call") or node.prim is conversions.as_sequence):
            out.update(targets_of(node))
        if node.kind != "prim":
            out.update(n.id for n in walk(node.stmt)
                       if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load))
    return out


def save_shapes_only(reverser, tree, raw):
    """See the module docstring: rewrites ``tree`` (the forward's ops) in
    place, returns the new raw adjoint, and adds the companions to
    ``reverser.mutable``."""
    resolve = reverser.env.resolve
    facts = reverser.facts
    candidates = set(reverser.mutable) - set(facts.loop_targets) - \
        set(facts.setitem_targets) - set(facts.append_targets) - _not_computed(tree)
    found = _shape_only(raw, candidates, resolve)
    if not found:
        return raw
    names = {v: reverser.namer.fresh(v + "_shape") for v in sorted(found)}
    _insert(tree, names, reverser.env.ref(np, "np"), resolve, reverser.first_bindings)
    reverser.bound_first.update(t for _, t in reverser.first_bindings)
    reverser.mutable.update(names.values())
    return _rewrite(raw, names, resolve)
