"""The forward-mode pipeline: the shared front end, then :mod:`.forward`, then codegen.

:func:`compile_jvp` turns a user function ``f(x, y, ...)`` and the positions to
differentiate into a generated ``f_jvp(x, y, ..., dx, ...)`` that returns
``(value, tangent)``: all of ``f``'s positional parameters, then one tangent
per position (in ``positions`` order).  The tangent has the value's structure
(zeros where the value does not depend on the tangents).  With ``has_aux``
the function returns ``(output, aux)`` and the JVP ``((output, aux),
tangent of output)``.  Versions are cached with the VJPs, keyed with the
transform (pipeline._fetch).

>>> import numpy as np
>>> def f(x, W):
...     return np.tanh(W @ x)
>>> jvp = compile_jvp(f, (0,))
>>> x, W, dx = np.ones(2), np.eye(2), np.array([1.0, 0.0])
>>> value, tangent = jvp.fn(x, W, dx)
>>> bool(np.allclose(tangent, (1 - np.tanh(1.0) ** 2) * dx))
True
"""

import gast

from ..errors import NoRuleError, SrcgradSyntaxError
from .analysis import argwrites
from .frontend import generators
from . import pipeline
from .calltree import CallRecord
from .backends.codegen import build, emit_function, with_comments
from .transforms.dynamic import Dynamic
from .ir.env import call, load
from .transforms.forward import Forwarder
from .transforms.forward_dynamic import JVPSite
from .lower.optimize import inline_temps
from .frontend.parse import NoSource
from .frontend.varargs import flat_caller
from ..rules.conversions import argument_copy

__all__ = ["compile_jvp", "jvp_source", "CompiledJVP"]


class CompiledJVP(pipeline.CompiledVJP):
    """A compiled JVP: ``fn(*args, *tangents) -> (value, tangent)`` and its source."""


def compile_jvp(fn, positions, *, numeric=(), mode="compile", has_aux=False, spread=None,
                callee=False, verbose=False):
    """Compile (or fetch from the cache) the JVP of ``fn`` for ``positions``.

    In ``mode="auto"`` a call the compiler cannot transform runs on the tape
    (through ``pipeline.FALLBACK_JVP``); in ``mode="compile"`` it is refused.
    A callable with derivatives of its own (``custom_jvp``...) is its JVP from
    ``pipeline.SPECIAL_JVP``, never its body differentiated; one with only a
    VJP of its own (``autograd.Function``...) is refused."""
    if not callee:
        special = pipeline.SPECIAL_JVP(fn, tuple(positions), mode) \
            if pipeline.SPECIAL_JVP is not None else None
        if special is not None and not has_aux:
            return special
        if special is not None or pipeline.SPECIAL_VJP is not None and \
                pipeline.SPECIAL_VJP(fn, ()) is not None:
            raise NoRuleError(
                "%s has derivatives of its own%s, and forward mode cannot use them here; use "
                "reverse mode or mode=\"tape\"" % (
                    getattr(fn, "__qualname__", fn), " (with has_aux)" if has_aux else ""))
    return pipeline._fetch(fn, "jvp", positions, has_aux, verbose, numeric, mode, callee,
                           spread)


def jvp_source(fn, positions=(0,), numeric=(), has_aux=False):
    """The generated source of ``fn``'s JVP (what ``srcgrad.source`` shows
    for a forward-mode transform)."""
    return compile_jvp(fn, tuple(positions), numeric=numeric, has_aux=has_aux).source


def _compile_jvp(fn, wrt, has_aux, verbose, numeric=(), mode="compile", callee=False,
                 spread=None):
    guard = isinstance(callee, str) and callee.endswith("+guard")   # see forward_try.py
    if guard:
        callee = {"copy+guard": "copy"}.get(callee, True)
    front = pipeline.front_end(fn, wrt, verbose, numeric, callee, spread)
    info, env, namer, params = front.info, front.env, front.namer, front.params
    writes, calls, tape_calls = front.writes, [], []

    def record(name, engine, op, reason=None, compiled=None):
        where = "%s:%s" % (info.filename, op.stmt.user_line)
        if not any(r.name == name and r.where == where for r in calls):
            calls.append(CallRecord(name, engine, where, reason, compiled))

    def compile_callee(callee_fn, op, positions, guarded=False):
        where = "%s:%s" % (info.filename, op.stmt.user_line)
        name = getattr(callee_fn, "__name__", type(callee_fn).__name__)

        def unguarded(what):
            if guarded:
                fwd.refuse(op.stmt, "%s inside a try statement with except clauses, with "
                           "arguments that depend on the differentiated arguments" % what)
        if isinstance(callee_fn, Dynamic):   # looked up by identity when it runs
            record(name, "compiler", op)
            return JVPSite(info.filename, op.stmt.user_line, positions, mode, callee_fn.method)
        if generators.is_generator_function(callee_fn):
            raise generators.refusal(info, op, callee_fn)
        hook = pipeline.SPECIAL_JVP
        special = hook(callee_fn, positions, mode) if hook is not None else None
        if special is not None:
            unguarded("a call to %s, which has its own JVP," % name)
            record(name, "custom", op)
            return getattr(special, "fn", special)
        try:
            if pipeline.SPECIAL_VJP is not None and \
                    pipeline.SPECIAL_VJP(callee_fn, ()) is not None:
                raise NoSource("%s has its own VJP (custom_vjp, autograd.Function) and no "
                               "JVP" % name)
            if not hasattr(callee_fn, "__code__"):
                raise NoSource("%s is not a plain Python function" % name)
            compiled = compile_jvp(callee_fn, positions, mode=mode,
                                   callee="copy+guard" if guarded else "copy",
                                   numeric=fwd.facts.arg_kinds(op.args), spread=op.spread)
            if not isinstance(compiled, CompiledJVP):   # a recursive edge: not guarded
                unguarded("a recursive call")
            pipeline._pass_on(writes, argwrites.check_call(info, op, callee_fn, compiled,
                                                           callee is True))
            record(name, "compiler", op, compiled=compiled)
            return compiled.fn
        except (NoSource, SrcgradSyntaxError, NoRuleError) as err:
            if getattr(err, "at_call", False):
                raise
            if getattr(err, "mutation", False):
                raise pipeline._callee_mutates(info, op, callee_fn, err) from None
            if mode == "auto" and pipeline.FALLBACK_JVP is not None and not guarded:
                reason = "%s: %s" % (where, getattr(err, "bare_msg", None) or err)
                tape_calls.append((name, reason))
                record(name, "tape", op, reason)
                target = flat_caller(callee_fn, op.spread) if op.spread is not None \
                    else callee_fn
                found = pipeline.FALLBACK_JVP(target, positions, reason)
                return getattr(found, "fn", found)
            if isinstance(err, NoSource):
                hint = 'use mode="auto" to run it on the tape' if \
                    pipeline.FALLBACK_JVP is not None else \
                    "forward mode has no tape fallback installed yet; use reverse mode"
                raise NoRuleError(
                    "%s: %s cannot be differentiated in forward mode: %s. Register a rule "
                    "with srcgrad.defjvp, or %s" % (where, name, err, hint)) from None
            raise pipeline._reached_from(err, where)

    def check_callee(callee_fn, op):
        pipeline.check_callee_writes(info, fn, callee_fn, op, fwd.facts.arg_kinds(op.args))

    def on_blocked(op):
        raise pipeline.blocked_error(info, op, "srcgrad.defjvp(%s, jvp_rule)")

    body = front.body
    if not callee:   # the caller's arrays stay as they were: work on copies of those written
        body = _copy_written(body, params, env, front.node) + body
    kinds = dict(zip(params, numeric))
    fwd = Forwarder(info, front.wrt_names, env, compile_callee, on_blocked, has_aux, kinds,
                    guard=guard)
    fwd.check_callee = check_callee
    body, out_atom, tangent = fwd.run(body)
    pipeline._show(verbose, "forward", body)
    temps = {v for v in fwd.tangents if v.startswith("_t")}
    keep = {out_atom.id} if isinstance(out_atom, gast.Name) else set()
    if isinstance(tangent, gast.Name):
        keep.add(tangent.id)
    body, = inline_temps([body], keep, lambda c: pipeline._pure(env, c),
                         {fwd.tangents[v] for v in temps})
    body = [s for s in body if not _self_assignment(s, set(fwd.tangents.values()))]
    rt = env.runtime()
    tangent_params = [fwd.tan(n) for n in front.wrt_names]
    guards, guard_pairs = pipeline._rebinding_guards(env, rt)
    out = guards + with_comments(body, info, "")
    out.append(gast.Return(value=gast.Tuple(elts=[out_atom, tangent], ctx=gast.Load())))
    base = info.node.name.strip("<>") or "f"
    fn_node = emit_function(namer.fresh(base + "_jvp"), params + tangent_params, out)
    header = "# Generated by srcgrad from %s:%s (%s), forward mode along %s.\n" % (
        info.filename, front.node.lineno, fn.__qualname__,
        ", ".join(tangent_params) or "nothing")
    generated = build(fn_node, env.bound, info.globals, fn.__qualname__, header,
                      getattr(info, "cells", None))
    if verbose:
        print(generated.source)
    result = CompiledJVP(generated, params, wrt, fn)
    result.tape_calls = tape_calls
    result.guards = guard_pairs
    result.writes = writes if callee == "copy" else {}
    result.calls = calls
    return result


def _self_assignment(stmt, tangents):
    """``dy[0] = dy[0]`` (the tangent of ``y[0] += 1.0``): nothing to do."""
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
        isinstance(stmt.targets[0], gast.Subscript) and \
        isinstance(stmt.targets[0].value, gast.Name) and stmt.targets[0].value.id in tangents \
        and isinstance(stmt.value, gast.Subscript) and \
        gast.dump(stmt.value.value) == gast.dump(gast.Name(
            id=stmt.targets[0].value.id, ctx=gast.Load(), annotation=None, type_comment=None)) \
        and gast.dump(stmt.value.slice) == gast.dump(stmt.targets[0].slice) and \
        not any(isinstance(n, gast.Call) for n in gast.walk(stmt.value.slice))


def _copy_written(body, params, env, node):
    """``p = _argument_copy(p)`` for each parameter the body assigns into
    (``p[i] = v``, ``p += v``): the JVP never changes what it was given."""
    written = set()
    for stmt in body:
        for n in gast.walk(stmt):
            targets = n.targets if isinstance(n, gast.Assign) else \
                [n.target] if isinstance(n, gast.AugAssign) else []
            for t in targets:
                base = t.value if isinstance(t, gast.Subscript) else \
                    t if isinstance(n, gast.AugAssign) else None
                if isinstance(base, gast.Name) and base.id in params:
                    written.add(base.id)
    fn = load(env.ref(argument_copy, "_argument_copy"))
    out = []
    for p in sorted(written, key=params.index):
        stmt = gast.Assign(targets=[gast.Name(id=p, ctx=gast.Store(), annotation=None,
                                              type_comment=None)],
                           value=call(fn, [load(p)]), type_comment=None)
        stmt.user_line = node.lineno
        out.append(stmt)
    return out


pipeline._TRANSFORMS["jvp"] = (compile_jvp, "FALLBACK_JVP", _compile_jvp)
