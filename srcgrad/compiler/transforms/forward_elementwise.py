"""Elementwise JVPs read from VJP bodies that are not ``g * X``, for
:mod:`.forward_rules`.

An elementwise rule ``vjp(g, ans, *args)`` of a holomorphic primitive is
``g * conj(f'(x))``; :mod:`.forward_rules` inlines its JVP as
``t * f'(x)``.  Two more forms of VJP give a JVP that is NumPy code the
compiler can differentiate again (second derivatives, srcgrad/higher.py),
instead of a call of the derived JVP object, which it cannot read:

*real output*: the rule uses its cotangent only as ``runtime.real_cotangent(g)``
(or ``np.real(g)``): the primitive's value is real (``abs``, ``np.real``,
``np.imag``, ``np.angle``), ``vjp(g) = Re(g) X`` with ``X = vjp(1)`` (for a
complex ``x``, ``X = dy/dRe x + i dy/dIm x``, docs/semantics.md), and the JVP
along ``t`` is ``Re(conj(X) t)``, written
``_rt.real_cotangent(t * conj(X))`` -- ``dx * np.sign(x)`` on real values,
where ``real_cotangent`` and ``conj`` return their argument.  A one-expression
body is inlined with ``real_cotangent(g)`` read as ``g`` (checked to be
``g * X`` then); another is called with ``g = 1.0``, and the compiler reads
that rule like a user function.

*complex-linear, several statements* (``multigammaln``): every ``return`` is
``g * X`` (``g`` reached only through products, a numerator, negation) and
``g`` is used nowhere else: the JVP is ``conj(vjp(conj(t), ans, *args))``,
the rule called by name.

Anything else stays a call of the derived JVP (exact at first order; refused
by the reverse transform, so a second derivative through it is refused).
"""

import builtins
import copy
import inspect
import textwrap
import threading

import gast
import numpy as np

from ... import runtime
from ..ir.env import attr, call, const, load
from .conjugates import simplify
from .rulecall import rule_expr

__all__ = ["real_output", "complex_linear_body", "real_output_jvp", "complex_linear_jvp",
           "complex_linear_expr", "conjugated"]

_PLACEHOLDER = "_srcgrad_cotangent_"
_LOCK = threading.Lock()
_BODIES = {}      # id(rule) -> (rule, FunctionDef or None)


def _function(rule):
    """``rule``'s parsed ``def`` (``None`` if its source cannot be read)."""
    with _LOCK:
        hit = _BODIES.get(id(rule))
    if hit is not None and hit[0] is rule:
        return hit[1]
    node = None
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(rule)))
        if isinstance(tree.body[0], gast.FunctionDef) and tree.body[0].name == rule.__name__:
            node = tree.body[0]
    except (OSError, TypeError, SyntaxError, IndentationError):
        node = None
    with _LOCK:
        _BODIES[id(rule)] = (rule, node)
    return node


def _resolve(rule, node):
    """The object an expression ``np.real`` / ``runtime.real_cotangent`` names
    in ``rule``'s module (``None`` when it is not a dotted global name)."""
    if isinstance(node, gast.Name):
        scope = getattr(rule, "__globals__", {})
        return scope[node.id] if node.id in scope else getattr(builtins, node.id, None)
    if isinstance(node, gast.Attribute):
        base = _resolve(rule, node.value)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _is_real_part(rule, node):
    fn = _resolve(rule, node)
    return fn is runtime.real_cotangent or fn is np.real


def _cotangent_name(rule):
    node = _function(rule)
    if node is None or not node.args.args:
        return None, None
    return node, node.args.args[0].id


def real_output(rule):
    """Whether ``rule`` reads its cotangent ``g`` only as
    ``runtime.real_cotangent(g)`` or ``np.real(g)``, and never rebinds it."""
    node, g = _cotangent_name(rule)
    if node is None:
        return False
    inside = set()
    for n in gast.walk(node):
        if isinstance(n, gast.Call) and len(n.args) == 1 and not n.keywords and \
                isinstance(n.args[0], gast.Name) and n.args[0].id == g and \
                _is_real_part(rule, n.func):
            inside.add(id(n.args[0]))
    uses = _uses(node, g)
    return bool(inside) and all(id(n) in inside for n in uses) and \
        all(isinstance(n.ctx, gast.Load) for n in uses)


def _uses(fn, g):
    """The ``Name`` nodes reading or writing ``g`` in ``fn``'s body."""
    return [n for stmt in fn.body for n in gast.walk(stmt)
            if isinstance(n, gast.Name) and n.id == g]


def _reaches(node, target, resolve=None):
    """Whether ``node`` is ``target * X``: ``target`` (a node, or a name) is
    reached through products, the numerator of a division, negation and the
    branches of ``np.where`` (the other branch a literal 0 or ``target * Y``;
    ``resolve`` tells the callee), and occurs nowhere else on the way."""
    if node is target or isinstance(node, gast.Name) and isinstance(target, str) and \
            node.id == target:
        return True
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return _reaches(node.left, target, resolve) or _reaches(node.right, target, resolve)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div):
        return _reaches(node.left, target, resolve)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return _reaches(node.operand, target, resolve)
    if _is_where(node, resolve) and not _mentions(node.args[0], target):
        hit = [_reaches(b, target, resolve) for b in node.args[1:]]
        return any(hit) and all(h or _zero(b) for h, b in zip(hit, node.args[1:]))
    return False


def _is_where(node, resolve):
    if not (isinstance(node, gast.Call) and len(node.args) == 3 and not node.keywords and
            resolve is not None):
        return False
    try:
        return resolve(node.func) is np.where
    except Exception:  # noqa: BLE001 - not a name the compiler knows
        return False


def _mentions(node, target):
    return any(n is target or isinstance(n, gast.Name) and isinstance(target, str) and
               n.id == target for n in gast.walk(node))


def _zero(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) and \
        node.value == 0


def conjugated(expr, make, is_conj, resolve):
    """``conj(expr)`` with the conjugates pushed inward
    (:func:`.conjugates.simplify`), through ``np.where``'s branches too:
    ``conj(np.where(c, conj(dx), 0.0))`` is ``np.where(c, dx, 0.0)``."""
    if _is_where(expr, resolve):
        c, a, b = expr.args
        return gast.Call(func=expr.func, args=[c, conjugated(a, make, is_conj, resolve),
                                               conjugated(b, make, is_conj, resolve)],
                         keywords=[])
    return simplify(make(expr), is_conj, make)


def rule_resolver(rule):
    """What a name in ``rule``'s body refers to (for :func:`_reaches`)."""
    return lambda node: _resolve(rule, node)


def complex_linear_expr(rule, expr, g):
    """Whether the one-expression body ``expr`` of ``rule`` is ``g * X``
    (``g`` occurring once, reached by :func:`_reaches`)."""
    here = [n for n in gast.walk(expr) if isinstance(n, gast.Name) and n.id == g]
    return len(here) == 1 and _reaches(expr, g, rule_resolver(rule))


def complex_linear_body(rule):
    """Whether every ``return`` of ``rule`` is ``g * X`` (``g`` occurring
    once in it, reached by :func:`_reaches`) and ``g`` is used nowhere else."""
    node, g = _cotangent_name(rule)
    if node is None:
        return False
    returns = [n for n in gast.walk(node) if isinstance(n, gast.Return)]
    if not returns or any(r.value is None for r in returns):
        return False
    counted = 0
    for r in returns:
        here = [n for n in gast.walk(r.value) if isinstance(n, gast.Name) and n.id == g]
        if len(here) != 1 or not _reaches(r.value, g, rule_resolver(rule)):
            return False
        counted += 1
    return len(_uses(node, g)) == counted


def real_output_jvp(fwd, op, prim, pos, vjp, dname, t, make, is_conj):
    """``_rt.real_cotangent(t * conj(X))`` for a :func:`real_output` rule:
    the body inlined with ``real_cotangent(g)`` as ``conj(t)`` when it is then
    ``conj(t) * X``, else ``X`` from a call of the rule with ``g = 1.0``."""
    rt = fwd.env.runtime()
    expr = rule_expr(fwd.env, prim, pos, load(_PLACEHOLDER), load(t), op.args, op.kwargs, vjp)
    marks = []

    class _Strip(gast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if len(node.args) == 1 and isinstance(node.args[0], gast.Name) and \
                    node.args[0].id == _PLACEHOLDER and _real_part(fwd, node.func):
                marks.append(make(copy.deepcopy(dname)))
                return marks[-1]
            return node
    expr = _Strip().visit(expr)
    left = any(isinstance(n, gast.Name) and n.id == _PLACEHOLDER for n in gast.walk(expr))
    resolve = _env_resolver(fwd)
    if not left and len(marks) == 1 and _reaches(expr, marks[0], resolve):
        inner = conjugated(expr, make, is_conj, resolve)      # t * conj(X), exact
    else:
        x = rule_expr(fwd.env, prim, pos, const(1.0), load(t), op.args, op.kwargs, vjp)
        inner = gast.BinOp(left=copy.deepcopy(dname), op=gast.Mult(),
                           right=conjugated(x, make, is_conj, resolve))
    return call(attr(rt, "real_cotangent"), [inner])


def _real_part(fwd, func):
    try:
        fn = fwd.env.resolve(func)
    except Exception:  # noqa: BLE001 - not a name the compiler knows
        return False
    return fn is runtime.real_cotangent or fn is np.real


def _env_resolver(fwd):
    return fwd.env.resolve


def complex_linear_jvp(fwd, op, prim, pos, vjp, dname, t, make, is_conj):
    """``conj(vjp(conj(t), ans, *args))`` for a :func:`complex_linear_body`
    rule (called by name: the compiler reads it like a user function)."""
    expr = rule_expr(fwd.env, prim, pos, make(dname), load(t), op.args, op.kwargs, vjp)
    return conjugated(expr, make, is_conj, _env_resolver(fwd))
