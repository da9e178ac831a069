"""``dict(...)`` calls whose entries are visible in the code become dict
displays, which the compiler models (a dict display's adjoint routes each
value's cotangent back to it).

Rewritten, when ``dict`` is the builtin (not shadowed):

* ``dict(a=x, b=y)``                      -> ``{'a': x, 'b': y}``
* ``dict([('a', x), ('b', y)], c=z)``     -> ``{'a': x, 'b': y, 'c': z}``
* ``dict({'a': x}, b=y)``                 -> ``{'a': x, 'b': y}``
* ``dict(zip(['a', 'b'], [x, y]))``       -> ``{'a': x, 'b': y}`` (constant keys)

Guarantees: the display evaluates the same expressions in the same order as
the call (the pairs, then the keywords; a later key wins, as in the call);
any other form (``dict(pairs)`` with ``pairs`` a name, ``**kw``) is left as
it is written.

>>> import gast, builtins
>>> from .anf import dump
>>> fn = gast.parse("def f(x):\\n    return dict([('a', x)], b=x * 2)").body[0]
>>> resolve = lambda n: builtins.dict if getattr(n, "id", None) == "dict" else None
>>> print(dump(rewrite_dict_calls(fn, resolve).body))
return {'a': x, 'b': x * 2}
"""

import builtins

import gast

from ..ir.fastast import walk as _walk

__all__ = ["rewrite_dict_calls"]


def _pairs(arg, resolve):
    """``(keys, values)`` of a positional argument of ``dict``, or ``None``."""
    if isinstance(arg, gast.Dict) and None not in arg.keys:
        return list(arg.keys), list(arg.values)
    if isinstance(arg, (gast.List, gast.Tuple)) and all(
            isinstance(e, (gast.Tuple, gast.List)) and len(e.elts) == 2 and
            not any(isinstance(x, gast.Starred) for x in e.elts) for e in arg.elts):
        return [e.elts[0] for e in arg.elts], [e.elts[1] for e in arg.elts]
    if isinstance(arg, gast.Call) and resolve(arg.func) is builtins.zip and \
            len(arg.args) == 2 and not arg.keywords and \
            all(isinstance(a, (gast.List, gast.Tuple)) for a in arg.args):
        keys, values = arg.args[0].elts, arg.args[1].elts
        if all(isinstance(k, gast.Constant) for k in keys) and \
                not any(isinstance(v, gast.Starred) for v in values):
            n = min(len(keys), len(values))
            return list(keys[:n]), list(values[:n])
    return None


class _Rewriter(gast.NodeTransformer):
    def __init__(self, resolve):
        self.resolve = resolve

    def visit_Call(self, node):
        self.generic_visit(node)
        if not isinstance(node.func, gast.Name) or self.resolve(node.func) is not builtins.dict:
            return node
        if len(node.args) > 1 or any(k.arg is None for k in node.keywords):
            return node
        keys, values = [], []
        if node.args:
            pairs = _pairs(node.args[0], self.resolve)
            if pairs is None:
                return node
            keys, values = pairs
        for k in node.keywords:
            keys.append(gast.Constant(value=k.arg, kind=None))
            values.append(k.value)
        return gast.copy_location(gast.Dict(keys=keys, values=values), node)


def rewrite_dict_calls(fn_node, resolve):
    """``fn_node`` with the ``dict(...)`` calls above rewritten (in place);
    ``fn_node`` untouched when it calls no ``dict`` (a cheap walk decides)."""
    if not any(type(n) is gast.Call and type(n.func) is gast.Name and
               resolve(n.func) is builtins.dict for n in _walk(fn_node)):
        return fn_node
    return _Rewriter(resolve).visit(fn_node)
