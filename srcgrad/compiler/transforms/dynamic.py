"""Dynamic call sites: calls whose callee is a value the program holds.

``nonlinearity(x)`` with ``nonlinearity`` an argument, ``act(x)`` with
``act = ACTS[name]``, ``layer.forward(x)`` and ``self.layer1(h)`` with the
receiver a local value, ``L(x)`` and ``L.forward(x)`` with ``L`` a global
object: the compiler cannot name the callee, so (when an operand carries a
gradient) :func:`make_dynamic` turns the call into a user call whose VJP is
a :class:`~srcgrad.runtime.CallSite`::

    _t1, nonlinearity_pb = _nonlinearity_vjp(nonlinearity, x)   # forward
    _bnonlinearity_args = nonlinearity_pb(_bt1)                 # adjoint

At run time :func:`dispatch` looks the callee up *by identity*: a rule-table
primitive runs with its rules; a non-differentiable callable gives a
constant; a plain function, a bound method (function + ``self``), an object
with ``__call__``, a ``functools.partial`` (function + bound arguments), a
static or class method is compiled by :func:`~.pipeline.compile_vjp` (cached
on the function: the cache is the guard, so a different callee gets its own
code and a callee seen before costs a dictionary look-up); anything else is
refused with the call's file and line (``mode="compile"``) or run on the
tape (``mode="auto"``).  Gradients reach the receiver and the callee
themselves: the cotangent of ``obj.meth`` is the cotangent of ``obj``, of an
object with ``__call__`` the object's, of a function zero.

Guarantee: a call converted here is differentiated through what the callee
is at run time, or refused; never taken for a constant.
"""

import functools
import inspect
import linecache
import re

import gast
import numpy as np

from ... import rules, runtime
from ...rules import operators as opmap
from ...errors import NoRuleError, SrcgradSyntaxError
from ..ir.ops import walk_ops
from ..frontend.parse import NoSource

__all__ = ["Dynamic", "make_dynamic", "dispatch"]

_TEMP = re.compile(r"^_(t|list|dict|item)\d*$")
_TAPE = 'use mode="tape" (or mode="auto", which runs this call on the tape)'


class Dynamic:
    """The callee of a converted call, known at compile time only by the
    name it is called through (``method`` set for ``obj.method(...)``)."""

    def __init__(self, name, method=None, known=None):
        self.__name__ = name
        self.method = method
        #: for a global object's method or ``__call__``: the function called
        #: with the object first, so the compiler checks it (refusals, effects)
        #: at compile time, as for a call of a global function
        self.known = known

    def site(self, filename, line, positions, mode):
        return runtime.CallSite(filename, line, positions, mode, self.method)


def make_dynamic(tree, wrt, kinds, resolve, info):
    """Turn the calls of run-time callees that read a carrier into user
    calls through a :class:`Dynamic` callee (in place)."""
    from ..frontend.resolve import _with_module_names, carriers
    ops = list(walk_ops(tree))
    kinds = _with_module_names(ops, kinds, resolve)
    carried = None
    for op in ops:
        call = getattr(op.stmt, "value", None)
        if not isinstance(op.stmt, gast.Assign) or not isinstance(call, gast.Call) or \
                op.nosave or op.target is None or not isinstance(op.target, gast.Name):
            continue
        if any(isinstance(a, gast.Starred) for a in call.args) or \
                any(k.arg is None for k in call.keywords):
            continue
        func = call.func
        head = None
        if op.kind == "other":
            if isinstance(func, gast.Name) and resolve(func) is None:
                head = (func, Dynamic(func.id if not _TEMP.match(func.id) else "call"))
            elif isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and \
                    resolve(func) is None and (resolve(func.value) is None or runtime.
                                               object_fields(resolve(func.value)) is not None):
                kind = kinds.get(func.value.id)
                if kind == "f" or isinstance(kind, tuple) and kind[:1] == ("a",):
                    continue   # an array's method the table does not know: refused as before
                obj = resolve(func.value)   # a global object, or None (a local)
                head = (func.value, Dynamic(func.attr, func.attr, _method_of(obj, func.attr)))
        elif op.kind == "call" and not inspect.isfunction(op.callee) and not _special(op.callee):
            # a global object: L(x), L.forward(x)
            if inspect.ismethod(op.callee) and isinstance(func, gast.Attribute) and \
                    runtime.object_fields(op.callee.__self__) is not None:
                head = (func.value, Dynamic(func.attr, func.attr,
                                            _method_of(op.callee.__self__, func.attr)))
            elif inspect.ismethod(op.callee):   # F(x) with F = LAYER.forward; Cls.create(x)
                self = op.callee.__self__
                head = (func, Dynamic(op.callee.__name__, known=None if isinstance(self, type)
                                      else _plain(op.callee.__func__)))
            elif runtime.object_fields(op.callee) is not None:
                head = (func, Dynamic(getattr(func, "id", None) or getattr(func, "attr", "call"),
                                      known=_plain(getattr(type(op.callee), "__call__", None))))
        elif op.kind == "prim" and isinstance(func, gast.Attribute) and \
                isinstance(func.value, gast.Name) and resolve(func) is None and \
                func.attr in opmap.METHODS and func.value.id in kinds and \
                kinds[func.value.id] is None:
            # xp.sum(x) with xp a module (or an object) held in a variable: not an array
            head = (func.value, Dynamic(func.attr, func.attr))
        if head is None:
            continue
        if carried is None:
            carried = carriers(ops, wrt, resolve)
        reads = {n.id for n in gast.walk(call) if isinstance(n, gast.Name)}
        if not reads & carried or op.kind == "prim" and func.value.id in carried:
            continue   # (a carrier's method from the table: an array's, as resolve reads it)
        kwargs = {k.arg: k.value for k in call.keywords}
        for key, value in kwargs.items():
            if {n.id for n in gast.walk(value) if isinstance(n, gast.Name)} & carried:
                raise info.error(op.stmt, "the keyword argument %s= of a call to a function "
                                 "known only at run time depends on the differentiated "
                                 "arguments" % key, "pass it by position, or " + _TAPE)
        node, callee = head
        op.kind = "call"
        op.prim = None
        op.callee = callee
        op.args = [node] + list(call.args)
        op.kwargs = kwargs
        op.diff = None
    return tree


def _special(fn):
    """Whether ``fn`` has a VJP of its own (custom_vjp, autograd.Function.apply):
    the static path hands it to ``SPECIAL_VJP``."""
    from .. import pipeline
    return pipeline.SPECIAL_VJP is not None and pipeline.SPECIAL_VJP(fn, ()) is not None


def _method_of(obj, name):
    """The plain function ``obj.name(...)`` calls with ``obj`` first, or
    ``None`` (a field holding a callee, a static method, no object)."""
    fields = runtime.object_fields(obj) if obj is not None else None
    if fields is None or name in fields:
        return None
    return _plain(inspect.getattr_static(type(obj), name, None))


def _plain(fn):
    return fn if inspect.isfunction(fn) else None


# ------------------------------------------------------------------ run time

def _kind(value):
    if type(value) is np.ndarray:
        return ("a",) + value.shape
    if isinstance(value, (float, int, np.floating, np.integer, complex)) and \
            not isinstance(value, (bool, np.bool_)):
        return "f"
    return None


def _refuse(site, msg, hint=None):
    text = linecache.getline(site.filename, site.line) if site.line else None
    return SrcgradSyntaxError(msg, site.filename, site.line, None, text or None,
                              hint=hint)


def _name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or \
        type(fn).__name__


def method_target(site, obj, method):
    """What the call ``obj.<method>(...)`` at ``site`` reaches, looked up when
    it runs (both transforms' dispatch read it): ``(how, target, fields)``
    with ``fields`` the object's fields (None for an object without) and

    * ``"field"``: a field holding a callee (``self.layer1(h)``);
    * ``"static"``, ``"class"``, ``"function"``: a static method, a class
      method or a plain method of the object's class (its function);
    * ``"bound"``: anything else, the attribute as Python gives it."""
    fields = runtime.object_fields(obj)
    if fields is not None and method in fields:
        return "field", fields[method], fields
    if fields is not None:
        try:
            attr = inspect.getattr_static(obj, method)
        except AttributeError:
            raise AttributeError("%s:%s: %r object has no attribute %r" % (
                site.filename, site.line, type(obj).__name__, method)) from None
        if isinstance(attr, staticmethod):
            return "static", attr.__func__, fields
        if isinstance(attr, classmethod):
            return "class", attr.__func__, fields
        if inspect.isfunction(attr):
            return "function", attr, fields
    return "bound", getattr(obj, method), fields


def dispatch(site, callee, args, kwargs):
    """``(value, pullback)`` of the call at ``site`` (see the module docstring)."""
    method = site.method
    if method is None:
        return _value_vjp(site, callee, args, kwargs, site.wrt)
    obj = callee
    how, target, fields = method_target(site, obj, method)
    if how == "field":     # self.layer1(h): a field holding a callee
        value, pb = _value_vjp(site, target, args, kwargs, site.wrt)
        if 0 not in site.wrt:
            return value, pb

        def field_pullback(g):
            cts = list(pb(g))
            cts[0] = runtime.field_cotangent(cts[0], obj, method)
            return tuple(cts)
        return value, field_pullback
    if how == "static":
        return _mapped(site, target, args, kwargs, [None] + list(range(len(args))), obj)
    if how == "class":
        return _mapped(site, target, (type(obj),) + tuple(args), kwargs,
                       [None] + [i + 1 for i in range(len(args))], obj)
    if how == "function":
        return _mapped(site, target, (obj,) + tuple(args), kwargs,
                       list(range(len(args) + 1)), obj)
    # a module, or an object of a library: the bound callable, the receiver a constant
    # (an array receiver is refused by the callee's own check below)
    bound = target
    if inspect.ismodule(obj) or not isinstance(obj, (np.ndarray, np.generic)) and \
            fields is None and not inspect.isbuiltin(bound):
        return _value_vjp(site, bound, args, kwargs, site.wrt)
    return _unknown(site, bound, "the method .%s() of a %s" % (method, type(obj).__name__),
                    (obj,) + tuple(args), kwargs, site.wrt, method=method)


def _value_vjp(site, f, args, kwargs, wrt):
    """``f(*args, **kwargs)``; cotangents at ``wrt`` over ``[f] + args``."""
    if _special(f):    # custom_vjp, autograd.Function.apply: their own VJP
        return _mapped(site, f, tuple(args), kwargs, [None] + list(range(len(args))), f, wrt)
    if isinstance(f, runtime.Closure):
        return _closure_vjp(site, f, args, kwargs, wrt)
    if isinstance(f, functools.partial):
        n = len(f.args)
        return _mapped(site, f.func, tuple(f.args) + tuple(args), dict(f.keywords, **kwargs),
                       [None] + [n + i for i in range(len(args))], f, wrt)
    if inspect.ismethod(f):
        self = f.__self__
        if isinstance(self, type):      # a class method: the class is a constant
            return _mapped(site, f.__func__, (self,) + tuple(args), kwargs,
                           [None] + [i + 1 for i in range(len(args))], f, wrt)
        return _mapped(site, f.__func__, (self,) + tuple(args), kwargs,
                       list(range(len(args) + 1)), f, wrt)
    if runtime.object_fields(f) is not None and not inspect.isroutine(f):
        call = getattr(type(f), "__call__", None)
        if inspect.isfunction(call):
            return _mapped(site, call, (f,) + tuple(args), kwargs,
                           list(range(len(args) + 1)), f, wrt)
    if 0 in wrt and not inspect.isfunction(f) and runtime._holds_gradient(
            getattr(f, "__self__", None)):
        # a callee that depends on the differentiated arguments (x.dot, with x one)
        # and is not a user function or object: its gradient has nowhere to go
        raise _refuse(site, "the callee, %s, depends on the differentiated arguments and is "
                      "not a function or object the compiler can differentiate through"
                      % _name(f), "call the NumPy function (np.dot(x, y) for f = x.dot; "
                      "f(y)), or use mode=\"tape\"")
    return _mapped(site, f, tuple(args), kwargs, [None] + list(range(len(args))), f, wrt)


def _closure_vjp(site, f, args, kwargs, wrt):
    """A closure made by compiled code (``runtime.Closure``): ``f.fn(*args,
    *f.cells)``; the callee's cotangent is a closure holding the cells'."""
    if kwargs:
        raise _refuse(site, "a nested function used as a value is called here with keyword "
                      "arguments, which the compiler does not support",
                      "pass the arguments by position, or " + _TAPE)
    args = tuple(args)
    n = len(args)
    cells = [n + j for j, c in enumerate(f.cells) if runtime._holds_gradient(c)] \
        if 0 in wrt else []
    positions = tuple(sorted({p - 1 for p in wrt if 1 <= p <= n} | set(cells)))
    value, pb = _function_vjp(site, f.fn, args + f.cells, {}, positions)

    def pullback(g):
        got = dict(zip(positions, pb(g)))
        out = []
        for p in wrt:
            if p == 0:
                out.append(runtime.Closure(f.fn, [
                    got[n + j] if n + j in got else runtime.zeros_like(c)
                    for j, c in enumerate(f.cells)]))
            else:
                out.append(got[p - 1])
        return tuple(out)
    return value, pullback


def _mapped(site, fn, full, kwargs, where, head, wrt=None):
    """Run ``fn(*full)``; ``where[p]`` is the index in ``full`` of operand
    ``p`` of the site (``None``: the operand is a constant here, e.g. a plain
    function, or the receiver of a static method)."""
    wrt = site.wrt if wrt is None else wrt
    positions = sorted({where[p] for p in wrt if p < len(where) and where[p] is not None})
    value, pb = _function_vjp(site, fn, full, kwargs, tuple(positions))

    def pullback(g):
        got = dict(zip(positions, pb(g)))
        out = []
        for p in wrt:
            k = where[p] if p < len(where) else None
            if k is None:
                out.append(runtime.zeros_like(head if p == 0 else None))
            else:
                out.append(got[k])
        return tuple(out)
    return value, pullback


def _bind(fn, full, kwargs):
    """All arguments by position, defaults made explicit (as a static call's)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return full, kwargs
    params = list(sig.parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY) for p in params):
        return full, kwargs
    bound = sig.bind(*full, **kwargs)
    bound.apply_defaults()
    return tuple(bound.args), {}


def _function_vjp(site, fn, full, kwargs, positions):
    from .. import pipeline
    if rules.has_rule(fn):
        return _rule_vjp(site, fn, full, kwargs, positions)
    if rules.is_nondiff(fn):
        value = fn(*full, **kwargs)
        return value, lambda g: tuple(runtime.zeros_like(full[i]) for i in positions)
    special = pipeline.SPECIAL_VJP(fn, positions, site.mode) \
        if pipeline.SPECIAL_VJP is not None else None
    if special is not None and not kwargs:
        return special(*full)
    if not inspect.isfunction(fn):
        return _unknown(site, fn, _name(fn), full, kwargs, positions, shifted=False)
    full, kwargs = _bind(fn, full, kwargs)
    if kwargs:
        return _unknown(site, fn, _name(fn), full, kwargs, positions, shifted=False,
                        why="it is called with keyword arguments and takes *args, **kwargs "
                        "or keyword-only parameters")
    try:
        compiled = pipeline.compile_vjp(fn, positions, mode=site.mode, callee=True,
                                        numeric=tuple(map(_kind, full)))
    except (NoSource, SrcgradSyntaxError, NoRuleError) as err:
        if getattr(err, "mutation", False):    # an effect: never hidden on the tape
            raise _refuse(site, "%s changes an argument or an object in place (%s:%s: %s); "
                          "the compiler cannot follow that into this function's adjoint" % (
                              _name(fn), err.filename, err.lineno, err.bare_msg),
                          'return the new value instead, or use mode="tape"') from None
        if site.mode == "auto" and pipeline.FALLBACK_VJP is not None:
            reason = "%s:%s: %s" % (site.filename, site.line,
                                    getattr(err, "bare_msg", None) or err)
            return pipeline.FALLBACK_VJP(fn, positions, reason)(*full)
        if isinstance(err, NoSource):
            raise NoRuleError(
                "%s:%s: %s has no derivative rule and its source cannot be read. Register a "
                "rule with srcgrad.defvjp, or use mode=\"auto\" to run it on the tape"
                % (site.filename, site.line, _name(fn))) from None
        raise
    return compiled.fn(*full)


def _rule_vjp(site, fn, full, kwargs, positions):
    prim = rules.lookup(fn)
    for i in positions:
        if i >= len(prim.vjps) and not prim.varargs:
            raise _refuse(site, "%s has no derivative rule for its argument %d, which "
                          "depends on the differentiated arguments" % (prim.name, i + 1),
                          "rewrite the call, or " + _TAPE)
    value = fn(*full, **kwargs)

    def pullback(g):
        return prim.cotangents(g, value, full, positions, kwargs)
    return value, pullback


class _MethodCall:
    """``obj.<name>(*args)`` as a function of ``obj`` and the arguments, for
    the tape (mixed mode)."""

    def __init__(self, name):
        self.__name__ = self.__qualname__ = name

    def __call__(self, obj, *args, **kwargs):
        return getattr(obj, self.__name__)(*args, **kwargs)


def _unknown(site, fn, what, full, kwargs, positions, method=None, shifted=True,
             why="it is not a function the compiler can read, nor a primitive with a "
             "derivative rule"):
    """A callee srcgrad does not know: the tape in ``mode="auto"``, else loud."""
    from .. import pipeline
    if site.mode == "auto" and pipeline.FALLBACK_VJP is not None and not kwargs:
        reason = "%s:%s: %s is called here and %s" % (site.filename, site.line, what, why)
        if method is not None:
            return pipeline.FALLBACK_VJP(_MethodCall(method), positions, reason)(*full)
        return pipeline.FALLBACK_VJP(fn, positions, reason)(*full)
    raise _refuse(site, "the compiler cannot differentiate this call: the callee, %s, is "
                  "known only at run time, and %s" % (what, why),
                  "register a rule with srcgrad.defvjp, call a Python function, or " + _TAPE)


def getter_vjp(fget, obj, g):
    """The cotangent of ``obj`` for ``g``, the cotangent of the property value
    ``fget(obj)`` (its forward runs again: the field read kept no pullback)."""
    from .. import pipeline
    compiled = pipeline.compile_vjp(fget, (0,), mode="compile", callee=True, numeric=(None,))
    _, pb = compiled.fn(obj)
    return pb(g)[0]


runtime.closures.DYNAMIC_CALL = dispatch
runtime.trees.GETTER_VJP = getter_vjp
