"""Forward mode: from A-normal form to primal statements interleaved with tangents.

Each statement ``t = op(a, b)`` whose target is active (see :mod:`.activity`:
it depends on a differentiated argument and the output depends on it) is
followed by the statement computing its tangent, ``dt = <jvp of a>(da, ...)
+ <jvp of b>(db, ...)``, summed over the operands that carry a tangent at
that point (:mod:`.forward_rules`: a primitive linear in an operand is
applied to the tangent itself, ``np.dot(dx, W)``, ``dx[i]``, ``dx.T``; the
output tangent is broadcast once, and only where it may need it).

Tangents are symbolic zeros until something gives them a value: only values
that depend on the differentiated arguments get one.  Control flow keeps its
structure: the tangent statements go inside the same ``if``/``for``/
``while``; a tangent defined on one branch only is materialised as zeros on
the other, a loop-carried one before the loop.  A tangent is written in
place (``dy[i] = dv``, ``dl.append(dv)``) only once this code owns it (it
made it, or copied it with ``_rt.owned``), so no tangent the caller passed
in, or another name shares, is changed.  Calls to user functions call their
own compiled JVPs: ``t, dt = helper_jvp(a, b, da)``; callees known only at
run time go through :mod:`.forward_dynamic`, ``try`` statements through
:mod:`.forward_try`.

The generated code is itself differentiable by the compiler (second
derivatives, srcgrad/higher.py): it calls only NumPy, rules and runtime
helpers with rules (an elementwise JVP is the VJP body read as ``t * f'(x)``,
:mod:`.conjugates`), and a value the user computed under ``no_grad`` from a
differentiated one is written ``c = _rt.constant(...)``, a constant there too.

Guarantee: the tangent of every active name is the directional derivative
of its value along the input tangents, or the compile is refused with the
user's line (:meth:`Forwarder.refuse`); never a silent wrong tangent.

>>> from ..pipeline import front_end
>>> import numpy as np
>>> def f(x, y):
...     return np.sin(x) * y[0]
>>> front = front_end(f, (0,))
>>> kinds = {"x": ("a", 3), "y": ("a", 2, 3)}
>>> out = Forwarder(front.info, ["x"], front.env, kinds=kinds).run(front.body)
>>> print(dump(out[0]))
_t1 = np.sin(x)
_dt1 = dx * np.cos(x)
_t2 = y[0]
_t3 = _t1 * _t2
_dt3 = _dt1 * _t2

``_sin_jvp`` is the table's elementwise JVP (exact on complex values too);
``np.multiply`` is linear in each argument, so its tangent is the product
itself with ``_dt1`` in place of ``_t1``.
"""

import copy

import gast

from ..analysis.activity import active_names, targets_of
from ..frontend.anf import dump
from .calls import check_starred, check_statement_call, refuse_unbound
from ..frontend.callbind import bind_calls
from .dynamic import Dynamic, make_dynamic
from ..ir.env import assign, attr, call, const, load, store
from ..analysis.facts import analyse
from .forward_rules import prim_tangent
from ..ir.ops import Compound, Op, build_tree, group_try_parts, split_aux, walk_ops
from ..frontend.resolve import check as resolve_ops
from .forward_try import guarded, try_statement
from ..frontend.varargs import UNBOUND
from ..frontend.withblock import with_forward

__all__ = ["Forwarder", "dump"]

_HINT = 'use reverse mode (srcgrad.grad / vjp), or mode="auto", which runs it on the tape'


class Forwarder:
    """Build the interleaved primal and tangent statements of one body.

    ``compile_callee(callee, op, positions)`` returns the JVP function of a
    user function called at ``op`` with tangents at ``positions``."""

    def __init__(self, info, wrt, env, compile_callee=None, on_blocked=None, has_aux=False,
                 kinds=None, guard=False):
        self.info = info
        self.wrt = list(wrt)
        self.env = env
        self.namer = env.namer
        self.compile_callee = compile_callee
        self.on_blocked = on_blocked
        self.has_aux = has_aux
        self.kinds = dict(kinds or {})
        self.check_callee = lambda callee, op: None   # set by the pipeline
        self.tangents = {}           # variable -> tangent name
        self.has = set(self.wrt)     # names whose tangent holds a value here
        self.owned = set()           # ... and that this code may write into
        self.bound = set(self.kinds) | set(self.wrt)   # names certainly bound here
        self.saved = set()           # (read by try_forward / with_forward: nothing saved)
        self.guard = guard           # tangent statements under _rt.tangent_code (forward_try)
        self.keep = False            # a tangent a statement drops becomes zeros (forward_try)
        self.try_states = []         # the try statements being written (forward_try)

    # ------------------------------------------------------------ names
    def tan(self, var):
        """The tangent's name: ``dx`` for ``x``, ``_dt1`` for ``_t1``."""
        name = self.tangents.get(var)
        if name is None:
            base = "_d" + var[1:] if var.startswith("_") else "d" + var
            name = self.tangents[var] = self.namer.fresh(base)
        return name

    def refuse(self, node, what):
        """The located refusal: the user's line, what forward mode lacks, a hint."""
        raise self.info.error(node, "forward mode does not support %s yet" % what, _HINT)

    def zeros(self, node):
        """A zero tangent for the value of the atom ``node``."""
        if isinstance(node, gast.Constant) and type(node.value) in (int, float, bool):
            return const(0.0)
        return call(attr(self.env.runtime(), "zeros_like"), [copy.deepcopy(node)])

    def tangent_of(self, node):
        """The tangent of an atom: its tangent name, or a materialised zero."""
        if isinstance(node, gast.Name) and node.id in self.has:
            return load(self.tan(node.id))
        return self.zeros(node)

    # ------------------------------------------------------------ main
    def run(self, body):
        """Return ``(statements, output atom, output tangent expression)``."""
        tree = build_tree(body, self.env.resolve)
        ret = tree[-1] if tree and isinstance(tree[-1], Op) and tree[-1].kind == "return" \
            else None
        out_atom = ret.args[0] if ret is not None else const(None)
        seed = out_atom
        if self.has_aux:
            seed = split_aux(self.info, tree, ret)
            tree[-1] = Op("return", gast.Return(value=seed), args=[seed])
        make_dynamic(tree, self.wrt, self.kinds, self.env.resolve, self.info)
        bind_calls(tree, self.env, self.info)
        ops = list(walk_ops(tree))
        resolve_ops(tree, self.wrt, self.kinds, self.info, self.env.resolve)  # closed world
        active = active_names(ops, self.wrt, self.on_blocked)
        self.facts = analyse(tree, ops, self.kinds, self.wrt, active_names.varied, active,
                             self.env)
        self.mutable = set(self.facts.mutable)   # prepare_call adds pullback names
        check_starred(ops, self.facts, self.info)
        for op in ops:
            if op.kind == "call" and not isinstance(op.callee, Dynamic) and \
                    not any(t in self.facts.active for t in targets_of(op)) or \
                    op.kind == "other" and isinstance(op.stmt, gast.Expr):
                check_statement_call(op, self.facts, self.env, self.info, self.check_callee)
        stmts = self.block(tree)
        return stmts, out_atom, self.tangent_of(seed)

    # ------------------------------------------------------------ blocks
    def block(self, nodes):
        out = []
        for node in group_try_parts(nodes):
            if isinstance(node, list):      # the parts of one lowered ``try``
                out.extend(try_statement(self, node))
            elif isinstance(node, Compound) and node.with_part is not None:
                out.extend(with_forward(self, node))
            elif isinstance(node, Compound):
                out.extend(self.compound(node))
            else:
                out.extend(self.op(node))
        return out

    def block_forward(self, nodes):
        """The statements of a block, as try_forward / with_forward ask for them
        (a part of a ``try`` with handlers starts from its own state)."""
        state = self.try_states[-1] if self.try_states else None
        part = state.plan.get(id(nodes)) if state is not None else None
        if part is None:
            return self.block(nodes)
        return state.part(self, part, nodes)

    def _state(self):
        return set(self.has), set(self.owned), set(self.bound)

    def _set(self, state):
        self.has, self.owned, self.bound = (set(s) for s in state)

    def compound(self, node):
        line = node.stmt.user_line
        if node.kind == "if" and node.exit_check:
            return [node.stmt]      # ``if _brk: break``
        if node.kind == "if":
            start = self._state()
            bodies, ends = [], []
            for block in node.blocks:
                self._set(start)
                bodies.append(self.block(block))
                ends.append(self._state())
            has = ends[0][0] | ends[1][0]
            bound = start[2] | (ends[0][2] & ends[1][2])
            owned = ends[0][1] & ends[1][1]
            for body, (h, _, b) in zip(bodies, ends):
                body.extend(self.materialise(sorted((has - h) & b), line))
            self.has, self.owned, self.bound = has, owned, bound
            stmt = copy.copy(node.stmt)
            stmt.body = bodies[0] or [gast.Pass()]
            stmt.orelse = bodies[1]
            return [stmt]
        return self.loop(node, line)

    def loop(self, node, line):
        """A loop's tangents: the same set defined at every iteration's start
        (loop-carried ones materialised before the loop, ones a path drops
        at the end of the body); written-into ones owned before it starts."""
        pre = []
        written = {op.target.id for op in walk_ops(node.blocks[0])
                   if op.kind in ("setitem", "append")}
        for v in sorted(written & self.has - self.owned):
            pre.append(assign(self.tan(v), call(attr(self.env.runtime(), "owned"),
                                                [load(self.tan(v))]), line))
            self.owned.add(v)
        before_bound, entry_has = set(self.bound), set(self.has)
        has, lost, entry_owned = set(self.has), set(), set(self.owned)
        for _ in range(len(self.facts.active) + 2):
            # what the loop carries in is materialised before it (then owned)
            owned = (entry_owned | ((has - entry_has) & before_bound)) - lost
            self._set((has, owned, before_bound))
            body = self.block(node.blocks[0])
            end_has, end_owned = self.has, self.owned
            grown = end_has - has
            if not grown and owned <= end_owned:
                break
            has |= grown
            lost |= owned - end_owned
        else:  # pragma: no cover - the sets only grow
            raise AssertionError("forward mode: loop tangents did not settle")
        body.extend(self.materialise(sorted((has - end_has) & self.bound), line))
        pre.extend(self.materialise(sorted((has - entry_has) & before_bound), line))
        self.has, self.owned, self.bound = has, owned, before_bound
        stmt = copy.copy(node.stmt)
        stmt.body = body or [gast.Pass()]
        return pre + [stmt]

    def materialise(self, names, line=None):
        """``dv = _rt.zeros_like(v)``: tangents that must hold a value here."""
        out = []
        for v in names:
            out.append(assign(self.tan(v), call(attr(self.env.runtime(), "zeros_like"),
                                                [load(v)]), line))
            self.has.add(v)
            self.owned.add(v)
        return out

    # ------------------------------------------------------------ operations
    def op(self, op):
        """The primal statement of ``op`` and, after it, its tangent's."""
        if op.kind == "return":
            return []
        line = getattr(op.stmt, "user_line", None)
        targets = targets_of(op)
        before = set(self.has)
        if op.kind == "call":
            out = self.call(op, line)
            primal = out[:1]      # the JVP call computes both
        elif op.kind == "setitem":
            out = self.setitem(op, line)
        elif op.kind == "append":
            out = self.append(op, line)
        else:
            out = [op.stmt]
            expr = None
            if any(t in self.facts.active for t in targets):
                expr = self.tangent_expr(op)
            for t in targets:
                self.has.discard(t)
                self.owned.discard(t)
            if expr is not None:
                out.append(self.define(op, expr, line))
        if op.kind != "call":
            primal = [op.stmt]
        if op.nograd and primal and primal[0] is op.stmt and \
                isinstance(op.stmt, gast.Assign) and \
                set(op.operand_names()) & self.facts.varied_names:
            # computed under no_grad from a differentiated value: a constant also to
            # code that differentiates this JVP again (second derivatives)
            stmt = gast.Assign(targets=op.stmt.targets, value=call(
                attr(self.env.runtime(), "constant"), [op.stmt.value]), type_comment=None)
            stmt.user_line = op.stmt.user_line
            out = [stmt if s is op.stmt else s for s in out]
            primal = [stmt]
        if self.keep:   # in a try body: a handler may read the older value's tangent
            out.extend(self.materialise([t for t in targets if t in before and
                                         t not in self.has and t in self.facts.active], line))
        if self.guard:
            out = guarded(self, out, primal)
        self.bound.update(targets)
        return out

    def define(self, op, expr, line):
        """``dt = expr`` (or ``da, db = dt`` for an unpacking)."""
        if op.kind == "unpack":
            target = _rename(op.target, self.tan)
            stmt = gast.Assign(targets=[target], value=expr, type_comment=None)
            stmt.user_line = line
            self.has.update(t for t in targets_of(op) if t in self.facts.active)
            return stmt
        t = op.target.id
        self.has.add(t)
        if op.kind == "pack" and isinstance(op.stmt.value, (gast.List, gast.Dict)):
            self.owned.add(t)   # a new list or dict of tangents: ours to write into
        return assign(self.tan(t), expr, line)

    def tangent_expr(self, op):
        """The expression of the tangent of ``op``'s target, or ``None``
        (a symbolic zero: no operand carries a tangent here)."""
        kind = op.kind
        if kind == "copy":
            src = op.args[0].id
            if src in self.has and not op.nograd:
                self.owned.discard(src)   # now shared with the copy
                return load(self.tan(src))
            return None
        if kind == "pack":
            if op.nograd or not any(isinstance(a, gast.Name) and a.id in self.has
                                    for a in op.args):
                return None
            parts = [self.tangent_of(a) for a in op.args]
            value = op.stmt.value
            if isinstance(value, gast.Dict):
                return gast.Dict(keys=[copy.deepcopy(k) for k in value.keys], values=parts)
            return type(value)(elts=parts, ctx=gast.Load())
        if kind == "unpack":
            src = op.args[0]
            if isinstance(src, gast.Name) and src.id in self.has and not op.nograd:
                return load(self.tan(src.id))
            return None
        if kind == "prim":
            return self.prim_tangent(op)
        if kind in ("const", "other"):
            return None
        self.refuse(op.stmt, "this statement")  # pragma: no cover - every kind is above

    def prim_tangent(self, op):
        """The tangent of a rule-table operation (forward_rules.py)."""
        return prim_tangent(self, op)

    def own(self, y, line):
        """Statements making ``y``'s tangent writable: a zero tangent if it
        has none, a private copy if it may be shared."""
        if y not in self.has:
            return self.materialise([y], line)
        if y in self.owned:
            return []
        self.owned.add(y)
        return [assign(self.tan(y), call(attr(self.env.runtime(), "owned"),
                                         [load(self.tan(y))]), line)]

    def setitem(self, op, line):
        """``y[i] = v`` then ``dy[i] = dv`` (zeros for a constant ``v``)."""
        y, value = op.target.id, op.args[0]
        out = [op.stmt]
        carries = isinstance(value, gast.Name) and value.id in self.has and not op.nograd
        if y in self.facts.active and (carries or y in self.has):
            out.extend(self.own(y, line))
            target = copy.deepcopy(op.stmt.targets[0])
            target.value = store(self.tan(y))
            stmt = gast.Assign(targets=[target], value=self.tangent_of(value) if carries
                               else self.zeros(value), type_comment=None)
            stmt.user_line = line
            out.append(stmt)
        return out

    def append(self, op, line):
        """``l.append(v)`` then ``dl.append(dv)``."""
        lst, value = op.target.id, op.args[0]
        out = [op.stmt]
        carries = isinstance(value, gast.Name) and value.id in self.has and not op.nograd
        if lst in self.facts.active and (carries or lst in self.has):
            if lst not in self.has:   # the zeros of the items before this one
                out = [assign(self.tan(lst), call(attr(self.env.runtime(), "zeros_like"),
                                                  [load(lst)]), line)] + out
                self.has.add(lst)
                self.owned.add(lst)
            else:
                out = self.own(lst, line) + out
            stmt = gast.Expr(value=call(attr(self.tan(lst), "append"),
                                        [self.tangent_of(value) if carries
                                         else self.zeros(value)]))
            stmt.user_line = line
            out.append(stmt)
        return out

    # ------------------------------------------------------------ user calls
    def call(self, op, line):
        """``t, dt = helper_jvp(a, b, da)`` when an argument carries a tangent
        and the result is active; the plain call otherwise."""
        positions = [i for i, a in enumerate(op.args)
                     if isinstance(a, gast.Name) and a.id in self.has]
        kw_carries = any(isinstance(v, gast.Name) and v.id in self.has
                         for v in op.kwargs.values())
        targets = targets_of(op)
        for t in targets:
            self.has.discard(t)
            self.owned.discard(t)
        dynamic = isinstance(op.callee, Dynamic)
        if not positions or not dynamic and not any(t in self.facts.active for t in targets):
            if positions:
                check_statement_call(op, self.facts, self.env, self.info, self.check_callee)
            return [op.stmt]
        if op.spread is UNBOUND:
            refuse_unbound(self.info, op, "that the tangent goes through")
        if kw_carries:
            self.refuse(op.stmt, "a keyword argument depending on the differentiated "
                        "arguments in a call to %s" % getattr(op.callee, "__name__", "it"))
        if self.guard and dynamic:
            self.refuse(op.stmt, "a call to a function known only at run time inside a try "
                        "statement with except clauses, with arguments that depend on the "
                        "differentiated arguments")
        jvp = self.compile_callee(op.callee, op, positions, self.guard)
        name = getattr(op.callee, "__name__", "f").strip("<>")
        fn = self.env.ref(jvp, name + "_jvp")
        args = [copy.deepcopy(a) for a in op.args] + [load(self.tan(op.args[i].id))
                                                       for i in positions]
        t = op.target.id
        kws = [gast.keyword(arg=k, value=copy.deepcopy(v))    # a dynamic call's
               for k, v in op.kwargs.items()]                # constant keywords
        stmt = gast.Assign(targets=[gast.Tuple(elts=[store(t), store(self.tan(t))],
                                               ctx=gast.Store())],
                           value=call(load(fn), args, kws), type_comment=None)
        stmt.user_line = line
        if t in self.facts.active:
            self.has.add(t)
        return [stmt]


def _rename(target, tan):
    """An unpacking target with each name replaced by its tangent's."""
    if isinstance(target, gast.Name):
        return store(tan(target.id))
    if isinstance(target, (gast.Tuple, gast.List)):
        return type(target)(elts=[_rename(e, tan) for e in target.elts], ctx=gast.Store())
    return copy.deepcopy(target)
