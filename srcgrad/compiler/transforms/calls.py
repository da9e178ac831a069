"""Calls to user functions inside compiled code.

:class:`CallsMixin` (mixed into :class:`~.reverse.Reverser`) puts a call's
arguments in the callee's parameter order (defaults made explicit), compiles
the callee's own VJP through the pipeline's hook (or has the tape run it, in
mixed mode), and emits ``t, f_pb = f_vjp(a, b)`` forward and
``_b = f_pb(bt)`` in the adjoint.  A callee whose result needs no gradient is
still checked for in-place updates of its arguments.
"""

import copy
import inspect

import gast

from ... import rules
from ..ir.env import assign, call, const, load, store
from .rulecall import literal
from ..analysis.activity import targets_of
from ..frontend.varargs import UNBOUND, Spread, bind_nodes, has_varargs

__all__ = ["CallsMixin"]


class CallsMixin:
    """User calls (see the module docstring)."""

    def bind_call(self, op):
        """Put a user call's arguments in the callee's parameter order, with
        its defaults made explicit, so the callee's VJP takes them by position."""
        if any(isinstance(a, gast.Starred) for a in op.args):
            self._bind_starred(op)
            return
        if has_varargs(op.callee):
            self._bind_varargs(op)
            return
        try:
            sig = inspect.signature(op.callee)
        except (TypeError, ValueError):
            return
        params = list(sig.parameters.values())
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            return  # not a plain function (has_varargs says so): nothing to bind
        args = list(op.args)
        for p in params[len(args):]:
            if p.name in op.kwargs:
                args.append(op.kwargs.pop(p.name))
            elif p.default is not p.empty:
                if literal(p.default):
                    args.append(const(p.default))
                else:
                    args.append(load(self.env.ref(p.default, "_%s_%s" % (
                        op.callee.__name__, p.name))))
            else:
                raise self.info.error(op.stmt, "missing argument %r in the call to %s"
                                      % (p.name, op.callee.__name__))
        if op.kwargs:
            raise self.info.error(op.stmt, "unexpected keyword argument %r in the call to %s"
                                  % (next(iter(op.kwargs)), op.callee.__name__))
        op.args = args

    def _default(self, op, p):
        if p.default is p.empty:
            raise self.info.error(op.stmt, "missing argument %r in the call to %s"
                                  % (p.name, op.callee.__name__))
        if literal(p.default):
            return const(p.default)
        return load(self.env.ref(p.default, "_%s_%s" % (op.callee.__name__, p.name)))

    def _bind_starred(self, op):
        """``f(a, *xs)`` with ``xs`` of run-time length: when ``f`` is
        ``def f(a, *args)`` (the sequence lands whole in ``*args``), its VJP is
        compiled to take the sequence as one argument (``Spread.packed``);
        otherwise which parameter gets which value depends on the length, and
        the call is left unbound (refused if it matters for a gradient)."""
        op.spread = UNBOUND
        star = [i for i, a in enumerate(op.args) if isinstance(a, gast.Starred)]
        if not has_varargs(op.callee) or star != [len(op.args) - 1]:
            return
        sig = inspect.signature(op.callee, follow_wrapped=False)
        leading = 0
        for p in sig.parameters.values():
            if p.kind == p.VAR_POSITIONAL:
                break
            if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                return
            leading += 1
        else:
            return  # no *args: the length decides the binding
        if star[0] < leading:
            return  # the length decides which parameters the sequence fills
        seq = op.args[-1].value
        try:
            flat, spread = bind_nodes(op.callee, op.args[:-1], op.kwargs,
                                      lambda p: self._default(op, p))
        except TypeError:
            return
        cut = leading + spread.n_extra   # the sequence goes after the explicit extras
        op.args = flat[:cut] + [seq] + flat[cut:]
        op.kwargs = {}
        op.spread = Spread(spread.n_extra, spread.kw_names, packed=True)

    def refuse_unbound(self, op, why):
        """A call whose ``*``-unpacked arguments have a run-time length, where
        it matters for a gradient."""
        name = getattr(op.callee, "__name__", None) or "the callee"
        raise self.info.error(
            op.stmt, "*-unpacking of a sequence whose length the compiler cannot see, in a "
            "call to %s %s" % (name, why), "pass the arguments one by one (or give %s a "
            "*args parameter that takes the whole sequence), or use mode=\"tape\" (or "
            "mode=\"auto\")" % name)

    def check_starred(self, ops):
        """An operation with ``*``-unpacked arguments of run-time length is
        left as it is written (``rs.randn(*x.shape)``) when no gradient goes
        through it; otherwise it is refused: the rules take arguments by
        position, and those positions are only known at run time."""
        for op in ops:
            if op.kind != "prim" or not any(isinstance(a, gast.Starred) for a in op.args):
                continue
            starred = [n.id for a in op.args if isinstance(a, gast.Starred)
                       for n in gast.walk(a) if isinstance(n, gast.Name)]
            if any(t in self.facts.active for t in targets_of(op)) or \
                    any(n in self.facts.varied_names for n in starred):
                raise self.info.error(
                    op.stmt, "*-unpacking of a sequence whose length the compiler cannot "
                    "see, in an operation on a value that depends on the differentiated "
                    "arguments", "pass the arguments one by one or as one tuple "
                    "(x.reshape(shape), not x.reshape(*shape)), or use mode=\"tape\" (or "
                    "mode=\"auto\")")

    def _bind_varargs(self, op):
        """A callee with ``*args``/``**kwargs``: its VJP is compiled for this
        call's structure (``op.spread``) and takes the flat argument list."""
        try:
            flat, spread = bind_nodes(op.callee, op.args, op.kwargs,
                                      lambda p: self._default(op, p))
        except TypeError as err:
            raise self.info.error(op.stmt, "the call to %s does not match its signature: %s"
                                  % (op.callee.__name__, err)) from None
        op.args, op.kwargs, op.spread = flat, {}, spread

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
            self.refuse_unbound(op, "that the gradient goes through")
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
