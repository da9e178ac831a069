"""Rules as expressions: read a rule's body and inline it at a call site.

A rule whose body is a single ``return <expr>`` is inlined: its parameters
are replaced by the call's atoms (``g`` by the adjoint, ``ans`` by the
primitive's output) and the globals it uses (``np``, ``math``, ``runtime``)
by the names the generated code binds them to.  Other rules are called by
name.  Either way the generated code calls only numpy, the user's globals and
``srcgrad.runtime`` (plus, for multi-statement rules, the rule itself).

>>> import numpy as np
>>> from srcgrad.rules.ufuncs import sin_vjp
>>> t = template(sin_vjp)
>>> t.params, t.expr is not None
(['g', 'ans', 'x'], True)
"""

import copy
import inspect
import textwrap

import gast

from ..frontend.parse import source_matches

__all__ = ["template", "Template", "substitute"]

_CACHE = {}


class Template:
    __slots__ = ("rule", "params", "defaults", "expr", "free", "varargs")

    def __init__(self, rule, params, defaults, expr, free, varargs):
        self.rule = rule
        self.params = params
        self.defaults = defaults
        self.expr = expr          # gast expression, or None when not inlinable
        self.free = free          # global names the expression reads
        self.varargs = varargs


def template(rule):
    """Parse ``rule`` once; cache the result."""
    key = id(rule)
    hit = _CACHE.get(key)
    if hit is not None and hit.rule is rule:
        return hit
    sig = inspect.signature(rule)
    params, defaults, varargs = [], {}, False
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            varargs = True
            continue
        params.append(p.name)
        if p.default is not p.empty:
            defaults[p.name] = p.default
    expr, free = None, ()
    try:
        src = textwrap.dedent(inspect.getsource(rule))
        tree = gast.parse(src)
        node = tree.body[0]
        if not isinstance(node, gast.FunctionDef) or node.name != rule.__name__:
            raise TypeError("a lambda")  # a user's lambda rule: called, never inlined
        if not source_matches(src, tree, rule, inspect.getsourcefile(rule) or "<rule>"):
            raise TypeError("stale")   # the file changed since import: call the rule instead
        body = [s for s in node.body
                if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
        if len(body) == 1 and isinstance(body[0], gast.Return) and body[0].value is not None \
                and not varargs:
            expr = body[0].value
            loads = {n.id for n in gast.walk(expr) if isinstance(n, gast.Name)}
            free = tuple(sorted(loads - set(params)))
            if any(isinstance(n, (gast.Lambda, gast.ListComp, gast.GeneratorExp,
                                  gast.DictComp, gast.SetComp)) for n in gast.walk(expr)):
                expr = None
    except (OSError, TypeError, SyntaxError):
        expr = None
    t = Template(rule, params, defaults, expr, free, varargs)
    _CACHE[key] = t
    return t


def substitute(expr, mapping):
    """A copy of ``expr`` with each ``Name`` in ``mapping`` replaced by a copy
    of its node."""
    expr = copy.deepcopy(expr)

    class _Sub(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in mapping:
                return copy.deepcopy(mapping[node.id])
            return node

    return _Sub().visit(expr)
