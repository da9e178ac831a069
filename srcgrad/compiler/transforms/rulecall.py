"""The adjoint expression of one rule at one call site.

:func:`rule_expr` inlines a single-expression rule (parameters replaced by the
call's atoms, ``g`` by the adjoint, ``ans`` by the output, and the rule's
globals by names the generated code binds), folds constants, and otherwise
emits a call to the rule by name.
"""

import builtins

import gast

from ..ir.env import call, const, literal, load
from .inline import clone, substitute, template
from ..lower.optimize import fold

__all__ = ["rule_expr", "literal"]

_MISSING = object()


def rule_expr(env, prim, pos, g, ans, args, kwargs, rule=None):
    """The cotangent expression for argument ``pos`` of ``prim`` called with
    ``args`` / ``kwargs`` (gast nodes), given the adjoint ``g`` and output
    ``ans`` (gast nodes); ``rule`` overrides the table's (a specialisation)."""
    rule = rule or prim.vjps[pos]
    tmpl = template(rule)
    args = list(args)
    kwargs = dict(kwargs)
    inlinable = tmpl.expr is not None and not any(isinstance(a, gast.Starred) for a in args)
    names = tmpl.params[2:]
    if inlinable and (len(args) > len(names) or any(k not in names for k in kwargs)):
        inlinable = False
    mapping = {}
    if inlinable:
        mapping = {tmpl.params[0]: g, tmpl.params[1]: ans}
        for name, node in zip(names, args):
            mapping[name] = node
        for name in names[len(args):]:
            if name in kwargs:
                mapping[name] = kwargs[name]
            elif name in tmpl.defaults and literal(tmpl.defaults[name]):
                mapping[name] = const(tmpl.defaults[name])
            else:
                inlinable = False
                break
    if inlinable:
        found = {}
        for free in tmpl.free:
            obj = getattr(rule, "__globals__", {}).get(free, _MISSING)
            if obj is _MISSING:
                obj = getattr(builtins, free, _MISSING)
            if obj is _MISSING or free in getattr(getattr(rule, "__code__", None),
                                                  "co_freevars", ()):
                inlinable = False   # a closure variable of a user's rule: call the rule
                break
            found[free] = obj
    if inlinable:
        for free, obj in found.items():
            mapping[free] = load(env.ref(obj, free if free != "runtime" else "_rt"))
        return fold(substitute(tmpl.expr, mapping), env.resolve)
    fn = load(env.ref(rule, rule.__name__))
    kws = [gast.keyword(arg=k, value=clone(v)) for k, v in kwargs.items()]
    return call(fn, [g, ans] + [clone(a) for a in args], kws)
