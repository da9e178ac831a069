"""What a transform knows about the names of a function body: a record.

:func:`analyse` computes a :class:`Facts` once per function, after activity
analysis: the argument kinds the code is specialised on, which names are
active (need a derivative) and varied; which names the primal code overwrites
(``mutable``), which are used only after their single definition in the same
block (``local``), which hold numbers or arrays (``numeric``) and which
certainly hold numbers (``scalar``); which may hold lists or tuples
(``sequences``: ``+`` concatenates them); the ranks and shapes of names (from
the shapes of the arguments the code is specialised on, see :mod:`.shapes`);
and the names assigned into (``setitem_targets``, ``append_targets``) and
built as containers (``packs``).  Its methods are queries over that record
(which names a block touches, the kinds a call's arguments have...).

Both transforms (reverse, :mod:`.reverse`, and forward) read one
:class:`Facts`; neither changes it or recomputes any of it.

>>> import numpy as np
>>> from ..ir.ops import build_tree, walk_ops
>>> from ..frontend.anf import to_anf
>>> from ..frontend.parse import parse_function
>>> from ..ir.env import Env
>>> def f(x, n):
...     s = 0.0
...     for i in range(n):
...         s = s + np.sin(x) * i
...     return s
>>> info = parse_function(f)
>>> env = Env(info)
>>> tree = build_tree(to_anf(info.node).body, env.resolve)
>>> facts = analyse(tree, list(walk_ops(tree)), {"x": ("a", 3), "n": "f"}, ["x"],
...                 varied={"x", "s"}, active={"x", "s"}, env=env)
>>> sorted(facts.mutable), facts.ranks["x"], facts.shapes["x"], "s" in facts.scalar
(['_k', '_t5', '_t6', 'i', 's'], 1, (3,), False)
"""

import numbers
import operator

import gast
import numpy as np

from ..ir.fastast import Transformer, walk as _walk
from ...rules import conversions
from ...runtime.duck import array_size
from .activity import diff_operands, targets_of
from ..ir.env import const
from ..ir.ops import Compound, walk_ops
from ..lower.optimize import fold
from .shapes import call_rank, index_rank, infer_shapes

__all__ = ["Facts", "analyse"]


def _names(node):
    return [n.id for n in _walk(node) if isinstance(n, gast.Name)]


_TOP = object()   # rank inference: not known yet (optimistic start of the fixpoint)


def _float_literal(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, float)


#: NumPy functions whose result is a list or tuple (``+`` on them concatenates)
_SEQUENCE_RESULTS = frozenset(
    getattr(np, n) for n in ("split", "array_split", "hsplit", "vsplit", "dsplit", "meshgrid",
                             "broadcast_arrays", "atleast_1d", "atleast_2d", "atleast_3d",
                             "divmod", "modf", "frexp", "nonzero", "unique", "gradient",
                             "unstack") if hasattr(np, n))
_SEQUENCE_RESULTS |= frozenset(getattr(np.linalg, n) for n in (
    "eigh", "eig", "svd", "qr", "slogdet", "lstsq") if hasattr(np.linalg, n))


def analyse(tree, ops, kinds, wrt, varied, active, env):
    """The :class:`Facts` of a classified body (``tree``, its ``ops`` in
    source order) for arguments of ``kinds``, differentiated at ``wrt``, with
    the ``varied`` and ``active`` names of activity analysis."""
    facts = Facts(kinds, wrt, varied, active, env)
    facts.analyse(tree, ops)
    return facts


class Facts:
    """The record :func:`analyse` makes (see the module docstring)."""

    def __init__(self, kinds, wrt, varied, active, env):
        self.kinds = dict(kinds)    # parameter -> "f", ("a", *shape) or None
        self.wrt = list(wrt)
        self.varied_names = set(varied)
        self.active = set(active)
        self.env = env

    def read_before(self, op):
        """The names an adjoint may read that an operation on a varied value
        read before ``op`` (anywhere, for ``op`` inside a loop or branch)."""
        index = self._op_index.get(id(op), 0)
        top = id(op) in self._top_ops
        return {n for i, names in self._varied_reads if not top or i < index for n in names}

    def analyse(self, tree, ops):
        """Names the forward sweep overwrites (``mutable``), names whose every
        use follows their single definition in the same block (``local``),
        and names that certainly hold numbers or arrays (``numeric``)."""
        counts = {}
        for op in ops:
            if op.nosave:
                continue
            for t in targets_of(op):
                counts[t] = counts.get(t, 0) + (2 if op.kind in ("setitem", "append") else 1)
        self.mutable = {t for t, c in counts.items() if c > 1}
        varied = self.varied_names
        self._top_ops = {id(n) for n in tree}
        self._op_index = {id(op): i for i, op in enumerate(ops)}
        self._varied_reads = [(i, op.operand_names()) for i, op in enumerate(ops)
                              if any(n in varied for n in op.operand_names())]
        self.setitem_targets = {op.target.id for op in ops if op.kind == "setitem"}
        self.append_targets = {op.target.id for op in ops if op.kind == "append"}
        self.packs = {}
        for op in ops:
            if op.kind in ("pack", "copy"):
                self.packs.setdefault(op.target.id, []).append(op)
        self.loop_targets = set()
        self.range_targets = set()
        ranges = {op.target.id for op in ops if op.kind == "prim" and op.prim is range}
        defs, uses = {}, {}

        def visit(block, bid, inside):
            for pos, node in enumerate(block):
                if isinstance(node, Compound):
                    head = [node.test, node.iter]
                    for n in head:
                        if n is not None:
                            for name in _names(n):
                                uses.setdefault(name, []).append((bid, pos))
                    if node.kind == "for":
                        self.loop_targets.add(node.target)
                        self.mutable.add(node.target)
                        if isinstance(node.iter, gast.Name) and node.iter.id in ranges:
                            self.range_targets.add(node.target)
                    hoisted = getattr(node.stmt, "hoisted", False)  # lower/hoist.py's guard
                    for k, sub in enumerate(node.blocks):
                        visit(sub, (bid, pos, k), inside if hoisted else True)
                    continue
                if node.nosave:
                    continue
                for t in targets_of(node):
                    defs[t] = (bid, pos)
                    if inside:
                        self.mutable.add(t)
                names = node.operand_names()
                if node.kind in ("setitem", "append"):
                    names = names + [node.target.id]
                for name in names:
                    uses.setdefault(name, []).append((bid, pos))
        visit(tree, (), False)
        self.local = set()
        for name, (bid, pos) in defs.items():
            if counts.get(name) != 1 or name in self.wrt:
                continue
            if all(b == bid and p > pos for b, p in uses.get(name, [])):
                self.local.add(name)
        self.scalar = {p for p, k in self.kinds.items() if k == "f"}
        known = {p: (() if k == "f" else tuple(k[1:])) for p, k in self.kinds.items()
                 if k == "f" or k and k[0] == "a"}
        known.update({t: () for t in self.range_targets})
        self.shapes = infer_shapes(ops, known)
        self.infer_ranks(ops)
        # numbers and arrays (their cotangents add with +): whatever has a known
        # rank; anything else may be a list, tuple or dict (added per element)
        self.numeric = set(self.ranks)
        self.sequences = self._maybe_sequences(ops)
        # scalars: the greatest fixpoint, since loops carry values around
        assigned = {}
        for op in ops:
            if not op.nosave:
                for t in targets_of(op):
                    assigned.setdefault(t, []).append(op)
        params = set(self.kinds)
        self.scalar = {t for t in assigned if t not in params or self.kinds.get(t) == "f"}
        self.scalar |= {p for p, k in self.kinds.items() if k == "f"}
        changed = True
        while changed:
            changed = False
            for t in sorted(self.scalar):
                if not all(self._makes_scalar(op) for op in assigned.get(t, ())):
                    self.scalar.discard(t)
                    changed = True

    def specialise_shapes(self, expr, folded=False):
        """Use what is known of ranks: ``np.size(s)`` of a 0-d value is 1 and
        ``np.shape(a)`` of an array is ``a.shape``; then fold constants
        (``folded``: ``expr`` is folded already, as ``rule_expr`` hands it
        back, and is folded again only if something was replaced)."""
        shapes = _Shapes(self.ranks, self.shapes, self.env)
        expr = shapes.visit(expr)
        if folded and not shapes.changed:
            return expr
        return fold(expr, self.env.resolve)

    def python_operator(self, op):
        """The rule of Python's ``+`` / ``*`` (``conversions.plus`` /
        ``times``: concatenation and repetition of lists and tuples) for an
        operator whose operands may be sequences; ``None`` where NumPy's
        addition and multiplication are certainly what runs."""
        if not op.binop or op.prim not in (np.add, np.multiply):
            return None
        seq = [isinstance(a, gast.Name) and a.id in self.sequences for a in op.args[:2]]
        if op.prim is np.add:
            return conversions.plus if all(seq) else None
        return conversions.times if self.repeats(op.args) else None

    def may_broadcast(self, op, pos):
        """Whether the cotangent of operand ``pos`` may need summing back:
        not when every other operand is a scalar (a number, or a name known
        to hold one)."""
        if pos >= len(op.args):   # passed by keyword (``np.clip(x, a_min=lo)``)
            return True
        node, target = op.args[pos], op.target
        if isinstance(node, gast.Name) and isinstance(target, gast.Name) and \
                node.id in self.shapes and \
                self.shapes.get(target.id) == self.shapes[node.id]:
            return False
        others = [a for i, a in enumerate(op.args) if i != pos]
        # ``x * x``: every other operand a scalar or the same name, whose shape is
        # this operand's, so the output's (the square of a parameter tree's leaf)
        same = isinstance(node, gast.Name)
        return not all(isinstance(a, gast.Constant) and isinstance(a.value, (int, float))
                       or isinstance(a, gast.Name) and (a.id in self.scalar or
                                                        same and a.id == node.id)
                       for a in others)

    def rank_of(self, node):
        if isinstance(node, gast.Constant):
            return 0 if isinstance(node.value, (int, float)) and \
                not isinstance(node.value, bool) else None
        if isinstance(node, gast.Name):
            return self.ranks.get(node.id)
        return None

    def infer_ranks(self, ops):
        """``ranks``: names whose ndim is known, from the ranks of the
        arguments the function is specialised on (a fixpoint: a name
        assigned twice must get the same rank both times)."""
        self.ranks = {t: 0 for t in self.range_targets}
        fixed = {t: len(shape) for t, shape in self.shapes.items()}
        for p, k in self.kinds.items():
            if k == "f":
                self.ranks[p] = 0
            elif k and k[0] == "a":
                self.ranks[p] = len(k) - 1
        assigned = {}
        for op in ops:
            if not op.nosave:
                for t in targets_of(op):
                    assigned.setdefault(t, []).append(op)
        for t in assigned:  # optimistic start: loops carry ranks around
            if t not in self.kinds and t not in self.ranks:
                self.ranks[t] = _TOP
        self.ranks.update(fixed)
        for t in fixed:
            assigned.pop(t, None)  # known from the shapes
        for _ in range(2 * len(assigned) + 2):
            changed = False
            for t, defs in assigned.items():
                if t not in self.ranks:
                    continue  # known to be unknown
                ranks = {self._rank_of_op(op) for op in defs}
                if t in self.kinds:
                    ranks.add(self.ranks.get(t))
                ranks.discard(_TOP)
                rank = _TOP if not ranks else (ranks.pop() if len(ranks) == 1 else None)
                if rank is None:
                    del self.ranks[t]
                    changed = True
                elif self.ranks.get(t) != rank:
                    self.ranks[t] = rank
                    changed = True
            if not changed:
                break
        self.ranks = {t: r for t, r in self.ranks.items() if r is not _TOP}

    def _rank_of_op(self, op):
        if op.kind == "copy":
            return self.rank_of(op.args[0])
        if op.kind == "const":
            return self.rank_of(op.stmt.value)
        if op.kind != "prim":
            return None
        if _TOP in [self.rank_of(a) for a in op.args]:
            return _TOP
        return call_rank(op.prim, op.args, op.kwargs, self.rank_of)

    def index_rank(self, rank, index):
        """The rank of ``a[index]`` for ``a`` of rank ``rank`` (shapes.index_rank)."""
        return index_rank(rank, index, self.rank_of)

    def _maybe_sequences(self, ops):
        """Names that may hold a list or tuple, for which Python's ``+`` and
        ``*`` concatenate and repeat instead of adding and multiplying (a
        least fixpoint): literals, parameters and results of user calls not
        known to be numbers or arrays, items and copies of such values, and
        ``+`` / ``*`` of them.  A name with a known rank, and the result of a
        ufunc or any other NumPy function but the few that return lists or
        tuples, is not one."""
        maybe = {p for p, k in self.kinds.items() if not (k == "f" or k and k[0] == "a")}
        defs = {}
        for op in ops:
            if not op.nosave:
                for t in targets_of(op):
                    defs.setdefault(t, []).append(op)
        # read but never assigned: parameters of unknown kind, free variables
        maybe |= {n for op in ops for n in op.operand_names()
                  if n not in defs and n not in self.kinds and not self._number_now(n)}

        def may(node):
            return isinstance(node, gast.Name) and node.id in maybe

        def repeats(args):
            """``a * b`` may repeat a sequence: one operand may be one, and the
            other is not a float literal (the count must be an int)."""
            a, b = args[:2]
            if isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id:
                return False  # a sequence times itself is an error, never a repeat
            # a NumPy value on the left multiplies whatever is on the right
            return may(a) and not _float_literal(b) or \
                may(b) and not _float_literal(a) and not numpy_made(a)

        def numpy_made(node):
            if not isinstance(node, gast.Name) or node.id in maybe:
                return False
            return node.id in self.ranks or all(
                op.kind == "prim" and not op.binop and op.prim not in _SEQUENCE_RESULTS and
                (isinstance(op.prim, np.ufunc) or
                 (getattr(op.prim, "__module__", None) or "").startswith("numpy"))
                for op in defs.get(node.id, [None]) if op is not None) and \
                node.id in defs

        self.repeats = repeats

        def makes(op):
            kind = op.kind
            if kind in ("pack", "unpack", "call", "other"):
                return True
            if kind == "copy":
                return may(op.args[0])
            if kind != "prim":
                return False
            if op.prim is np.add and op.binop:
                return may(op.args[0]) and may(op.args[1])
            if op.prim is np.multiply and op.binop:
                return repeats(op.args)
            if op.prim is operator.getitem or op.prim is conversions.as_sequence:
                return may(op.args[0])  # rows of an array are arrays
            return op.prim in _SEQUENCE_RESULTS or \
                (getattr(op.prim, "__module__", None) or "").startswith("srcgrad.") or \
                not (isinstance(op.prim, np.ufunc) or
                     (getattr(op.prim, "__module__", None) or "").startswith("numpy"))
        changed = True
        while changed:
            changed = False
            for t, ops_t in defs.items():
                if t not in maybe and t not in self.ranks and any(makes(op) for op in ops_t):
                    maybe.add(t)
                    changed = True
        return maybe - set(self.ranks)

    def _number_now(self, name):
        """Whether a free name (a global, a closure variable) holds a number
        or an array when the function is compiled."""
        node = gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
        try:
            value = self.env.resolve(node)
        except Exception:  # noqa: BLE001 - an unresolvable name: unknown
            return False
        return isinstance(value, (numbers.Number, np.ndarray, np.generic))

    def _makes_scalar(self, op):
        """Whether ``op`` certainly produces a 0-d value (a Python or NumPy
        scalar) given what is known about its operands."""
        if op.kind == "const":
            value = op.stmt.value.value
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if op.kind == "copy":
            return op.args[0].id in self.scalar
        if op.kind != "prim":
            return False
        if self._rank_of_op(op) == 0:
            return True
        if call_rank(op.prim, op.args, op.kwargs, self._assumed_rank) == 0:
            return True   # what the names still taken for scalars give
        if isinstance(op.stmt.value, (gast.BinOp, gast.UnaryOp)) or (
                isinstance(op.prim, np.ufunc) and not op.kwargs):
            return all(isinstance(a, gast.Constant) and isinstance(a.value, (int, float)) or
                       isinstance(a, gast.Name) and a.id in self.scalar for a in op.args)
        return False

    def _assumed_rank(self, node):
        """``rank_of``, with the names still in ``scalar`` (its greatest
        fixpoint, while it is computed) taken for numbers."""
        if isinstance(node, gast.Name) and node.id in self.scalar:
            return 0
        return self.rank_of(node)

    def touched(self, nodes):
        """Non-local names whose adjoint a block reads or writes."""
        out = set()
        for op in walk_ops(nodes):
            if op.nosave:
                continue
            targets = targets_of(op)
            if op.kind in ("setitem", "append"):
                if op.target.id in self.active:
                    out.add(op.target.id)
                    out.update(n for _, n in diff_operands(op) if n in self.active)
                continue
            if any(t in self.active for t in targets):
                out.update(t for t in targets if t in self.active)
                out.update(n for _, n in diff_operands(op) if n in self.active)
        return out - self.local

    # ------------------------------------------------------------ adjoint
    def arg_kinds(self, args):
        """Kinds of call arguments as the caller knows them: ``"f"`` for a
        number, ``("a", *shape)`` for an array of known shape, else ``None``."""
        out = []
        for a in args:
            name = a.id if isinstance(a, gast.Name) else None
            if isinstance(a, gast.Constant) and type(a.value) in (int, float):
                out.append("f")
            elif name is not None and name in self.scalar:
                out.append("f")
            elif name is not None and self.shapes.get(name) is not None and \
                    self.kinds.get(name, "x") != "f" and self.shapes[name] != () and \
                    name in self.numeric:
                out.append(("a",) + tuple(self.shapes[name]))
            else:
                out.append(None)
        return tuple(out)

    def returns_mutated(self, name):
        """Whether the value ``name`` holds contains an array or list that the
        function assigned into (directly, or inside the tuple/list/dict built
        for the return)."""
        mutated = self.setitem_targets | self.append_targets
        seen, todo = set(), [name]
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in mutated:
                return True
            for op in self.packs.get(n, ()):
                todo.extend(a.id for a in op.args if isinstance(a, gast.Name))
        return False

    def loop_accumulators(self, node, touched):
        """Names whose cotangent a loop only accumulates into (the loop never
        rebinds them, it may assign into them): the adjoint loop can update a
        private copy in place (``bx[i] += g``) instead of allocating per step."""
        rebound = set()
        for op in (o for block in node.blocks for o in walk_ops(block)):
            if op.kind not in ("setitem", "append") and not op.nosave:
                rebound.update(targets_of(op))
        out = set()
        for v in touched - rebound:
            if v in self.numeric or (self.ranks.get(v) or 0) >= 1 or v in self.setitem_targets:
                out.add(v)
        return out


class _Shapes(Transformer):
    """See :meth:`Facts.specialise_shapes`."""

    def __init__(self, ranks, shapes, env):
        self.ranks, self.shapes, self.env = ranks, shapes, env
        self.changed = False    # whether a call was replaced

    def visit_Call(self, node):
        self.generic_visit(node)
        if len(node.args) != 1 or node.keywords or \
                not isinstance(node.args[0], gast.Name):
            return node
        fn = self.env.resolve(node.func)
        rank = self.ranks.get(node.args[0].id)
        shape = self.shapes.get(node.args[0].id)
        if fn is array_size:     # np.size for the rules, lazy on Dask (runtime/duck.py)
            fn = np.size
        if shape is not None and fn in (np.shape, np.size, np.ndim):
            self.changed = True
            return const(shape if fn is np.shape else
                         (int(np.prod(shape)) if fn is np.size else len(shape)))
        if fn is np.size and rank == 0:
            self.changed = True
            return const(1)
        if fn is np.shape and rank is not None and rank >= 1:
            self.changed = True
            return gast.Attribute(value=node.args[0], attr="shape", ctx=gast.Load())
        return node
