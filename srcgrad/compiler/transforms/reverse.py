"""Reverse mode: from A-normal form to forward and adjoint statements.

For every active statement ``t = op(a, b)`` (see :mod:`.activity`), walking the
body backwards, the adjoint sweep gets ``ba = <rule for a>(bt, t, a, b)``:
the rule's body is inlined when it is one expression, broadcasting is undone
by ``_rt.unbroadcast`` only for broadcasting primitives whose other operands
are not plain numbers, and the first contribution to an adjoint is assigned
rather than added to a zero (later ones are ``bx = bx + ...``, never in place,
so no adjoint aliases another).

Control flow is replayed: an ``if`` in the forward sweep becomes the same
``if`` in the adjoint sweep; a loop becomes a loop over the same indices in
reverse (``for i in reversed(r)``) or a counted loop.  A value the adjoint
sweep reads and the forward sweep overwrites is pushed on a stack before it is
overwritten and popped back after the adjoint of the overwriting statement,
so every adjoint statement sees the values its forward statement saw.
Subscript assignments save the overwritten slice and restore it in place.

Calls to user functions become calls to their own compiled VJPs: the forward
gets ``t, helper_pb = helper_vjp(a, b)`` and the adjoint ``_b = helper_pb(bt)``.

>>> import gast, numpy as np
>>> from ..frontend.anf import to_anf, dump
>>> from ..frontend.parse import parse_function
>>> def f(x, y):
...     return np.sin(x) * y
>>> info = parse_function(f)
>>> r = Reverser(info, ["x"], Env(info))
>>> fwd, adj, out = r.run(to_anf(info.node).body)
>>> print(dump(adj))
_bt1 = _rt.unbroadcast(_bt2 * _rt.conj(y), _t1)
bx = _bt1 * _rt.conj(np.cos(x))
"""

import copy
import operator

import gast
import numpy as np

from ..ir.fastast import walk as _walk
from ... import rules
from ...rules import conversions, mutation
from ..analysis.activity import active_names, diff_operands, targets_of
from .calls import ReverseCalls, check_starred, check_statement_call
from ..frontend.callbind import bind_calls
from .dynamic import Dynamic, make_dynamic
from ..ir.env import Env, assign, attr, call, const, load, store
from ..lower.hoist import hoist_invariants
from ..lower.remat import recomputable
from .loop_exits import guard_early_exits
from ..lower.optimize import scalars_first
from ..analysis.facts import _names, analyse
from ..ir.ops import Compound, Op, build_tree, classify, group_try_parts, split_aux, walk_ops
from ..frontend.resolve import check as resolve_ops
from .rulecall import rule_expr
from .tree_loops import close_slots, open_slots, slot_containers
from .shape_saves import save_shapes_only
from ..analysis.shapes import sum_axes
from ..frontend.trycatch import try_forward
from ..frontend.withblock import with_forward

__all__ = ["Reverser", "Env"]



def _marker(kind, *parts):
    node = gast.Expr(value=const(None))
    node.marker = (kind,) + parts
    return node


class Reverser(ReverseCalls):
    """Build the forward and adjoint statement lists of one function body."""

    def __init__(self, info, wrt, env, compile_callee=None, on_blocked=None, has_aux=False,
                 kinds=None):
        self.info = info
        self.on_blocked = on_blocked
        self.has_aux = has_aux
        self.wrt = list(wrt)
        self.env = env
        self.namer = env.namer
        self.compile_callee = compile_callee
        self.kinds = dict(kinds or {})   # parameter -> "f" (scalar), "a" (array) or None
        self.adjoints = {}     # variable -> adjoint name
        self.defined = set()   # variables whose adjoint holds a value at this point
        self.out = []
        self.check_callee = lambda callee, op: None   # set by the pipeline
        self.has_mutation = False
        self.inplace = frozenset()   # cotangents owned by the adjoint loop being written

    # ------------------------------------------------------------ names
    def adj(self, var):
        name = self.adjoints.get(var)
        if name is None:
            base = "_b" + var[1:] if var.startswith("_") else "b" + var
            name = self.namer.fresh(base)
            self.adjoints[var] = name
        return name

    def accumulate(self, var, expr, line):
        name = self.adj(var)
        if isinstance(expr, tuple) and expr[0] == "add_at":  # in place, into an owned array
            _, index, g = expr
            self.out.append(assign(name, call(attr(self.env.runtime(), "add_at"),
                                              [load(name), index, g]), line))
            return
        if var not in self.defined:
            self.defined.add(var)
            self.out.append(assign(name, expr, line))
        elif var in self.facts.numeric and var in self.inplace:  # an owned accumulator
            stmt = gast.AugAssign(target=store(name), op=gast.Add(), value=expr)
            stmt.user_line = line
            self.out.append(stmt)
        elif var in self.facts.numeric:
            self.out.append(assign(name, gast.BinOp(left=load(name), op=gast.Add(),
                                                    right=expr), line))
        else:
            rt = self.env.runtime()
            self.out.append(assign(name, call(attr(rt, "add"), [load(name), expr]), line))

    def materialize(self, names, line=None):
        rt = self.env.runtime()
        out = []
        for v in sorted(names):
            out.append(assign(self.adj(v), call(attr(rt, "zeros_like"), [load(v)]), line))
        return out

    # ------------------------------------------------------------ main
    def run(self, body):
        """Return ``(forward_stmts, adjoint_stmts, output_atom)``."""
        tree = build_tree(body, self.env.resolve)
        ret = tree[-1] if tree and isinstance(tree[-1], Op) and tree[-1].kind == "return" \
            else None
        out_atom = ret.args[0] if ret is not None else const(None)
        self.seed = out_atom
        if self.has_aux:
            self.seed = split_aux(self.info, tree, ret)
            tree[-1] = classify(gast.Return(value=self.seed), self.env.resolve)
        make_dynamic(tree, self.wrt, self.kinds, self.env.resolve, self.info)
        bind_calls(tree, self.env, self.info)
        self.add_counters(tree, nested=False)
        ops = list(walk_ops(tree))
        resolve_ops(tree, self.wrt, self.kinds, self.info, self.env.resolve)  # closed world
        active = active_names(ops, self.wrt, self.on_blocked)
        self.facts = analyse(tree, ops, self.kinds, self.wrt, active_names.varied, active,
                             self.env)
        if hoist_invariants(tree, self.facts, self.namer):   # lower/hoist.py
            ops = list(walk_ops(tree))
            self.facts = analyse(tree, ops, self.kinds, self.wrt, active_names.varied, active,
                                 self.env)
        self.recompute = recomputable(tree, self.facts)   # lower/remat.py
        if guard_early_exits(tree, self.recompute, self.namer, self.env.resolve):
            ops = list(walk_ops(tree))
            self.facts = analyse(tree, ops, self.kinds, self.wrt, active_names.varied, active,
                                 self.env)
            self.recompute = recomputable(tree, self.facts)
        # names the forward sweep overwrites: the facts', and the pullbacks of
        # calls made where those are (prepare_call adds them)
        self.mutable = set(self.facts.mutable)
        # run-time-length *-unpacking: only where no gradient goes
        check_starred(ops, self.facts, self.info)
        for op in ops:
            if op.kind == "call" and (any(t in self.facts.active for t in targets_of(op)) or
                                      isinstance(op.callee, Dynamic)):  # checked when called
                self.prepare_call(op)
            elif op.kind == "call" or op.kind == "other" and isinstance(op.stmt, gast.Expr):
                check_statement_call(op, self.facts, self.env, self.info, self.check_callee)
        if isinstance(self.seed, gast.Name) and self.seed.id in self.facts.active:
            self.defined.add(self.seed.id)  # its adjoint is the pullback's parameter
        not_saved = self.facts.loop_targets | {op.target.id for found in
                                               self.recompute.values() for op in found}
        self.first_bindings = self._first_bindings(tree)
        self.bound_first = {t for _, t in self.first_bindings}
        raw = self.block_adjoint(tree)
        raw = save_shapes_only(self, tree, raw)   # shape_saves.py
        # Save only what the adjoint reads; dropping a restore can empty a
        # replayed if/loop and so drop its reads too: iterate to a fixpoint.
        reads = _loads(raw, markers=True)
        saved = {v for v in self.mutable if v in reads} - not_saved
        while True:
            self.saved = saved
            adjoint = self.resolve_markers(raw)
            reads = _loads(adjoint)
            smaller = {v for v in self.mutable if v in reads} - not_saved
            if smaller >= saved:
                break
            saved = smaller
        # (an element the adjoint loop takes again may be read before it, for
        # a zero cotangent: bound like a loop variable)
        self.restored = sorted(self.saved | (not_saved & reads))
        forward = self.block_forward(tree)
        return forward, adjoint, out_atom

    def reassociate(self, stmts):
        """Scalar factors first in products, explicit broadcasts of a scalar
        dropped where the product has that shape anyway (see
        :func:`.optimize.scalars_first`, and across statements
        :func:`.broadcasts.scalar_cotangents`); run on the final adjoint."""
        from ... import runtime

        primal = {adj: var for var, adj in self.adjoints.items()}

        def shape_of(name):
            name = primal.get(name, name)  # a cotangent has its primal's shape
            return () if name in self.facts.scalar else self.facts.shapes.get(name)
        from ..lower.broadcasts import scalar_cotangents
        stmts = [scalars_first(s, shape_of, self.env.resolve, runtime.expand_reduced)
                 for s in stmts]
        return scalar_cotangents(stmts, shape_of, self.env.resolve, runtime.expand_reduced)


    # ------------------------------------------------------------ analyses
    def add_counters(self, tree, nested):
        """Loops whose trip count is not ``len(range)`` get a counter:
        ``_n = 0`` before, ``_n = _n + 1`` first in the body."""
        i = 0
        while i < len(tree):
            node = tree[i]
            if isinstance(node, Compound):
                for block in node.blocks:
                    self.add_counters(block, True)
                needs = node.kind == "while" or (
                    node.kind == "for" and any(isinstance(n, Compound) and n.exit_check
                                               for n in node.blocks[0]))
                if needs:
                    name = self.namer.fresh("_n")
                    node.counter = name
                    init = classify(assign(name, const(0), node.stmt.user_line),
                                    self.env.resolve)
                    incr = classify(assign(name, gast.BinOp(left=load(name), op=gast.Add(),
                                                            right=const(1)),
                                           node.stmt.user_line), self.env.resolve)
                    incr.nosave = True
                    body = node.blocks[0]
                    # ``if c: break`` first (desugar.py keeps it): count the iterations
                    # that pass it; the one that breaks there has nothing to replay
                    early = [k for k, n in enumerate(body[:-1])
                             if isinstance(n, Compound) and n.exit_check]
                    body.insert(early[0] + 1 if early else 0, incr)
                    tree.insert(i, init)
                    i += 1
            i += 1

    def _first_bindings(self, tree):
        """``(id(op), name)`` for the top-level operations that bind ``name``
        before anything reads or binds it: what they overwrite is unbound, so
        nothing is pushed before them nor restored after their adjoint."""
        seen = set(self.kinds) | set(self.wrt)
        seen.update(n.id for n in _walk(self.info.node.args) if isinstance(n, gast.Name))
        out = set()
        for node in tree:
            if isinstance(node, Compound):
                seen.update(n.id for n in _walk(node.stmt) if isinstance(n, gast.Name))
                for op in walk_ops([node]):
                    seen.update(_bound(op))
                continue
            seen.update(node.operand_names())
            if node.kind in ("setitem", "append"):
                seen.add(node.target.id)
                continue
            for t in targets_of(node):
                if t not in seen:
                    out.add((id(node), t))
                seen.add(t)
        return out

    def block_adjoint(self, nodes):
        saved, self.out = self.out, []
        for node in reversed(nodes):
            if isinstance(node, Compound):
                self.compound_adjoint(node)
            else:
                self.op_adjoint(node)
        out, self.out = self.out, saved
        return out

    def compound_adjoint(self, node):
        if node.exit_check:
            return
        line = node.stmt.user_line
        touched = set()
        for block in node.blocks:
            touched |= self.facts.touched(block)
        slotted = slot_containers(self.facts, node, touched)  # tree_loops.py
        self.out.extend(self.materialize(touched - self.defined - slotted, line))
        self.out.extend(open_slots(self, slotted - self.defined, line))
        start = self.defined | touched
        if node.kind == "if":
            ends, bodies = [], []
            for block in node.blocks:
                self.defined = set(start)
                bodies.append(self.block_adjoint(block))
                ends.append(self.defined)
            target = ends[0] | ends[1]
            for body, end in zip(bodies, ends):
                body.extend(self.materialize(target - end, line))
            self.defined = target
            if not bodies[0] and not bodies[1]:
                return
            if isinstance(node.test, gast.Constant) and node.test.value is True:
                self.out.extend(bodies[0])  # a with-block or a finally clause: always ran
                return
            stmt = gast.If(test=copy.deepcopy(node.test), body=bodies[0] or [gast.Pass()],
                           orelse=bodies[1])
            stmt.user_line = line
            self.out.append(stmt)
            return
        owned = self.facts.loop_accumulators(node, touched) | slotted
        for v in sorted(owned & self.defined - (touched - self.defined)):
            # a cotangent made elsewhere may be shared: take a private copy first
            self.out.append(assign(self.adj(v), call(attr(self.env.runtime(), "owned"),
                                                     [load(self.adj(v))]), line))
        self.defined = set(start)
        saved_inplace, self.inplace = self.inplace, self.inplace | owned
        body = self.block_adjoint(node.blocks[0])
        self.inplace = saved_inplace
        body.extend(self.materialize(start - self.defined, line))
        self.defined = start
        if not body:
            self.out.extend(close_slots(self, slotted, line))
            return
        read = _loads(body, markers=True)
        body[:0] = [assign(op.target.id, copy.deepcopy(op.stmt.value), op.stmt.user_line)
                    for op in self.recompute.get(id(node), ()) if op.target.id in read]
        if node.kind == "for":
            seq = copy.deepcopy(node.iter)
            if node.counter:
                seq = gast.Subscript(value=seq, slice=gast.Slice(lower=None, upper=load(
                    node.counter), step=None), ctx=gast.Load())
            iterable = call(load(self.env.builtin("reversed")), [seq])
            target = node.target
        else:
            iterable = call(load(self.env.builtin("range")), [load(node.counter)])
            target = self.namer.fresh("_")
        loop = gast.For(target=store(target), iter=iterable, body=body, orelse=[],
                        type_comment=None)
        loop.user_line = line
        self.out.append(loop)
        self.out.extend(close_slots(self, slotted, line))

    def op_adjoint(self, op):
        if op.nosave or op.kind == "return":
            return
        line = getattr(op.stmt, "user_line", None)
        kind = op.kind
        if kind == "setitem":
            self.setitem_adjoint(op, line)
        elif kind == "append":
            self.append_adjoint(op, line)
        else:
            targets = targets_of(op)
            if any(t in self.facts.active and t in self.defined for t in targets):
                contribs = self.contributions(op, line)
                self.consume(op, targets, contribs, line)
            restore = [t for t in targets if t in self.mutable and
                       (id(op), t) not in self.first_bindings]
            if op.kind == "call" and op.pullback and op.pullback in self.mutable:
                restore.append(op.pullback)
            if restore:
                self.out.append(_marker("names", restore))

    def consume(self, op, targets, contribs, line):
        """Emit the contributions; an overwritten target's adjoint starts over
        (the older value it replaces has had no contribution yet)."""
        mine = [(v, e) for v, e in contribs if v in targets]
        for var, expr in contribs:
            if var not in targets:
                self.accumulate(var, expr, line)
        for t in targets:
            if t in self.mutable or t in self.facts.local:
                self.defined.discard(t)
        by_var = {}
        for var, expr in mine:  # all read the adjoint of the new value: sum first
            by_var[var] = expr if var not in by_var else \
                gast.BinOp(left=by_var[var], op=gast.Add(), right=expr)
        for var, expr in by_var.items():
            self.accumulate(var, expr, line)

    def contributions(self, op, line):
        """``[(operand name, cotangent expression)]`` for an active op."""
        kind = op.kind
        out = []
        if kind == "copy":
            src = op.args[0].id
            if src in self.facts.active:
                out.append((src, load(self.adj(op.target.id))))
        elif kind == "pack":
            g = self.adj(op.target.id)
            for i, a in enumerate(op.args):
                if isinstance(a, gast.Name) and a.id in self.facts.active:
                    key = const(op.keys[i] if op.keys is not None else i)
                    out.append((a.id, gast.Subscript(value=load(g), slice=key,
                                                     ctx=gast.Load())))
        elif kind == "unpack":
            src = op.args[0]
            if isinstance(src, gast.Name) and src.id in self.facts.active:
                rt = self.env.runtime()
                parts = [load(self.adj(e.id)) if e.id in self.defined else
                         call(attr(rt, "zeros_like"), [load(e.id)]) for e in op.target.elts]
                out.append((src.id, gast.Tuple(elts=parts, ctx=gast.Load())))
        elif kind == "prim":
            out = self.prim_contributions(op)
        elif kind == "call":
            out = self.call_contributions(op, line)
        return out

    def prim_contributions(self, op):
        """Contributions of a rule-table op; two to the same operand (``x * x``)
        are summed into one statement (``2 * ...`` when they are equal)."""
        out, index = [], {}
        for name, expr in self._prim_contributions(op):
            if name in index and not isinstance(expr, tuple) and \
                    not isinstance(out[index[name]][1], tuple):
                k = index[name]
                prev = out[k][1]
                merged = gast.BinOp(left=const(2), op=gast.Mult(), right=prev) \
                    if gast.dump(prev) == gast.dump(expr) else \
                    gast.BinOp(left=prev, op=gast.Add(), right=expr)
                out[k] = (name, merged)
                continue
            index[name] = len(out)
            out.append((name, expr))
        return out

    def _prim_contributions(self, op):
        if not rules.has_rule(op.prim):
            return []
        prim = rules.lookup(self.facts.python_operator(op) or op.prim)
        t = op.target.id
        g = load(self.adj(t))
        out = []
        for pos, name in diff_operands(op):
            if name not in self.facts.active:
                continue
            node = op.args[pos] if pos < len(op.args) else None
            if node is not None and not isinstance(node, gast.Name):
                continue  # a name inside a composite argument: not differentiable here
            special = None
            if not op.kwargs:
                ranks = tuple(self.facts.rank_of(a) for a in op.args)
                if None not in ranks:
                    special = rules.special(op.prim, pos, ranks)
            if op.prim is operator.getitem and pos == 0 and name in self.inplace and \
                    name in self.defined:
                out.append((name, ("add_at", copy.deepcopy(op.args[1]), g)))
                continue
            expr = rule_expr(self.env, prim, pos, g, load(t), op.args, op.kwargs, special)
            expr = self.facts.specialise_shapes(expr, folded=True)  # rule_expr folds
            if prim.broadcasts and self.facts.may_broadcast(op, pos):
                expr = self.unbroadcast(expr, name, t)
            out.append((name, expr))
        return out

    def unbroadcast(self, expr, name, gname):
        """``expr`` (a cotangent shaped like ``gname``) summed back to the shape
        of ``name``: a literal ``np.sum(..., axis=...)`` when both shapes are
        known, ``_rt.unbroadcast`` otherwise."""
        gshape, xshape = self.facts.shapes.get(gname), self.facts.shapes.get(name)
        if gshape is not None and xshape is not None:
            if gshape == xshape:
                return expr
            axes = sum_axes(gshape, xshape)
            if axes is not None and gshape:
                # the cotangent is an ndarray of shape gshape: its own .sum method
                # avoids NumPy's function dispatch
                total = gast.Attribute(value=expr, attr="sum", ctx=gast.Load())
                if not xshape:
                    return call(total, [])
                lead = len(gshape) - len(xshape)
                if all(a < lead for a in axes):
                    return call(total, [], [gast.keyword(arg="axis", value=const(
                        axes[0] if len(axes) == 1 else axes))])
                summed = call(total, [], [gast.keyword(arg="axis", value=const(axes)),
                                          gast.keyword(arg="keepdims", value=const(True))])
                return call(gast.Attribute(value=summed, attr="reshape", ctx=gast.Load()),
                            [const(xshape)])
        return call(attr(self.env.runtime(), "unbroadcast"), [expr, load(name)])

    def setitem_adjoint(self, op, line):
        """``y[idx] = v``: ``v`` gets ``by[idx]``, and the overwritten
        elements of ``y`` get no gradient from the older ``y``."""
        y, (value, index) = op.target.id, op.args
        rt = self.env.runtime()
        if y in self.facts.active and y in self.defined:
            by = load(self.adj(y))
            if isinstance(value, gast.Name) and value.id in self.facts.active:
                expr = call(self.mutation_rule("setitem_value_vjp"), [by, copy.deepcopy(index)])
                base_rank = self.facts.ranks.get(y)
                if not (self.facts.ranks.get(value.id) == 0 and base_rank is not None and
                        self.facts.index_rank(base_rank, index) == 0):
                    expr = call(attr(rt, "unbroadcast"), [expr, load(value.id)])
                self.accumulate(value.id, expr, line)
            helper = "zero_at_inplace" if y in self.inplace else "zero_at"
            self.out.append(assign(self.adj(y), call(self.mutation_rule(helper),
                                                     [load(self.adj(y)), copy.deepcopy(index)]),
                                   line))
        self.has_mutation = True
        self.out.append(_marker("setitem", load(y), copy.deepcopy(index)))

    def mutation_rule(self, name):
        """The generated code's name for a mutation adjoint of
        srcgrad/rules/mutation.py (bound like a rule that is not inlined)."""
        return load(self.env.ref(getattr(mutation, name), name))

    def append_adjoint(self, op, line):
        lst, value = op.target.id, op.args[0]
        if lst in self.facts.active and lst in self.defined:
            if isinstance(value, gast.Name) and value.id in self.facts.active:
                self.accumulate(value.id, call(self.mutation_rule("last"),
                                               [load(self.adj(lst))]), line)
            self.out.append(assign(self.adj(lst), call(self.mutation_rule("drop_last"),
                                                       [load(self.adj(lst))]), line))
        self.has_mutation = True
        self.out.append(_marker("append", load(lst)))

    # ------------------------------------------------------------ markers
    def resolve_markers(self, stmts):
        out = []
        for stmt in stmts:
            marker = getattr(stmt, "marker", None)
            if marker is None:
                if isinstance(stmt, (gast.If, gast.For)):  # a new node: raw stays intact
                    stmt = copy.copy(stmt)
                    stmt.body = self.resolve_markers(stmt.body)
                    stmt.orelse = self.resolve_markers(stmt.orelse)
                    if _empty(stmt):
                        continue
                    if not stmt.body:
                        stmt.body = [gast.Pass()]
                out.append(stmt)
                continue
            kind = marker[0]
            pop = call(load(self.env.state["_pop"]), [])
            if kind == "names":
                for v in reversed(marker[1]):
                    if v in self.saved:
                        out.append(assign(v, call(load(self.env.state["_pop"]), [])))
            elif kind == "setitem":
                out.append(gast.Expr(value=call(attr(self.env.runtime(), "restore"),
                                                [load(marker[1].id), copy.deepcopy(marker[2]),
                                                 pop])))
            elif kind == "append":
                out.append(gast.Expr(value=call(attr(marker[1].id, "pop"), [])))
        return out

    # ------------------------------------------------------------ forward
    def block_forward(self, nodes):
        out = []
        rt = None
        for node in group_try_parts(nodes):
            if isinstance(node, list):  # the parts of one ``try`` (trycatch.py)
                out.extend(try_forward(self, node))
                continue
            if isinstance(node, Compound) and node.with_part is not None:
                out.extend(with_forward(self, node))
                continue
            if isinstance(node, Compound):
                stmt = copy.copy(node.stmt)
                if node.kind == "if":
                    if node.exit_check:
                        out.append(node.stmt)
                        continue
                    stmt.body = self.block_forward(node.blocks[0]) or [gast.Pass()]
                    stmt.orelse = self.block_forward(node.blocks[1])
                else:
                    stmt.body = self.block_forward(node.blocks[0]) or [gast.Pass()]
                out.append(stmt)
                continue
            op = node
            if op.kind == "setitem":
                rt = rt or self.env.runtime()
                value, index = op.args
                out.append(gast.Expr(value=call(load(self.env.state["_push"]), [call(
                    attr(rt, "snapshot"), [load(op.target.id), copy.deepcopy(index)])])))
                out.append(op.stmt)
                continue
            targets = targets_of(op) if op.kind != "append" else []
            if op.kind == "call" and op.pullback:
                targets = targets + [op.pullback]
            for t in targets:
                if t in self.saved and (id(op), t) not in self.first_bindings:
                    push = gast.Expr(value=call(load(self.env.state["_push"]), [load(t)]))
                    push.user_line = op.stmt.user_line
                    out.append(push)
            if op.kind == "return":
                continue
            if op.kind == "call" and op.pullback:
                out.append(self.forward_call(op))
            else:
                out.append(op.stmt)
        return out

    # ------------------------------------------------------------ user calls


def _loads(stmts, markers=False):
    """Names the statements read (and, with ``markers``, the names the
    restore markers will read)."""
    out = set()
    for stmt in stmts:
        for n in _walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                out.add(n.id)
            m = getattr(n, "marker", None)
            if markers and m is not None and m[0] in ("setitem", "append"):
                out.update(_names(m[1]))
                if m[0] == "setitem":
                    out.update(_names(m[2]))
    return out


def _bound(op):
    """Names an operation binds, counters included."""
    if op.kind in ("setitem", "append"):
        return [op.target.id]
    return [n.id for n in _walk(op.target) if isinstance(n, gast.Name)] \
        if op.target is not None else []


def _empty(stmt):
    body = [s for s in stmt.body if not isinstance(s, gast.Pass)]
    orelse = [s for s in getattr(stmt, "orelse", []) if not isinstance(s, gast.Pass)]
    return not body and not orelse

