"""The tangent of one rule-table operation, for :mod:`.forward`.

:func:`prim_tangent` sums the contributions of the operands that carry a
tangent: a primitive declared linear in an operand (``rules.is_linear``) is
the operation itself with the tangent in place of the operand; a VJP body
that is the cotangent times a real constant (``g``, ``-g``) is inlined as it
is; an explicit JVP rule is inlined when its body is one expression; a
derived one (elementwise, by transposition) is called by name, since the
code does not know the dtypes and an elementwise VJP body is the JVP only on
real values.  ``obj.name`` reads through :func:`.forward_dynamic.field_tangent`.
The sum is broadcast to the output (``_rt.tangent_like``) only where no
contribution is known to have its shape (an operand of a broadcasting
operation with the output's shape gives a contribution of that shape), and summed per item
(``_rt.add`` / ``_rt.tangents_like``) where the output may be a tuple or list.
"""

import copy
import inspect

import gast
import numpy as np

from ... import rules, runtime
from ...errors import NoRuleError
from ...rules import conversions
from ...rules.jvp import elementwise_rule, jointly_linear, linear_zeroed, origin
from ..analysis.activity import diff_operands
from ..ir.env import attr, call, const, load
from ..analysis.facts import _SEQUENCE_RESULTS
from .forward_dynamic import field_tangent
from .forward_elementwise import (complex_linear_body, complex_linear_expr, complex_linear_jvp,
                                  conjugated, real_output, real_output_jvp)
from .inline import template
from .rulecall import rule_expr

__all__ = ["prim_tangent"]


def prim_tangent(fwd, op):
    """The sum of the operands' contributions, broadcast to the output
    once where a contribution may not have its shape."""
    if not rules.has_rule(op.prim):
        return None
    prim_fn = fwd.facts.python_operator(op) or op.prim
    prim = rules.lookup(prim_fn)
    t = op.target.id
    if prim_fn is conversions.plus and not op.nograd:
        # ``a + b`` of values that may be lists: jointly linear whether it adds or
        # concatenates, so its tangent is ``da + db`` (zeros for a constant side)
        if any(isinstance(a, gast.Name) and a.id in fwd.has for a in op.args[:2]):
            return gast.BinOp(left=fwd.tangent_of(op.args[0]), op=gast.Add(),
                              right=fwd.tangent_of(op.args[1]))
        return None
    terms, widen, full, finish = [], False, False, False
    per_item = prim_fn in _SEQUENCE_RESULTS or t in fwd.facts.sequences   # may be a list/tuple
    for pos, name in diff_operands(op):
        if name not in fwd.has:
            continue
        node = op.args[pos] if pos < len(op.args) else \
            op.kwargs.get(prim.argnames[pos]) if pos < len(prim.argnames) else None
        if not isinstance(node, gast.Name):
            fwd.refuse(op.stmt, "a differentiated value inside a composite argument "
                        "(%s)" % prim.name)
        dname = load(fwd.tan(name))
        if prim.fn is conversions.field:   # obj.name: a stored field, or a property
            fn = load(fwd.env.ref(field_tangent, "_field_tangent"))
            expr = call(fn, [dname] + [copy.deepcopy(a) for a in op.args])
        elif rules.is_linear(prim, pos) and _inside(node, op.stmt.value):
            expr = _linear(fwd, op, prim, node, dname)
        elif _jointly(prim, pos) and _inside(node, op.stmt.value):
            expr = _linear(fwd, op, prim, node, dname, _joint_zeros(fwd, op, prim, pos))
            finish = finish or per_item or not _float_valued(prim.fn)
        else:
            expr, derived = _rule_call(fwd, op, prim, pos, dname, t)
            # a derived rule gives None for an integer output, a rule for a tuple
            # output None for an output that does not move: finished below
            finish = finish or per_item or derived and not _float_valued(prim.fn)
        if prim.broadcasts:
            if fwd.facts.may_broadcast(op, pos):
                widen = True
            else:           # this operand has the output's shape, so has its term
                full = True
        terms.append(expr)
    if not terms:
        return None
    total = terms[0]
    rt = fwd.env.runtime()
    for term in terms[1:]:
        total = call(attr(rt, "add"), [total, term]) if per_item or finish else \
            gast.BinOp(left=total, op=gast.Add(), right=term)
    if finish:
        total = call(attr(rt, "tangents_like"), [total, load(t)])
    elif widen and not full:    # no term is known to have the output's shape
        total = call(attr(rt, "tangent_like"), [total, load(t)])
    return total

def _linear(fwd, op, prim, node, dname, zeros=None):
    """``op``'s own expression with the tangent in place of the operand
    ``node`` (``np.dot(dx, W)``, ``dx[i]``, ``dx.T``), the keywords the
    table names (``initial=`` of ``np.sum``) set to zero, and the operands
    in ``zeros`` ({id(operand): zero expression}) replaced."""
    memo = dict(zeros or {})
    memo[id(node)] = dname
    expr = copy.deepcopy(op.stmt.value, memo)
    zeroed = linear_zeroed(prim)
    if zeroed and isinstance(expr, gast.Call):
        for kw in expr.keywords:
            if kw.arg in zeroed:
                kw.value = const(0)
    return expr

def _jointly(prim, pos):
    """Whether ``prim`` is declared jointly linear in a set of arguments
    holding ``pos`` (``sum(xs, start)``, ``a + b`` of lists, ``d.get(k,
    default)``): its JVP there is the call itself with the tangent in place
    of that argument and zeros in place of the others of the set."""
    return origin(prim, pos) == "linear" and pos in jointly_linear(prim)


def _joint_zeros(fwd, op, prim, pos):
    """{id(operand): zeros like it} for the other operands of ``op`` in
    ``prim``'s jointly linear set (``_rt.zeros_like(start)``), so the call
    with the tangent of ``pos`` is linear in it alone."""
    out = {}
    for j in jointly_linear(prim):
        if j == pos:
            continue
        node = op.args[j] if j < len(op.args) else \
            op.kwargs.get(prim.argnames[j]) if j < len(prim.argnames) else None
        if node is not None and _inside(node, op.stmt.value):
            out[id(node)] = fwd.zeros(node)
    return out


def _rule_call(fwd, op, prim, pos, dname, t):
    """The JVP rule of operand ``pos``: its body inlined when it is one
    expression (an explicit rule), else a call of the rule by name (a
    derived one: elementwise rules are exact on complex values too), and
    whether it is a derived rule's call."""
    try:
        rule = rules.jvp_of(prim, pos)
    except NoRuleError as err:
        raise NoRuleError("%s:%s: %s\n    %s" % (
            fwd.info.filename, op.stmt.user_line, err,
            (fwd.info.line_text(op.stmt.user_line) or "").strip())) from None
    plain = elementwise_rule(prim, pos)
    if plain is not None and _constant_factor(plain):
        rule = plain    # ``g`` or ``-g``: the VJP's body is the JVP, complex or not
    elif plain is not None and getattr(rule, "origin", None) == "elementwise" and \
            _complex_linear(plain):
        return _elementwise(fwd, op, prim, pos, plain, dname, t), False
    elif plain is not None and getattr(rule, "origin", None) == "elementwise" and \
            (real_output(plain) or complex_linear_body(plain)):
        write = real_output_jvp if real_output(plain) else complex_linear_jvp
        expr = write(fwd, op, prim, pos, plain, dname, t, *_conjugates(fwd))
        return fwd.facts.specialise_shapes(expr), False
    if not inspect.isfunction(rule):
        hint = "_%s_jvp%s" % (prim.name.replace(".", "_"), pos or "")
        fn = load(fwd.env.ref(rule, hint))
        return call(fn, [dname, load(t)] + [copy.deepcopy(a) for a in op.args],
                    [gast.keyword(arg=k, value=copy.deepcopy(v))
                     for k, v in op.kwargs.items()]), True
    expr = rule_expr(fwd.env, prim, pos, dname, load(t), op.args, op.kwargs, rule)
    return fwd.facts.specialise_shapes(expr), False

def _complex_linear(rule):
    """Whether a VJP rule's body is ``g * X`` (``X`` free of ``g``: ``g``
    occurs once, reached from the top only through products, the numerator
    of a division, negation and ``np.where``'s branches): then the VJP is
    complex-linear in ``g``, ``conj(vjp(conj(t)))`` is the JVP exactly
    (``t * conj(X)``), for complex values too.  A body using ``g`` otherwise
    (``np.real(g) * ...`` for ``abs``: not holomorphic) is read by
    :mod:`.forward_elementwise`."""
    tmpl = template(rule)
    if tmpl.expr is None or not tmpl.params:
        return False
    return complex_linear_expr(rule, tmpl.expr, tmpl.params[0])


def _conjugates(fwd):
    """``(make, is_conj)``: build ``_rt.conj(e)``; tell a conjugate's callee."""
    rt = fwd.env.runtime()
    resolve = fwd.env.resolve

    def make(e):
        return call(attr(rt, "conj"), [e])

    def is_conj(func):
        try:
            fn = resolve(func)
        except Exception:  # noqa: BLE001 - not a name the compiler knows: not conj
            return False
        return fn is runtime.conj or fn is np.conj or fn is np.conjugate
    return make, is_conj


def _elementwise(fwd, op, prim, pos, vjp, dname, t):
    """An elementwise rule's JVP from its VJP body: ``conj(vjp(conj(t)))``
    with the conjugates pushed inward (:mod:`.conjugates`), so that
    ``g * conj(np.cos(x))`` gives ``dx * np.cos(x)`` -- exact on complex
    values, NumPy only (the compiler can differentiate it again).  Other
    forms of elementwise rules: :mod:`.forward_elementwise`."""
    make, is_conj = _conjugates(fwd)
    expr = rule_expr(fwd.env, prim, pos, make(dname), load(t), op.args, op.kwargs, vjp)
    return fwd.facts.specialise_shapes(conjugated(expr, make, is_conj, fwd.env.resolve))


# ------------------------------------------------------------ effects


def _float_valued(fn):
    """Whether ``fn``'s value is never an integer or boolean (a ufunc whose
    every loop gives floats or complex numbers, a ``math`` function)."""
    if isinstance(fn, np.ufunc):
        return all(sig.split("->")[1] in ("e", "f", "d", "g", "F", "D", "G", "O")
                   for sig in fn.types)
    return getattr(fn, "__module__", None) == "math" and \
        fn.__name__ not in ("floor", "ceil", "trunc", "factorial", "comb", "perm", "gcd",
                            "lcm", "isqrt")


def _constant_factor(rule):
    """Whether a VJP rule's body is its cotangent times a real constant
    (``g``, ``-g``): it reads no other parameter and calls nothing."""
    tmpl = template(rule)
    if tmpl.expr is None or tmpl.free:
        return False
    names = {n.id for n in gast.walk(tmpl.expr) if isinstance(n, gast.Name)}
    return names <= {tmpl.params[0]} and not any(
        isinstance(n, gast.Call) for n in gast.walk(tmpl.expr))


def _inside(node, expr):
    return any(n is node for n in gast.walk(expr))
