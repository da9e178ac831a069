"""Calls to user functions inside compiled code: the checks both transforms
make, and how the reverse transform emits a call.

Which parameter each argument fills is resolution, decided once before either
transform runs (frontend/callbind.py, as data on the op).  Here:

* :func:`check_starred`, :func:`check_statement_call`, :func:`refuse_unbound`:
  the checks both transforms make, functions of the frozen facts (no
  transform state): an operation or call whose ``*``-unpacked arguments have a
  run-time length is refused where a derivative goes through it, and a callee
  whose result needs no derivative is still checked for in-place updates of
  its arguments (through the pipeline's ``check_callee``);
* :class:`ReverseCalls` (mixed into :class:`~.reverse.Reverser` only): compiles
  the callee's own VJP through the pipeline's hook (or has the tape run it, in
  mixed mode) and emits ``t, f_pb = f_vjp(a, b)`` forward and
  ``_b = f_pb(bt)`` in the adjoint.  The forward transform emits its calls
  itself (transforms/forward.py).
"""

import copy
import inspect

import gast

from ... import rules
from ..ir.env import assign, call, const, load, store
from ..analysis.activity import targets_of
from ..frontend.varargs import UNBOUND

__all__ = ["ReverseCalls", "check_starred", "check_statement_call", "refuse_unbound"]


def refuse_unbound(info, op, why):
    """A call whose ``*``-unpacked arguments have a run-time length, where it
    matters for a derivative."""
    name = getattr(op.callee, "__name__", None) or "the callee"
    raise info.error(
        op.stmt, "*-unpacking of a sequence whose length the compiler cannot see, in a "
        "call to %s %s" % (name, why), "pass the arguments one by one (or give %s a "
        "*args parameter that takes the whole sequence), or use mode=\"tape\" (or "
        "mode=\"auto\")" % name)


def check_starred(ops, facts, info):
    """An operation with ``*``-unpacked arguments of run-time length is left
    as it is written (``rs.randn(*x.shape)``) when no derivative goes through
    it; otherwise it is refused: the rules take arguments by position, and
    those positions are only known at run time."""
    for op in ops:
        if op.kind != "prim" or not any(isinstance(a, gast.Starred) for a in op.args):
            continue
        starred = [n.id for a in op.args if isinstance(a, gast.Starred)
                   for n in gast.walk(a) if isinstance(n, gast.Name)]
        if any(t in facts.active for t in targets_of(op)) or \
                any(n in facts.varied_names for n in starred):
            raise info.error(
                op.stmt, "*-unpacking of a sequence whose length the compiler cannot "
                "see, in an operation on a value that depends on the differentiated "
                "arguments", "pass the arguments one by one or as one tuple "
                "(x.reshape(shape), not x.reshape(*shape)), or use mode=\"tape\" (or "
                "mode=\"auto\")")


def check_statement_call(op, facts, env, info, check_callee):
    """A user function called for its effect (``h(x)``), or whose result
    needs no derivative, can matter only by changing its arguments in place:
    the pipeline's ``check_callee`` refuses that, for arguments that carry a
    derivative or that an adjoint may read."""
    value = op.stmt.value
    fn = op.callee if op.kind == "call" else (
        env.resolve(value.func) if isinstance(value, gast.Call) else None)
    if not inspect.isfunction(fn) or rules.has_rule(fn):
        return
    if op.kind == "call" and op.spread is UNBOUND:
        names = [n.id for a in op.args for n in gast.walk(a) if isinstance(n, gast.Name)]
        if any(n in facts.varied_names for n in names):
            refuse_unbound(info, op, "with arguments that depend on the differentiated "
                           "arguments (it could change them in place)")
        return
    args = op.args if op.kind == "call" else value.args
    # an argument that carries a derivative, or that an adjoint may read
    # (an input of an operation on one), must not change under it
    names = [a.id for a in args if isinstance(a, gast.Name)]
    if any(n in facts.varied_names for n in names) or \
            names and set(names) & facts.read_before(op):
        check_callee(fn, op)


class ReverseCalls:
    """The reverse transform's user calls (see the module docstring)."""

    def _call_wrt(self, op):
        return [i for i, a in enumerate(op.args)
                if isinstance(a, gast.Name) and a.id in self.facts.active]

    def check_statement_call(self, op):
        """A user function called for its effect (``h(x)``), or whose result
        needs no gradient, can matter only by changing its arguments in place:
        the pipeline's ``check_callee`` refuses that, for arguments that carry
        a gradient or that an adjoint may read."""
        value = op.stmt.value
        fn = op.callee if op.kind == "call" else (
            self.env.resolve(value.func) if isinstance(value, gast.Call) else None)
        if not inspect.isfunction(fn) or rules.has_rule(fn):
            return
        if op.kind == "call" and op.spread is UNBOUND:
            names = [n.id for a in op.args for n in gast.walk(a) if isinstance(n, gast.Name)]
            if any(n in self.facts.varied_names for n in names):
                self.refuse_unbound(op, "with arguments that depend on the differentiated "
                                   "arguments (it could change them in place)")
            return
        args = op.args if op.kind == "call" else value.args
        # an argument that carries a gradient, or that an adjoint may read
        # (an input of an operation on one), must not change under it
        names = [a.id for a in args if isinstance(a, gast.Name)]
        if any(n in self.facts.varied_names for n in names) or \
                names and set(names) & self.facts.read_before(op):
            self.check_callee(fn, op)

    def prepare_call(self, op):
        if op.spread is UNBOUND:
            refuse_unbound(self.info, op, "that the gradient goes through")
        wrt = self._call_wrt(op)
        op.callee_vjp = self.compile_callee(op.callee, op, wrt)
        name = getattr(op.callee, "__name__", "f").strip("<>")
        op.pullback = self.namer.fresh(name + "_pb")
        if op.target.id in self.mutable:
            self.mutable.add(op.pullback)

    def forward_call(self, op):
        name = getattr(op.callee, "__name__", "f").strip("<>")
        vjp_name = self.env.ref(op.callee_vjp, name + "_vjp")
        value = call(load(vjp_name), [copy.deepcopy(a) for a in op.args],
                     [gast.keyword(arg=k, value=copy.deepcopy(v))     # a dynamic call's
                      for k, v in op.kwargs.items()])                 # constant keywords
        stmt = gast.Assign(targets=[gast.Tuple(elts=[store(op.target.id), store(op.pullback)],
                                               ctx=gast.Store())],
                           value=value, type_comment=None)
        stmt.user_line = op.stmt.user_line
        return stmt

    def call_contributions(self, op, line):
        wrt = self._call_wrt(op)
        if not wrt or not op.pullback:
            return []
        g = load(self.adj(op.target.id))
        res = self.namer.fresh("_b" + getattr(op.callee, "__name__", "f").strip("<>") + "_args")
        self.out.append(assign(res, call(load(op.pullback), [g]), line))
        return [(op.args[i].id, gast.Subscript(value=load(res), slice=const(k), ctx=gast.Load()))
                for k, i in enumerate(wrt)]
