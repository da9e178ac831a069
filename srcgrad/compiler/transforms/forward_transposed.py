"""The VJP of a JVP derived by transposition, so that generated JVP code
calling one can be differentiated again (second derivatives,
srcgrad/higher.py).

A primitive whose JVP is not declared is given one by transposing its VJP
rule (:func:`srcgrad.rules.jvp.transposed_jvp`: ``(J t)_k = <J^T e_k, t>``),
and the generated JVP calls that :class:`~srcgrad.rules.jvp.DerivedJVP` by
name (an elementwise rule of a form the forward transform does not inline,
``np.interp``'s ``x``, too)::

    _dt3 = _max_jvp_0(dx, _t3, x, y)

Its VJP needs no new formula.  For a cotangent ``u`` of the JVP's output,
the VJP rule ``vjp_i`` being linear in its cotangent,

    <u, J(ans, args) t>  =  <vjp_i(u, ans, *args), t>

as functions of ``(t, ans, args)``; so the cotangents of ``t``, ``ans`` and
the arguments are the gradient of the right-hand side, a generated function
calling the VJP rule itself::

    def max_jvp_0_transposed(u, t, ans, x0, x1):
        return np.sum(_max_vjp_0(u, ans, x0, x1) * t)

which the reverse transform differentiates like any function (it reads the
rule's NumPy code; the product broadcasts ``t`` where the primitive
broadcast, so no unbroadcast is needed).  Derivative formulas stay in
``srcgrad.rules``: only the rule table is read.

Guarantee: the cotangents are exact where the compiler reads the rule; a
rule it cannot read (an ODE solver's adjoint, a rule with a loop over a
Python object ...) is refused when the VJP first runs, naming the primitive,
never approximated.  Real values only: a complex tangent, output or argument
is refused (second derivatives are generated for real arguments; complex
intermediates of transposed primitives are refused here).
"""

import threading

import gast
import numpy as np

from ... import runtime
from ...errors import NoRuleError
from ...rules.jvp import DerivedJVP
from .dynamic import _kind

__all__ = ["transposed_vjp", "transposed_function"]

_LOCK = threading.Lock()
_FUNCTIONS = {}     # (id(prim), position, n, keywords) -> (prim, generated function)


def _paths(t, path=()):
    """The index paths of the leaves of a tangent that move (``None``
    leaves do not), through tuples and lists; ``None`` for another
    container."""
    if t is None:
        return []
    if isinstance(t, (tuple, list)):
        out = []
        for k, v in enumerate(t):
            sub = _paths(v, path + (k,))
            if sub is None:
                return None
            out.extend(sub)
        return out
    if isinstance(t, dict):
        return None
    return [path]


def transposed_function(prim, position, n, keywords=(), paths=((),)):
    """The generated ``<vjp_i(u, ans, *args), t>`` for a call with ``n``
    positional arguments and ``keywords`` (passed by name), for a tangent
    whose moving leaves are at ``paths`` (``((),)``: ``t`` itself; ``((0,),)``
    for ``(dc, None)``), cached: ``fn(u, t, ans, x0, .., xn-1, *keywords)``."""
    from ..backends import codegen
    from ..ir.env import attr, call, const, load, store
    key = (id(prim), position, n, tuple(keywords), tuple(paths))
    with _LOCK:
        hit = _FUNCTIONS.get(key)
    if hit is not None and hit[0] is prim:
        return hit[1]
    rule = prim.vjps[min(position, len(prim.vjps) - 1)]
    base = prim.name.replace(".", "_")
    xs = ["x%d" % k for k in range(n)]
    kws = ["k_%s" % k for k in keywords]
    rule_name = "_" + getattr(rule, "__name__", "%s_vjp_%d" % (base, position))
    ct = call(load(rule_name), [load("u"), load("ans")] + [load(x) for x in xs],
              [gast.keyword(arg=k, value=load(v)) for k, v in zip(keywords, kws)])
    body = [gast.Assign(targets=[store("ct")], value=ct, type_comment=None)]

    def at(name, path):
        node = load(name)
        for k in path:
            node = gast.Subscript(value=node, slice=const(k), ctx=gast.Load())
        return node
    total = None
    for path in paths:
        term = call(attr(load("np"), "sum"),
                    [gast.BinOp(left=at("ct", path), op=gast.Mult(), right=at("t", path))])
        total = term if total is None else gast.BinOp(left=total, op=gast.Add(), right=term)
    body.append(gast.Return(value=total if total is not None else const(0.0)))
    name = "%s_jvp_%d_transposed" % (base, position)
    node = codegen.emit_function(name, ["u", "t", "ans"] + xs + kws, body)
    fn = codegen.build(node, {rule_name: rule, "np": np}, {"__name__": __name__}, name,
                       header="# <u, J t> for argument %d of %s: its VJP rule applied to u, "
                              "against t (srcgrad.compiler.transforms.forward_transposed)\n"
                              % (position, prim.name)).fn
    with _LOCK:
        _FUNCTIONS[key] = (prim, fn)
    return fn


def _complex(value):
    if isinstance(value, (list, tuple)):
        return any(_complex(v) for v in value)
    if isinstance(value, dict):
        return any(_complex(v) for v in value.values())
    return isinstance(value, (complex, np.complexfloating)) or \
        isinstance(value, np.ndarray) and value.dtype.kind == "c"


def _refusal(prim, position, why):
    return NoRuleError(
        "the second derivative through %s (argument %d), whose forward-mode rule is derived "
        "by transposing its reverse-mode rule, is not generated: %s. Register an explicit "
        "JVP rule with srcgrad.defjvp, or use mode=\"auto\" (then it runs on the tape)"
        % (prim.name, position, why))


def transposed_vjp(callee, positions, mode=None):
    """``vjp(t, ans, *args, **params) -> (J t, pullback)`` of a call of a
    JVP derived by transposition, or of an elementwise one the forward
    transform calls by name (its Jacobian is diagonal, so the same identity
    holds on real values; ``None`` for any other callee), cotangents
    for the call's arguments at ``positions`` (0: the tangent, 1: ``ans``,
    then the primitive's arguments)."""
    if not isinstance(callee, DerivedJVP) or callee.origin not in ("transposition",
                                                                   "elementwise"):
        return None
    from .. import pipeline
    prim, i = callee.prim, callee.position
    positions = tuple(positions)

    def vjp(t, ans, *args, **params):
        try:
            value = callee(t, ans, *args, **params)
        except ValueError as err:   # the rule's own refusal (qr's undetermined columns)
            raise _refusal(prim, i, str(err).splitlines()[0] if str(err) else "") from None
        if _complex((t, ans, args, tuple(params.values()), value)):
            raise _refusal(prim, i, "complex values")
        paths = _paths(t)
        if paths is None:
            raise _refusal(prim, i, "a tangent held in a dict")
        if isinstance(t, (tuple, list)):    # leaves the rule gives no cotangent do not count
            rule = prim.vjps[min(i, len(prim.vjps) - 1)]
            gets = _paths(rule(value, ans, *args, **params))
            paths = [p for p in paths if gets is None or p in gets]
        keywords = tuple(sorted(params))
        fn = transposed_function(prim, i, len(args), keywords, tuple(paths))
        call_args = (value, t, ans) + tuple(args) + tuple(params[k] for k in keywords)
        _compiled(fn, call_args)        # now: a refusal shows at the call

        def pullback(u):
            if u is None or isinstance(u, (tuple, list)) and all(c is None for c in u):
                return tuple(runtime.zeros_like(call_args[p + 1]) for p in positions)
            full = (u,) + call_args[1:]
            _, inner = _compiled(fn, full).fn(*full)
            return inner(1.0)
        return value, pullback

    def _compiled(fn, call_args):
        try:
            return pipeline.compile_vjp(fn, tuple(p + 1 for p in positions),
                                        numeric=tuple(map(_kind, call_args)), mode="compile",
                                        callee=True)
        except (SyntaxError, NotImplementedError) as err:
            why = getattr(err, "bare_msg", None) or (str(err).splitlines() or [""])[0]
            raise _refusal(prim, i, "the compiler cannot differentiate its VJP rule (%s)"
                           % why) from None
    return vjp
