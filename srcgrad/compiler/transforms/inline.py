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

__all__ = ["template", "Template", "substitute", "clone"]

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
    of its node (the replacement itself is not substituted into).

    >>> import gast
    >>> from ..frontend.anf import dump
    >>> e = gast.parse("g * np.cos(x)").body[0].value
    >>> y = gast.parse("y").body[0].value
    >>> print(dump([gast.Expr(value=substitute(e, {"g": y, "x": y}))]))
    y * np.cos(y)
    """
    return _clone(expr, mapping)


#: field values copied by reference: immutable, and what templates hold
_ATOMIC = (str, int, float, complex, bool, bytes, type(None), type(Ellipsis))


def clone(node):
    """A deep copy of a gast tree, several times faster than
    :func:`copy.deepcopy` (which it matches for trees without shared nodes:
    each node's ``__dict__``, extra attributes such as ``user_line``
    included, copied field by field).

    >>> import gast
    >>> e = gast.parse("f(x, y=2)").body[0].value
    >>> c = clone(e)
    >>> c is not e and gast.dump(c) == gast.dump(e) and c.args[0] is not e.args[0]
    True
    """
    return _clone(node, None)


def _clone(node, mapping):
    if isinstance(node, gast.AST):
        if mapping is not None and type(node) is gast.Name and node.id in mapping:
            return _clone(mapping[node.id], None)
        cls = type(node)
        new = cls.__new__(cls)
        d = new.__dict__
        for k, v in node.__dict__.items():
            if isinstance(v, _ATOMIC):
                d[k] = v
            elif isinstance(v, list):
                d[k] = [_clone(x, mapping) for x in v]
            else:
                d[k] = _clone(v, mapping)
        return new
    if isinstance(node, _ATOMIC):
        return node
    if isinstance(node, list):
        return [_clone(x, mapping) for x in node]
    if type(node) is tuple and all(isinstance(x, _ATOMIC) for x in node):
        return node
    return copy.deepcopy(node)
