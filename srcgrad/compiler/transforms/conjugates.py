"""Complex conjugates pushed inward: a VJP body read as a JVP.

Under the project's convention an elementwise rule's VJP is
``g * conj(f'(x))``, so its JVP is ``conj(vjp(conj(t)))`` =
``conj(conj(t) * conj(f'(x)))``.  :func:`conjugate` builds an expression equal
to ``conj(expr)`` by the identities ``conj(a * b) = conj(a) * conj(b)`` (and
for ``+``, ``-``, ``/``, unary minus, a real power), ``conj(conj(a)) = a``
and ``conj(c) = c`` for a real literal; what it cannot push further stays
wrapped in one conjugate call.  Every step is an identity of complex
arithmetic, so the result is exact for real and complex values alike -- and
``t * f'(x)`` is what the forward transform emits, readable, and made only of
functions with rules (so the compiler can differentiate it again).

>>> import gast
>>> from ..frontend.anf import dump
>>> body = gast.parse("_rt.conj(_rt.conj(dx) * _rt.conj(np.cos(x)))").body[0].value
>>> is_conj = lambda f: isinstance(f, gast.Attribute) and f.attr == "conj"
>>> make = lambda e: gast.Call(func=gast.parse("_rt.conj").body[0].value, args=[e],
...                            keywords=[])
>>> print(dump([gast.Expr(value=simplify(body, is_conj, make))]).strip())
dx * np.cos(x)
"""

import gast

__all__ = ["conjugate", "simplify"]

_LINEAR_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def _real_literal(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float, bool)


def conjugate(expr, is_conj, make_conj):
    """An expression equal to ``conj(expr)``; ``is_conj(func)`` tells a
    conjugate call's function, ``make_conj(e)`` builds one."""
    if isinstance(expr, gast.Call) and is_conj(expr.func) and len(expr.args) == 1 and \
            not expr.keywords:
        return expr.args[0]
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, _LINEAR_OPS):
        return gast.BinOp(left=conjugate(expr.left, is_conj, make_conj), op=expr.op,
                          right=conjugate(expr.right, is_conj, make_conj))
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Pow) and \
            _real_literal(expr.right):
        return gast.BinOp(left=conjugate(expr.left, is_conj, make_conj), op=expr.op,
                          right=expr.right)
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, (gast.USub, gast.UAdd)):
        return gast.UnaryOp(op=expr.op, operand=conjugate(expr.operand, is_conj, make_conj))
    if _real_literal(expr):
        return expr
    return make_conj(expr)


class _Simplify(gast.NodeTransformer):
    def __init__(self, is_conj, make_conj):
        self.is_conj, self.make_conj = is_conj, make_conj

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.is_conj(node.func) and len(node.args) == 1 and not node.keywords:
            inner = conjugate(node.args[0], self.is_conj, self.make_conj)
            # only where pushing inward removed a conjugate: never longer code
            if _count(inner, self.is_conj) < _count(node, self.is_conj):
                return inner
        return node


def _count(node, is_conj):
    return sum(1 for n in gast.walk(node) if isinstance(n, gast.Call) and is_conj(n.func))


def simplify(expr, is_conj, make_conj):
    """``expr`` with every conjugate call pushed inward where that cancels
    conjugates (``conj(conj(t) * conj(d))`` -> ``t * d``)."""
    return _Simplify(is_conj, make_conj).visit(expr)
