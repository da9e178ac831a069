"""Loop-invariant code motion: a value a loop recomputes unchanged is computed
once, before the loop.

:func:`hoist_invariants` works on the classified tree (:mod:`..ir.ops`) the
reverse transform builds, before it decides what to save.  It moves an
operation ``t = op(a, b)`` out of a ``for`` or ``while`` loop when

* it is at the top level of the loop's body, before any ``if c: break``
  (so every iteration that starts runs it: :mod:`..frontend.desugar` leaves
  no other jump before it);
* ``op`` is *pure and deterministic*: a NumPy function or ufunc (not
  ``numpy.random``), an operator, ``range``/``len``/``abs``..., whose effect
  (:mod:`srcgrad.rules.effects`) writes nothing;
* its operands are numbers or arrays (known ranks: an operator then means
  NumPy's, not a user class's) that the loop neither rebinds nor writes into,
  directly or through a name that may share their memory (a flow-insensitive
  alias closure over copies, containers, views and calls; parameters may
  share memory with one another);
* ``t`` is bound nowhere else, is not a loop variable, and nothing that may
  share its memory is written anywhere in the function (one array object
  then stands for what were fresh ones per iteration);
* the loop contains no call of a user function and no statement srcgrad
  keeps opaque (either could write into an operand), and is not inside a
  ``try`` (the first exception raised, and so the handler, must not change).

Guarantees: the program computes the same values.  A hoisted statement runs
only when the loop runs at least once: before a ``for`` over a ``range``
whose length is not a known positive constant, and before every ``while``,
the hoisted statements sit under ``if <range>:`` (``if <test>:``), so a loop
that runs zero times raises nothing a hoisted ``1 / x`` would.  The reverse
transform then sees a name bound once outside the loop: it is not pushed per
iteration, and the adjoint loop accumulates its cotangent (``bt = bt + ...``)
for the hoisted statement's adjoint to read once, after the loop.

>>> import numpy as np, srcgrad
>>> def f(x, p):
...     s = 0.0
...     for i in range(4):
...         s = s + np.sum(p) * x
...     return s
>>> df = srcgrad.grad(f)
>>> float(df(2.0, np.ones(3)))
12.0
>>> print(srcgrad.source(df).split("bs =")[0])   # doctest: +NORMALIZE_WHITESPACE
def f_grad(x, p):
    # line 2: s = 0.0
    s = 0.0
    # line 3: for i in range(4):
    _t1 = range(4)
    # line 4: s = s + np.sum(p) * x
    _t2 = np.sum(p)
    _t3 = _t2 * x
    # line 3: for i in range(4):
    for i in _t1:
        s = s + _t3
<BLANKLINE>
"""

import operator

import gast
import numpy as np

from ...rules import conversions
from ...rules.effects import call_effect, hashable, method_effect
from ..ir.env import load
from ..ir.ops import Compound, Op, walk_ops

__all__ = ["hoist_invariants"]

#: builtins that compute a value from their arguments and nothing else
_PURE_BUILTINS = frozenset((range, len, abs, min, max, float, int, bool, complex, divmod,
                            round, pow))
_PURE_HELPERS = frozenset((conversions.array_attribute,))


def hoist_invariants(tree, facts, namer):
    """Move loop-invariant operations of ``tree`` (a classified block, changed
    in place) before their loops; return how many were moved."""
    ops = list(walk_ops(tree))
    aliases = _Aliases(ops, set(facts.kinds), facts.numeric)
    return _Hoister(facts, namer, aliases, ops).block(tree, in_try=False)


class _Aliases:
    """Names that may share memory, flow-insensitively: a fresh result of a
    ufunc or an operator shares nothing with its operands; any other
    operation's result may share with its operands (views, containers,
    copies, calls).  Parameters may share with one another."""

    def __init__(self, ops, params, numeric):
        self.parent = {}
        params = sorted(params)
        for p in params[1:]:
            self.join(params[0], p)
        self.written = set()
        for op in ops:
            names = op.operand_names()
            target = op.target.id if isinstance(op.target, gast.Name) else None
            if op.kind == "unpack":
                names = names + [n.id for n in _names_in(op.target)]
            if op.kind == "prim" and op.prim is operator.getitem and op.args and \
                    isinstance(op.args[0], gast.Name):
                names = [op.args[0].id]    # an element or a view of the base, not of the index
            if target is not None and not _fresh(op, numeric):
                for n in names:
                    self.join(target, n)
            elif op.kind == "unpack":
                for n in names[1:]:
                    self.join(names[0], n)
            self.written.update(_written(op))
        self.written = {self.find(n) for n in self.written}

    def find(self, name):
        root = name
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        self.parent[name] = root if root != name else self.parent.get(name, name)
        return root

    def join(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb

    def written_in(self, ops):
        """The alias classes some of ``ops`` write into."""
        return {self.find(n) for op in ops for n in _written(op)}


class _Hoister:
    def __init__(self, facts, namer, aliases, ops):
        self.facts = facts
        self.namer = namer
        self.aliases = aliases
        self.counts = {}          # name -> how many operations bind it
        self.ranges = {}          # name -> the constant range it is bound to
        for op in ops:
            for t in _bound(op):
                self.counts[t] = self.counts.get(t, 0) + 1
            if op.kind == "prim" and op.prim is range and \
                    all(isinstance(a, gast.Constant) and type(a.value) is int for a in op.args):
                self.ranges[op.target.id] = range(*[a.value for a in op.args])

    def block(self, nodes, in_try):
        moved = 0
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, Compound):
                inner_try = in_try or node.try_part is not None
                for sub in node.blocks:
                    moved += self.block(sub, inner_try)
                if node.kind in ("for", "while") and not in_try:
                    before = self.loop(node)
                    if before:
                        nodes[i:i] = before
                        i += len(before)
                        moved += 1
            i += 1
        return moved

    def loop(self, node):
        """The nodes to put before ``node``: its hoisted operations, guarded
        when the loop may run zero times (empty when nothing moves)."""
        body = node.blocks[0]
        inner = list(walk_ops(body))
        if any(op.kind in ("call", "other") and not _harmless(op) for op in inner):
            return []
        rebound = {node.target} if node.kind == "for" else set()
        for op in inner:
            rebound.update(_bound(op))
        for sub in _compounds(body):
            if sub.kind == "for":
                rebound.add(sub.target)
        written = self.aliases.written_in(inner)
        guard = self._guard(node)
        if guard is False:
            return []
        hoisted = []
        for op in list(body):
            if isinstance(op, Compound) and op.exit_check:
                break   # ``if c: break`` first (desugar.py): what follows may not run
            if isinstance(op, Compound) or not self._invariant(op, rebound, written):
                continue
            hoisted.append(op)
            body.remove(op)
            rebound.discard(op.target.id)
        if not hoisted:
            return []
        if guard is None:
            return hoisted
        before = []
        if node.kind == "while":   # the test is recomputed in the loop: keep its first value
            name = self.namer.fresh("_enter")
            copy_stmt = gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(),
                                                       annotation=None, type_comment=None)],
                                    value=load(guard), type_comment=None)
            copy_stmt.user_line = node.stmt.user_line
            before.append(Op("copy", copy_stmt, copy_stmt.targets[0], args=[load(guard)]))
            guard = name
        stmt = gast.If(test=load(guard), body=[], orelse=[])
        stmt.user_line = node.stmt.user_line
        stmt.hoisted = True   # analysis/facts.py: bound once per entry of the enclosing block
        orelse = []           # a cotangent's zero is made from the value: bind it (to None)
        for op in hoisted:
            if op.target.id in self.facts.active:
                none = gast.Assign(targets=[gast.Name(id=op.target.id, ctx=gast.Store(),
                                                      annotation=None, type_comment=None)],
                                   value=gast.Constant(value=None, kind=None), type_comment=None)
                none.user_line = node.stmt.user_line
                orelse.append(Op("const", none, none.targets[0]))
                orelse[-1].nosave = True
        before.append(Compound("if", stmt, [hoisted, orelse], test=stmt.test))
        return before

    def _guard(self, node):
        """The name whose truth says the loop runs at least once; ``None``
        when it certainly does, ``False`` when hoisting is not attempted."""
        head = node.iter if node.kind == "for" else node.test
        if isinstance(head, gast.Constant):
            return None if node.kind == "while" and head.value else False
        if not isinstance(head, gast.Name):
            return False
        if node.kind == "for" and self.counts.get(head.id) == 1 and \
                len(self.ranges.get(head.id, ())) > 0:
            return None
        return head.id

    def _invariant(self, op, rebound, written):
        if op.kind != "prim" or op.nosave or not isinstance(op.target, gast.Name):
            return False
        target = op.target.id
        if self.counts.get(target) != 1 or target in self.facts.loop_targets:
            return False
        if not _pure(op):
            return False
        facts, find = self.facts, self.aliases.find
        # an operator, a method or float(...) means NumPy's (Python's) only on numbers
        # and arrays, not a user class's
        typed = op.binop or op.callee is None or \
            hashable(op.prim) and op.prim in _PURE_BUILTINS and op.prim not in (range, len)
        for name in op.operand_names():
            if name in rebound or find(name) in written:
                return False
            if typed and name not in facts.numeric and name not in facts.scalar:
                return False
        return find(target) not in self.aliases.written


def _pure(op):
    """Whether ``op`` (a rule-table call or operator) is deterministic and
    writes nothing."""
    return _deterministic(op.prim, op.binop) and _writes_nothing(op)


def _deterministic(prim, binop):
    if binop or isinstance(prim, np.ufunc) or prim is operator.getitem:
        return True
    if hashable(prim) and (prim in _PURE_BUILTINS or prim in _PURE_HELPERS):
        return True
    module = getattr(prim, "__module__", None) or ""
    return (module == "numpy" or module.startswith("numpy.")) and \
        not module.startswith("numpy.random")


def _writes_nothing(op):
    """What the effects table (rules/effects.py) says of ``op``'s call."""
    prim = op.prim
    value = op.stmt.value
    if isinstance(value, gast.Call):
        keywords = tuple(k.arg for k in value.keywords)
        func = value.func
        if isinstance(func, gast.Attribute) and op.callee is None:   # a method: x.sum()
            if method_effect(func.attr, keywords).kind != "pure":
                return False
        elif call_effect(prim, len(value.args), keywords).kind != "pure":
            return False
    return True


def _fresh(op, numeric):
    """An operation whose result shares no memory with its operands: a ufunc
    (or operator) of numbers and arrays (``+`` of lists shares their items)."""
    if op.kind != "prim":
        return op.kind == "const"
    return isinstance(op.prim, np.ufunc) and not op.kwargs and \
        all(n in numeric for n in op.operand_names())


def _written(op):
    """Names ``op`` may write into."""
    if op.kind in ("setitem", "append"):
        return [op.target.id]
    if op.kind in ("call", "other"):
        return op.operand_names() + [n.id for n in _names_in(op.stmt) if
                                     isinstance(n.ctx, gast.Load)]
    if op.kind == "prim":
        value = op.stmt.value
        if isinstance(value, gast.Call) and not _writes_nothing(op):
            return op.operand_names()
    return []


def _harmless(op):
    """An opaque statement that cannot write into an array: ``pass``."""
    return isinstance(op.stmt, gast.Expr) and isinstance(op.stmt.value, gast.Constant)


def _bound(op):
    """Names ``op`` binds (counters included)."""
    if op.kind == "unpack":
        return [n.id for n in _names_in(op.target)]
    if op.kind in ("setitem", "append"):
        return []
    if isinstance(op.target, gast.Name):
        return [op.target.id]
    return []


def _names_in(node):
    return [n for n in gast.walk(node) if isinstance(n, gast.Name)]


def _compounds(nodes):
    for node in nodes:
        if isinstance(node, Compound):
            yield node
            for block in node.blocks:
                yield from _compounds(block)
