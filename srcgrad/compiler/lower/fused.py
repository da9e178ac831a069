"""Fused gradient functions: forward and adjoint sweeps in one generated function.

``srcgrad.vjp`` needs the pullback form, ``f_vjp(x) -> (value, f_pullback)``,
where the pullback is a closure over the forward sweep's saved values.
``grad`` and ``value_and_grad`` always pull back the one cotangent ``1.0`` at
once, so for them the same transformed statements (the same forward sweep,
the same adjoint sweep, see pipeline.py) are laid out as one function:

- ``f_value_and_grad(x) -> (value, grads)``: the forward sweep; the seed
  ``_bt = _rt.seed(t)`` (the output's cotangent, ``1.0``, checked to be the
  cotangent of a real scalar, see srcgrad/runtime/seeds.py); the adjoint sweep;
  no closure is made, no pullback called, no saved values handed over (the
  adjoint reads the forward's locals directly, which already hold their final
  values), and a pullback's run-once guard is not needed;
- ``f_grad(x) -> grads``: the same without the value.  The statements that
  only feed the value are dead and left out (:func:`drop_value`): a final full
  reduction ``t = np.sum(u)`` / ``np.mean(u)`` becomes the seed
  ``_rt.reduced_seed(np.sum, u)`` (``1.0`` for a float64 array, without
  summing), then every top-level forward statement whose targets nothing
  later reads and whose right-hand side is pure goes too (``u = h ** 2``,
  unless the adjoint reads ``u``).

With ``has_aux`` the value is part of what is returned (``(value, aux)``):
both transforms use the value-and-grad form.  Callees keep their own VJP and
pullback (this layout is for the function the user differentiates only).

Guarantees: the fused function computes the gradient the pullback form
computes, from the same statements in the same order (tests/compiler/
test_fused.py checks both forms against finite differences over the corpus);
what is dropped is pure and unread.
"""

import copy

import gast

from .cse import eliminate
from .real import drop_conjugates

from ..ir.env import STATE_NAMES, assign as _assign, attr as _attr, call as _call, load as _load

__all__ = ["FusedParts", "emit_fused", "drop_value", "KINDS"]

#: the fused forms, by the transform the user asked for
KINDS = ("grad", "value_and_grad")


class FusedParts:
    """What the pullback form is made of, kept to lay out the fused forms
    later (pipeline.py builds them on first use): the function's ``params``,
    the rebinding ``guards``, the forward ``prologue`` (stack, ``None``
    initialisations), the ``forward`` and ``adjoint`` statements (comments
    not yet added), the atom of the output (``out``) and of the differentiated
    value (``value``: it differs with ``has_aux``), the ``seed`` name the
    adjoint reads, the names holding numbers or arrays (``numeric``), the
    adjoints' names (``adjoints``: cotangents), whether every argument is
    real (``real``: the function is only run with real arguments, see
    lower/real.py), the ``results`` (one per differentiated position), whether
    the output is returned as a copy (``copy_out``), and ``add_comments`` (a
    function adding the user-line comments to statements)."""

    def __init__(self, **parts):
        self.__dict__.update(parts)


def emit_fused(kind, parts, name, env, pure, fresh, temp=None):
    """The ``gast.FunctionDef`` of the fused ``kind`` ("grad" or
    "value_and_grad") of ``parts``, named ``name``.  ``pure(call)`` says
    whether a call may be dropped when its result is unread; ``fresh(hint)``
    gives an unused name, ``temp()`` an unused temporary name."""
    rt = env.runtime()
    stack, push, pop, rev, final, calls = [env.state[k] for k in STATE_NAMES]
    prologue = [s for s in parts.prologue if _target(s) != calls]   # no pullback to guard
    forward = list(parts.forward)
    value = parts.value
    if parts.has_aux:   # (value, aux) packed: the value may have been inlined into the pack
        value = gast.Subscript(value=parts.out, slice=gast.Constant(value=0, kind=None),
                               ctx=gast.Load())
    seed_fn, seed_args = _attr(rt, "seed"), [value]
    only_grads = kind == "grad" and not parts.has_aux
    fallback = None
    if only_grads:
        forward, seed_fn, seed_args, fallback = drop_value(forward, parts, seed_fn, seed_args,
                                                           env, pure)
    seed = _call(seed_fn, seed_args)
    if parts.seed is not None:
        after = [_assign(parts.seed, seed)]
    else:   # the output does not depend on what is differentiated: checked all the same
        after = [gast.Expr(value=seed)]
    if fallback is not None:   # if _bt is None: _bt = _rt.seed(np.sum(h ** 2))
        seed_name = parts.seed or fresh("_seed")
        after = [_assign(seed_name, seed), gast.If(
            test=gast.Compare(left=_load(seed_name), ops=[gast.Is()],
                              comparators=[gast.Constant(value=None, kind=None)]),
            body=[_assign(seed_name, _call(_attr(rt, "seed"), [fallback]))], orelse=[])]
    out = parts.out
    if not only_grads and parts.copy_out:   # the adjoint restores what the function assigned into
        value_name = fresh("_value")
        after.insert(0, _assign(value_name, _call(_attr(rt, "copy_value"), [out])))
        out = _load(value_name)
    elif not only_grads and isinstance(out, gast.Name) and out.id in _stores(parts.adjoint):
        value_name = fresh("_value")   # the adjoint restores the name's earlier values
        after.insert(0, _assign(value_name, out))
        out = _load(value_name)
    if any(isinstance(n, gast.Name) and n.id == push for s in forward for n in gast.walk(s)):
        after.append(_assign(rev, _call(_load(env.builtin("reversed")), [_load(stack)])))
        if pop in _loads(parts.adjoint):
            after.append(_assign(pop, _attr_of(_load(rev), "__next__")))
    else:
        prologue = [s for s in prologue if _target(s) not in (stack, push)]
    line = getattr(parts.forward[-1], "user_line", None) if parts.forward else None
    for stmt in after:      # under the comment of the output's line
        stmt.user_line = line
    grads = gast.Tuple(elts=list(parts.results), ctx=gast.Load())
    forward, adjoint = _common(forward + after, parts, env, temp or (lambda: fresh("_t")))
    body = parts.guards + prologue + parts.add_comments(forward, "") + \
        parts.add_comments(adjoint, "grad of ")
    body.append(gast.Return(value=grads if only_grads else
                            gast.Tuple(elts=[out, grads], ctx=gast.Load())))
    from ..backends.codegen import emit_function
    return emit_function(name, parts.params, body)


def _common(forward, parts, env, temp):
    """The forward and adjoint statements (copies: ``parts`` also makes the
    other fused form), each expression the two sweeps compute twice computed
    once (lower/cse.py: the adjoint reuses the forward's ``1 - h ** 2``)."""
    body = copy.deepcopy(forward + list(parts.adjoint))
    last = body[len(forward) - 1] if forward else None
    if getattr(parts, "real", False):   # every argument real: no conjugates (lower/real.py)
        body = drop_conjugates(body, parts.params, env.resolve, parts.params, parts.numeric)
        last = body[len(forward) - 1] if forward else None
    body = eliminate(body, temp, parts.numeric, env.resolve, parts.adjoints)
    cut = next(i for i, s in enumerate(body) if s is last) + 1 if last is not None else 0
    return body[:cut], body[cut:]


def drop_value(forward, parts, seed_fn, seed_args, env, pure):
    """``forward`` without the statements that only compute the value, and
    the seed call that then starts the adjoint (see the module docstring)."""
    value = parts.value
    reads_after = _loads(parts.adjoint) | _loads(parts.results)
    fallback = None
    if forward and isinstance(value, gast.Name) and value.id not in reads_after:
        last = forward[-1]
        reduce = _full_reduction(last, value.id, env)
        if reduce is not None:   # np.sum(r) of r = h ** 2 read nowhere else: np.sum(h ** 2)
            last = _substitute_argument(forward, reads_after, env)
        if reduce is not None and isinstance(last.value.args[0], gast.Name):
            forward = forward[:-1]
            seed_fn = _attr(env.runtime(), "reduced_seed")
            seed_args = [last.value.func, last.value.args[0]]
        elif reduce is not None:   # np.sum(h ** 2): an elementwise expression (inlined)
            operands = _elementwise_operands(last.value.args[0], env)
            if operands:
                forward = forward[:-1]
                seed_fn = _attr(env.runtime(), "seed_if_float64")
                seed_args = [_load(n) for n in operands]
                fallback = last.value   # computed only where the operands are not float64
    live = reads_after | _loads([gast.Expr(value=a) for a in seed_args])
    if fallback is not None:
        live |= _loads([gast.Expr(value=fallback)])
    numeric = parts.numeric

    def pure_call(call):   # a method is pure on an array, not on any object
        obj = env.resolve(call.func)
        if _draws(obj):    # a random draw left out would change the draws after it
            return False
        return pure(call) and (obj is not None or isinstance(
            call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) and
            call.func.value.id in numeric)
    kept = []
    for stmt in reversed(forward):
        target = _target(stmt)
        if target is not None and target not in live and _pure_value(stmt.value, pure_call, numeric):
            continue
        kept.append(stmt)
        live |= _loads([stmt])
    kept.reverse()
    return kept, seed_fn, seed_args, fallback


def _substitute_argument(forward, reads_after, env):
    """The final ``t = np.sum(r)`` of ``forward``, with ``r`` replaced by its
    definition where that is a top-level elementwise expression and ``r`` is
    read nowhere else (not by the adjoint, not by another statement)."""
    last = forward[-1]
    arg = last.value.args[0]
    if not isinstance(arg, gast.Name) or arg.id in reads_after:
        return last
    defs = [s for s in forward[:-1] if _target(s) == arg.id]
    if len(defs) != 1 or arg.id in _loads([s for s in forward[:-1] if s is not defs[0]]) or \
            _elementwise_operands(defs[0].value, env) is None:
        return last
    call = gast.Call(func=last.value.func, args=[defs[0].value], keywords=[])
    out = gast.Assign(targets=last.targets, value=call, type_comment=None)
    out.user_line = getattr(last, "user_line", None)
    return out


def _full_reduction(stmt, name, env):
    """``np.sum`` or ``np.mean`` if ``stmt`` is ``name = np.sum(u)`` (one
    positional argument, no keywords: a reduction over all of ``u``)."""
    import numpy as np
    if _target(stmt) != name or not isinstance(stmt.value, gast.Call):
        return None
    call = stmt.value
    if len(call.args) != 1 or call.keywords:
        return None
    fn = env.resolve(call.func)
    return fn if fn is np.sum or fn is np.mean else None


#: operators whose result is real where their operands are
_REAL_OPERATORS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


def _elementwise_operands(expr, env):
    """The names an elementwise real expression reads (``h ** 2``,
    ``np.tanh(a - b) * 0.5``: arithmetic operators, NumPy ufuncs, real number
    constants), in order of first use; ``None`` for anything else."""
    import numpy as np
    names = []

    def visit(node):
        if isinstance(node, gast.Name):
            if node.id not in names:
                names.append(node.id)
            return True
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, gast.BinOp):
            return isinstance(node.op, _REAL_OPERATORS) and visit(node.left) and \
                visit(node.right)
        if isinstance(node, gast.UnaryOp):
            return isinstance(node.op, (gast.USub, gast.UAdd)) and visit(node.operand)
        if isinstance(node, gast.Call):
            return isinstance(env.resolve(node.func), np.ufunc) and not node.keywords and \
                all(visit(a) for a in node.args)
        return False
    return names if visit(expr) and names else None


def _draws(obj):
    """Whether ``obj`` is a random generator's function or method."""
    owner = getattr(obj, "__self__", None)
    modules = (getattr(obj, "__module__", None) or "", type(owner).__module__ if owner is not
               None else "")
    return any("random" in m for m in modules)


def _pure_value(value, pure, numeric):
    """Whether computing ``value`` can be skipped when it is unread: an atom,
    an arithmetic operator on numbers and arrays (``numeric`` names, constants),
    or a pure call (NumPy, math, builtins, srcgrad.runtime) on those."""
    def atom(node):
        return isinstance(node, gast.Constant) or \
            isinstance(node, gast.Name) and node.id in numeric
    if isinstance(value, (gast.Name, gast.Constant)):
        return True
    if isinstance(value, gast.BinOp):
        return atom(value.left) and atom(value.right)
    if isinstance(value, gast.UnaryOp):
        return atom(value.operand)
    if isinstance(value, gast.Call):
        return all(atom(a) for a in value.args) and \
            all(atom(k.value) for k in value.keywords) and pure(value)
    return False


def _stores(nodes):
    return {n.id for s in nodes for n in gast.walk(s)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _target(stmt):
    """The single name ``stmt`` assigns, or ``None``."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id
    return None


def _loads(nodes):
    """The names ``nodes`` may read: every name but a plain assignment's target."""
    out = set()
    for stmt in nodes:
        target = _target(stmt)
        out |= {n.id for n in gast.walk(stmt) if isinstance(n, gast.Name)}
        if target is not None and target not in {
                n.id for n in gast.walk(stmt.value) if isinstance(n, gast.Name)}:
            out.discard(target)
    return out


def _attr_of(value, name):
    return gast.Attribute(value=value, attr=name, ctx=gast.Load())
