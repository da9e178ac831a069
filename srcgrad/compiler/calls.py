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

from .. import rules
from .env import assign, call, const, load, store
from .rulecall import literal

__all__ = ["CallsMixin"]


class CallsMixin:
    """User calls (see the module docstring)."""

    def bind_call(self, op):
        """Put a user call's arguments in the callee's parameter order, with
        its defaults made explicit, so the callee's VJP takes them by position."""
        try:
            sig = inspect.signature(op.callee)
        except (TypeError, ValueError):
            return
        params = list(sig.parameters.values())
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            if op.kwargs:   # the callee's VJP takes its arguments by position only
                raise self.info.error(
                    op.stmt, "keyword arguments in a call to %s, which takes *args or "
                    "**kwargs, are not supported by the compiler" % op.callee.__name__,
                    "pass them by position, or use mode=\"tape\" (or mode=\"auto\", which "
                    "runs this function on the tape)")
            return
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

    def _call_wrt(self, op):
        return [i for i, a in enumerate(op.args)
                if isinstance(a, gast.Name) and a.id in self.active]

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
        args = op.args if op.kind == "call" else value.args
        # an argument that carries a gradient, or that an adjoint may read
        # (an input of an operation on one), must not change under it
        names = [a.id for a in args if isinstance(a, gast.Name)]
        if any(n in self.varied_names for n in names) or \
                names and set(names) & self.read_before(op):
            self.check_callee(fn, op)

    def prepare_call(self, op):
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
