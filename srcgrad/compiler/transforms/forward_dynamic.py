"""Dynamic call sites in forward mode: callees the program holds as values.

The forward twin of :mod:`.dynamic`: ``nonlinearity(x)`` with
``nonlinearity`` an argument, ``act = ACTS[name]; act(x)``,
``layer.forward(h)``, ``self.layer1(h)``, ``model(x)``.  The generated code
calls a :class:`JVPSite`::

    _t1, _dt1 = _nonlinearity_jvp(nonlinearity, x, dx)

and :func:`dispatch` looks the callee up *by identity* when it runs: a
rule-table primitive gives its tangent from its JVP rules; a
non-differentiable callable a zero tangent; a plain function, a bound
method (function + ``self``), an object with ``__call__``, a closure made by
compiled code, a ``functools.partial``, a static or class method is compiled
by :func:`~.jvp_pipeline.compile_jvp` (cached on the function: a different
callee gets its own code); anything else is refused with the call's file
and line (``mode="compile"``) or run on the tape (``mode="auto"``, through
``pipeline.FALLBACK_JVP``).  The tangent of the receiver (``self``) or of a
closure's cells goes in with the other tangents; a plain function carries
none.

Guarantee: a converted call's tangent is that of what the callee is at run
time, or the call is refused; never a constant by assumption.
"""

import functools
import inspect

from ... import rules, runtime
from ...rules.tangent_rules import register_field_tangent
from ...errors import NoRuleError, SrcgradSyntaxError
from .dynamic import _bind, _kind, _name, _refuse, _special, method_target
from ..frontend.parse import NoSource

__all__ = ["JVPSite", "dispatch"]

_TAPE = 'use reverse mode, or mode="auto" (which runs this call on the tape)'


class JVPSite(runtime.CallSite):
    """``site(callee, *args, *tangents, **kwargs)`` -> ``(value, tangent)``;
    ``wrt`` are the operand positions (0: the callee or the receiver, then
    the arguments) whose tangents follow the arguments, in order.  The
    reverse site's fields, called the forward way."""

    __slots__ = ()

    def __call__(self, callee, *rest, **kwargs):
        n = len(rest) - len(self.wrt)
        args, tangents = rest[:n], dict(zip(self.wrt, rest[n:]))
        return dispatch(self, callee, tuple(args), tangents, kwargs)

    def __repr__(self):
        return "<srcgrad forward call site %s:%s>" % (self.filename, self.line)


def dispatch(site, callee, args, tangents, kwargs):
    """``(value, tangent)`` of ``callee(*args, **kwargs)`` (or of the method
    ``site.method`` of ``callee``); ``tangents`` maps operand positions (0:
    the callee / receiver) to tangents."""
    method = site.method
    if method is None:
        return _value_jvp(site, callee, args, tangents, kwargs)
    obj = callee
    how, target, fields = method_target(site, obj, method)
    if how == "field":     # self.layer1(h): a field holding a callee
        inner = dict(tangents)
        if 0 in inner:
            inner[0] = getattr(inner[0], method, None)
        return _value_jvp(site, target, args, inner, kwargs)
    shifted = {p: t for p, t in tangents.items() if p}   # arguments after self
    if how == "static":
        return _function_jvp(site, target, args, _shift(tangents, 0), kwargs)
    if how == "class":
        return _function_jvp(site, target, (type(obj),) + args, shifted, kwargs)
    if how == "function":
        if 0 in tangents:
            shifted[0] = tangents[0]
        return _function_jvp(site, target, (obj,) + args, shifted, kwargs)
    bound = target
    if 0 in tangents and runtime._holds_gradient(obj):
        raise _refuse(site, "forward mode does not support the method .%s() of a %s, "
                      "which depends on the differentiated arguments, yet" % (
                          method, type(obj).__name__), _TAPE)
    return _value_jvp(site, bound, args, {p: t for p, t in tangents.items() if p}, kwargs)


def _shift(tangents, by):
    """Operand tangents (0: the callee) as tangents of the arguments."""
    return {p - 1 + by: t for p, t in tangents.items() if p}


def _value_jvp(site, f, args, tangents, kwargs):
    """``f(*args, **kwargs)`` with ``tangents`` over ``[f] + args``."""
    from .. import pipeline
    if pipeline.SPECIAL_JVP is not None and not kwargs:   # custom_jvp (and the bridge's)
        positions = tuple(sorted(p - 1 for p in tangents if p))
        special = pipeline.SPECIAL_JVP(f, positions, site.mode)
        if special is not None:
            return getattr(special, "fn", special)(*args, *[tangents[p + 1]
                                                             for p in positions])
    if _special(f):
        raise _refuse(site, "forward mode does not support %s, which has its own VJP "
                      "(custom_vjp, autograd.Function) and no JVP, yet" % _name(f), _TAPE)
    if isinstance(f, runtime.Closure):     # made by compiled code: its cells carry tangents
        if kwargs:
            raise _refuse(site, "a nested function used as a value is called here with "
                          "keyword arguments, which the compiler does not support",
                          "pass the arguments by position, or " + _TAPE)
        inner = _shift(tangents, 0)
        cells = getattr(tangents.get(0), "cells", None)
        n = len(args)
        if cells is not None:
            inner.update({n + j: c for j, c in enumerate(cells)})
        return _function_jvp(site, f.fn, tuple(args) + tuple(f.cells), inner, {})
    if isinstance(f, functools.partial):
        if 0 in tangents and runtime._holds_gradient(f.args) or \
                runtime._holds_gradient(f.keywords) and 0 in tangents:
            raise _refuse(site, "forward mode does not support a functools.partial that "
                          "holds values depending on the differentiated arguments, yet",
                          _TAPE)
        k = len(f.args)
        inner = {k + p - 1: t for p, t in tangents.items() if p}
        return _function_jvp(site, f.func, tuple(f.args) + tuple(args), inner,
                             dict(f.keywords, **kwargs))
    if inspect.ismethod(f):
        owner = f.__self__
        inner = {p: t for p, t in tangents.items() if p}   # argument p is at p (self first)
        if 0 in tangents and not isinstance(owner, type) and runtime._holds_gradient(owner):
            inner[0] = tangents[0].__self__ if inspect.ismethod(tangents[0]) else tangents[0]
        return _function_jvp(site, f.__func__, (owner,) + tuple(args), inner, kwargs)
    if runtime.object_fields(f) is not None and not inspect.isroutine(f):
        call = getattr(type(f), "__call__", None)
        if inspect.isfunction(call):
            inner = {p: t for p, t in tangents.items()}    # self is operand 0
            return _function_jvp(site, call, (f,) + tuple(args), inner, kwargs)
    # a plain function, a primitive: the callee itself carries no tangent
    return _function_jvp(site, f, tuple(args), _shift(tangents, 0), kwargs)


def _function_jvp(site, fn, full, tangents, kwargs):
    """``fn(*full, **kwargs)`` and its tangent, ``tangents`` by index in ``full``."""
    from .. import pipeline
    tangents = {i: t for i, t in tangents.items() if t is not None}
    if rules.has_rule(fn):
        prim = rules.lookup(fn)
        value = fn(*full, **kwargs)
        return value, _zero_or(prim.tangent(tangents, value, full, kwargs), value)
    if rules.is_nondiff(fn) or not tangents:
        value = fn(*full, **kwargs)
        return value, runtime.zeros_like(value)
    if not inspect.isfunction(fn):
        return _unknown(site, fn, full, kwargs, tangents)
    full, kwargs = _bind(fn, full, kwargs)
    if kwargs:
        return _unknown(site, fn, full, kwargs, tangents,
                        "it is called with keyword arguments and takes *args, **kwargs or "
                        "keyword-only parameters")
    positions = tuple(sorted(tangents))
    try:
        compiled = pipeline.compile_jvp(fn, positions, mode=site.mode, callee=True,
                                        numeric=tuple(map(_kind, full)))
    except (NoSource, SrcgradSyntaxError, NoRuleError) as err:
        if getattr(err, "mutation", False):
            raise _refuse(site, "%s changes an argument or an object in place (%s:%s: %s)" % (
                _name(fn), err.filename, err.lineno, err.bare_msg),
                'return the new value instead, or use mode="tape"') from None
        if site.mode == "auto" and pipeline.FALLBACK_JVP is not None:
            reason = "%s:%s: %s" % (site.filename, site.line,
                                    getattr(err, "bare_msg", None) or err)
            found = pipeline.FALLBACK_JVP(fn, positions, reason)
            return getattr(found, "fn", found)(*full, *[tangents[i] for i in positions])
        raise
    return compiled.fn(*full, *[tangents[i] for i in positions])


def _zero_or(tangent, value):
    return runtime.tangents_like(tangent, value) if tangent is not None else \
        runtime.zeros_like(value)


def _unknown(site, fn, full, kwargs, tangents, why="it is not a function the compiler can "
             "read, nor a primitive with a derivative rule"):
    from .. import pipeline
    positions = tuple(sorted(tangents))
    if site.mode == "auto" and pipeline.FALLBACK_JVP is not None and not kwargs:
        reason = "%s:%s: %s is called here and %s" % (site.filename, site.line, _name(fn),
                                                       why)
        found = pipeline.FALLBACK_JVP(fn, positions, reason)
        return getattr(found, "fn", found)(*full, *[tangents[i] for i in positions])
    raise _refuse(site, "forward mode cannot differentiate this call: the callee, %s, is "
                  "known only at run time, and %s" % (_name(fn), why),
                  "register a rule with srcgrad.defjvp, call a Python function, or " + _TAPE)



def field_tangent(t, obj, name):
    """The tangent of ``obj.name`` given ``t``, the tangent of ``obj``: the
    same field of ``t`` for a field that holds numbers or arrays, zero for
    one that holds none (a string, a function, an integer count), the
    getter's own JVP for a ``@property`` (its value is computed, not
    stored); any other attribute is refused (never read off the tangent)."""
    value = getattr(obj, name)
    fields = runtime.object_fields(obj)
    stored = fields is not None and name in fields or \
        name in (getattr(type(obj), "_fields", None) or ())     # a namedtuple's
    if stored:
        return getattr(t, name) if runtime._holds_gradient(value) else \
            runtime.zeros_like(value)
    attr = inspect.getattr_static(type(obj), name, None)
    if isinstance(attr, property) and attr.fget is not None:
        from .. import pipeline
        compiled = pipeline.compile_jvp(attr.fget, (0,), mode="compile", callee=True,
                                        numeric=(None,))
        return compiled.fn(obj, t)[1]
    if inspect.isfunction(attr):   # a method as a value: bound to the tangent (its self)
        return getattr(t, name)
    if attr is not None and not hasattr(attr, "__get__") and \
            not runtime._holds_gradient(value):
        return runtime.zeros_like(value)     # a class-level constant
    raise NoRuleError("forward mode does not support reading %s.%s (a %s of %s) from a value "
                      "that depends on the differentiated arguments, yet; use reverse mode, "
                      "or mode=\"auto\"" % (type(obj).__name__, name, type(attr).__name__,
                                             type(obj).__name__))


register_field_tangent(field_tangent)    # so generated JVP code can be differentiated again
