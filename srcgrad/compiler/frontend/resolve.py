"""Resolution: the compiler's closed world.

Guarantee: after :func:`check` returns, every operation that reads a value
depending on a differentiated argument (a *carrier*) is one the compiler
understands, resolved to one of

* ``rule``     -- a primitive of the rule table, each carrier in a position
  that has a rule or is declared without gradient (``None`` in the table);
* ``nondiff``  -- a callable declared non-differentiable (``np.sign``, ``len``);
* ``user``     -- a user function, transformed in its turn;
* ``model``    -- an operation the compiler models itself: copies, tuple/list/
  dict literals and unpacking, ``y[i] = v``, ``L.append(v)``, ``return``;

and none of them writes into an argument (:mod:`srcgrad.rules.effects`:
``y.sort()``, ``np.copyto``, ``out=``, ``L.reverse()``... are refused while
they touch a carrier).  Anything else -- an unknown callable or method, a call
through a local name, an index that carries a gradient, a method of something
that may not be an array (``xp.sum(x)`` with ``xp`` a module argument) --
raises a :class:`~srcgrad.errors.SrcgradSyntaxError` (or a
:class:`~srcgrad.rules.NoRuleError` for a callable without a rule) located at
the user's line, with what to do: rewrite, ``srcgrad.defvjp``, or
``mode="tape"`` (``mode="auto"`` then runs the function on the tape).  It is
never treated as a constant, never assumed pure.

Carriers are found by a fixpoint over the operations (a loop may carry a
value from any statement to any other) that is wider than activity analysis:
anything computed from a carrier is a carrier, except the results of
non-differentiable callables, operands in positions declared without
gradient, and statements under ``no_grad``.

A *pure* operation that is not understood is refused only when its value
reaches the function's result through values (:func:`needed`: not through
indices, conditions or non-differentiable calls), so ``for k in
sorted(params)`` with ``k`` an index stays compiled.  Effects are refused
whatever is done with the result, and also on values that carry no gradient
when the adjoint may read them: a call that changes ``y`` in place after an
operation on a carrier read ``y`` (the adjoint of that operation would see
the new values), or that changes a list or array the function also changes
with ``append`` / ``y[i] = v`` (which the pullback undoes by itself).

>>> import gast
>>> from .anf import to_anf
>>> from ..ir.ops import classify
>>> fn = to_anf(gast.parse("def f(x):\\n    y = x * 2\\n    y.sort()\\n    return y").body[0])
>>> ops = [classify(s, lambda node: None) for s in fn.body]
>>> sorted(carriers(ops, ["x"]))
['x', 'y']
>>> refusal(ops[1], carriers(ops, ["x"]), {}).kind
'effect'
"""

import builtins
import inspect
import operator
import re

import gast
import numpy as np

from ..ir.fastast import walk as _walk
from ... import rules
from ...rules import conversions, effects

__all__ = ["check", "carriers", "refusal", "Refusal"]

_TAPE = 'use mode="tape" (or mode="auto", which runs this function on the tape)'


class Refusal:
    """Why an operation on a carrier is refused: ``kind`` (``effect``,
    ``norule``, ``unknown``, ``position``, ``index``, ``receiver``), a message
    and a hint."""

    __slots__ = ("kind", "msg", "hint")

    def __init__(self, kind, msg, hint):
        self.kind = kind
        self.msg = msg
        self.hint = hint


#: declared non-differentiable for their use in a loop header (which the
#: loops pass rewrites into indexing); as values they hold their arguments'
#: elements, so a gradient would be dropped: not modelled here.
_HOLD_ELEMENTS = (builtins.zip, builtins.enumerate)

def _nondiff(fn):
    return rules.is_nondiff(fn) and fn not in _HOLD_ELEMENTS


def _names(node):
    return [n.id for n in _walk(node) if isinstance(n, gast.Name)] if node is not None \
        else []


def _call_of(op):
    """The ``Call`` node of an op, if it is a call (statement or assignment)."""
    value = getattr(op.stmt, "value", None)
    return value if isinstance(value, gast.Call) else None


def _method_name(op, resolve):
    """``(m, r)`` for ``t = r.m(...)`` or ``r.m(...)`` on a local receiver
    ``r`` (one that is not a module or class the compiler resolves)."""
    call = _call_of(op)
    if call is not None and isinstance(call.func, gast.Attribute) and \
            isinstance(call.func.value, gast.Name) and \
            (resolve is None or resolve(call.func) is None):
        return call.func.attr, call.func.value.id
    return None, None


def _positions(op):
    """``[(position or keyword, node)]`` of a prim op's operands."""
    out = [(i, a) for i, a in enumerate(op.args)]
    out += [(k, v) for k, v in op.kwargs.items()]
    return out


def _flows(op, position, prim):
    """How a carrier in ``position`` of a rule-table op passes on: ``"rule"``
    (there is a rule), ``"none"`` (declared without gradient) or ``None``
    (the table says nothing: refuse)."""
    if isinstance(position, str):
        if position in prim.argnames:
            position = prim.argnames.index(position)
        else:
            return None
    if position < len(prim.vjps):
        rule = prim.vjps[position]
        if rule is rules.NO_RULE:
            return None
        if rule is not None and rule.__name__.endswith("_refused"):
            return None   # a rule that always raises (np.interp's xp): refuse here
        return "rule" if rule is not None else "none"
    if prim.varargs and any(r is not None for r in prim.vjps):
        return "rule"
    return None


def _reads(op):
    """Every name an op reads: operands, receiver, index, callee chain."""
    if op.kind == "other" or op.kind == "append":
        return _names(op.stmt.value) if hasattr(op.stmt, "value") else _names(op.stmt)
    names = []
    for node in op.args:
        names += _names(node)
    for node in op.kwargs.values():
        names += _names(node)
    call = _call_of(op)
    if call is not None:
        names += _names(call.func)
    if op.kind == "setitem":
        names.append(op.target.id)
    return names


def _propagates(op, carried):
    """Whether an op's targets carry a gradient-dependence given ``carried``."""
    if op.nograd:
        return False
    if op.kind == "prim":
        if _nondiff(op.prim):
            return False
        if _opaque_index(op, carried):
            return True
        if rules.has_rule(op.prim):
            prim = rules.lookup(op.prim)
            for pos, node in _positions(op):
                if any(n in carried for n in _names(node)) and _flows(op, pos, prim) != "none":
                    return True
            return False
    return any(n in carried for n in _reads(op))


def _opaque_index(op, carried):
    """``obj[i]`` where only the index carries a gradient: ``obj`` is an
    object that computes with the index (``np.r_[x, x]``), not data."""
    return op.prim is operator.getitem and \
        not any(n in carried for n in _names(op.args[0])) and \
        any(n in carried for n in _names(op.args[1]))


def _targets(op):
    if op.kind == "unpack":
        return _names(op.target)
    if op.kind in ("setitem", "append"):
        return [op.target.id]
    if op.target is not None and isinstance(op.target, gast.Name):
        return [op.target.id]
    return []


def carriers(ops, wrt, resolve=None):
    """The names whose values may depend on the arguments ``wrt`` (see the
    module docstring).  A method that changes its receiver in place makes the
    receiver a carrier when one of its arguments is."""
    carried = set(wrt)
    changed = True
    while changed:
        changed = False
        for op in ops:
            targets = _targets(op)
            name, recv = _method_name(op, resolve)
            if recv is not None and name in effects.INPLACE_METHODS:
                targets = targets + [recv]
            if not targets or all(t in carried for t in targets):
                continue
            if _propagates(op, carried):
                carried.update(targets)
                changed = True
    return carried


def refusal(op, carried, kinds, resolve=None):
    """``None`` when the compiler understands ``op`` (see the module
    docstring), else a :class:`Refusal`."""
    reads = [n for n in _reads(op) if n in carried]
    if not reads or op.kind in ("copy", "const", "pack", "unpack", "return"):
        return None
    what = _shown(reads)
    name, recv = _method_name(op, resolve)
    call = _call_of(op)
    keywords = [k.arg for k in call.keywords if k.arg and not _is_none(k.value)] \
        if call is not None else []
    # -- effects: nothing may write into an argument while a carrier is involved
    if name is not None:
        effect = effects.method_effect(name, keywords)
        if effect.kind == "inplace" and not (op.kind == "append" and name == "append"):
            return Refusal("effect", "%s.%s(...) %s, and %s depends on the "
                           "differentiated arguments; the compiler does not model this "
                           "update" % (recv, name, "changes %s in place" % recv
                                       if "self" in effect.written else
                                       "writes into its out= argument", what),
                           "compute a new value instead (e.g. np.sort(y) for y.sort(), "
                           "np.full_like(y, v) for y.fill(v)), or " + _TAPE)
    fn = getattr(op, "prim", None) if op.kind == "prim" else None
    if fn is None and op.kind == "other" and call is not None and resolve is not None:
        fn = resolve(call.func)
    if fn is not None and call is not None and name is None:
        nargs = len(call.args)
        while nargs and _is_none(call.args[nargs - 1]):
            nargs -= 1    # np.add(a, b, None): no output array
        effect = effects.call_effect(fn, nargs, keywords)
        written = [w for w in effect.written   # np.take(a, i, 0, None, "clip"): no output
                   if not (isinstance(w, int) and w < nargs and _is_none(call.args[w]))]
        if written:
            return Refusal("effect", "%s writes into an argument (%s), and %s depends on the "
                           "differentiated arguments; the compiler does not model this "
                           "update" % (rules.qualname(fn) if not name else name, ", ".join(
                               str(w) if isinstance(w, str) else "argument %d" % (w + 1)
                               for w in written), what),
                           "compute a new array instead of writing into one (no out=), "
                           "or " + _TAPE)
    if op.nograd:
        return None
    kind = op.kind
    if kind == "append":
        return None
    if kind == "setitem":
        return None  # y[i] = v: modelled (an index carries no gradient)
    if kind == "call":
        return None  # a user function: compiled in its turn (its mutations are checked)
    if kind == "prim":
        return _prim_refusal(op, carried, kinds, name, recv)
    # ``other``: a call of a user function or of a declared callable, for its effect
    if call is not None and resolve is not None:
        fn = resolve(call.func)
        if fn is not None and (_nondiff(fn) or _user_function(fn)):
            return None
        if fn is not None and rules.has_rule(fn) and isinstance(op.stmt, gast.Expr):
            return None  # a pure rule-table call whose value is dropped
    return Refusal("unknown", "the compiler cannot differentiate through this expression "
                   "(%s is not something it knows, and it is applied to a value that "
                   "depends on the differentiated arguments: %s)" % (
                       _describe(op, name), what),
                   "rewrite it with NumPy functions, register a rule with srcgrad.defvjp, "
                   "or " + _TAPE)


def _prim_refusal(op, carried, kinds, name, recv):
    fn = op.prim
    if fn in _HOLD_ELEMENTS:
        return Refusal("container", "%s(...) of values that depend on the differentiated "
                       "arguments is supported only in a for-loop header" % fn.__name__,
                       "loop over it directly (for a, b in zip(x, y): ...), or " + _TAPE)
    if _nondiff(fn):
        return None
    if fn is np.piecewise:
        return Refusal("piecewise", "np.piecewise calls its functions where neither engine "
                       "sees them, so it has no derivative rule",
                       "write the pieces with np.where (np.where(x < 0, f1(x), f2(x))) or "
                       "np.select, which have rules")
    if not rules.has_rule(fn):
        return Refusal("norule", "no derivative rule for %s" % rules._name_of(fn), None)
    if _opaque_index(op, carried):
        return Refusal("index", "this subscript's index depends on the differentiated "
                       "arguments (%s) while the indexed object does not: the object computes "
                       "something from the index (np.r_ and np.c_ are supported only with values "
                       "as items and slices with literal bounds, not directive strings)"
                       % _shown(n for n in _names(op.args[1]) if n in carried),
                       "build the array with np.concatenate / np.stack / np.column_stack, "
                       "or " + _TAPE)
    if recv is not None and recv not in carried:
        kind = kinds.get(recv)
        if recv in kinds and not (kind == "f" or kind and kind[0] == "a"):
            return Refusal("receiver", "%s.%s(...) is read as the array method %s, but %r "
                           "may not be an array (a module, or an argument that is not an "
                           "array)" % (recv, name, rules.qualname(fn), recv),
                           "call NumPy directly (np.%s(...)) or pass the module as a "
                           "global, or " % name + _TAPE)
    if fn is conversions.field and len(op.args) > 1 and \
            isinstance(op.args[1], gast.Constant) and op.args[1].value in _ARRAY_ATTRIBUTES:
        return Refusal("unknown", "the attribute .%s of a value that depends on the "
                       "differentiated arguments is not supported by the compiler"
                       % op.args[1].value, "use NumPy functions (np.imag(x), x.ravel()), "
                       "or " + _TAPE)
    prim = rules.lookup(fn)
    for pos, node in _positions(op):
        carried_here = [n for n in _names(node) if n in carried]
        if carried_here and _flows(op, pos, prim) is None:
            return Refusal("position", "%s has no derivative rule for its %s, which depends "
                           "on the differentiated arguments (%s)" % (
                               rules.qualname(fn), "argument %r" % pos if isinstance(pos, str)
                               else "argument %d (%s)" % (pos + 1, prim.argnames[pos])
                               if pos < len(prim.argnames) else "argument %d" % (pos + 1),
                               _shown(carried_here)),
                           "pass it positionally where the function has a rule, rewrite "
                           "the call, or " + _TAPE)
    for key in op.kwargs:
        if key not in prim.argnames and not _rules_accept(prim, key):
            return Refusal("position", "%s is called with the keyword %s=, which its "
                           "derivative rule does not take" % (rules.qualname(fn), key),
                           "leave the keyword out, or " + _TAPE)
    return None


_TEMP = re.compile(r"^_(t|list|dict|item)\d*$")


def _shown(names):
    """The user's names among ``names``, for a message."""
    user = sorted({n for n in names if not _TEMP.match(n)})
    return ", ".join(user) if user else "an intermediate value"


def _rules_accept(prim, key):
    """Whether every rule of ``prim`` can be called with the keyword ``key``."""
    for rule in prim.vjps:
        if rule is None:
            continue
        try:
            params = inspect.signature(rule).parameters
        except (TypeError, ValueError):
            continue
        if key not in params and not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return False
    return True


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None


#: ndarray attributes that are not values of the array the compiler models
#: (``x.imag``, ``x.flat``): read on a carrier, they are refused rather than
#: taken for a namedtuple field
_ARRAY_ATTRIBUTES = frozenset(("flat", "base", "ctypes", "mT", "device"))


def _user_function(fn):
    return inspect.isfunction(fn) and not rules.has_rule(fn)


def _describe(op, name):
    call = _call_of(op)
    if name is not None:
        return "the method .%s()" % name
    if call is not None:
        if isinstance(call.func, gast.Name) and _TEMP.match(call.func.id):
            return "a function computed at run time (read from a container, an argument or " \
                "a call)"
        if isinstance(call.func, gast.Name):
            return "%s(...)" % call.func.id
        return "this call"
    return "this expression"


def _value_reads(op, carried):
    """The carriers whose *values* an op's result is computed from (not an
    index, not an argument declared without gradient)."""
    if op.nograd:
        return []
    if op.kind == "prim":
        if _nondiff(op.prim):
            return []
        if _opaque_index(op, carried):
            return [n for n in _reads(op) if n in carried]
        if rules.has_rule(op.prim):
            prim = rules.lookup(op.prim)
            out = []
            for pos, node in _positions(op):
                if op.prim is operator.getitem and pos == 1:
                    continue
                if _flows(op, pos, prim) != "none":
                    out += [n for n in _names(node) if n in carried]
            return out
    if op.kind == "setitem":
        return [n for n in _names(op.args[0]) + [op.target.id] if n in carried]
    return [n for n in _reads(op) if n in carried]


def needed(ops, carried):
    """The carriers whose values reach the function's result (through values,
    not through indices, conditions or non-differentiable calls)."""
    out = set()
    for op in ops:
        if op.kind == "return":
            out.update(n for n in _reads(op) if n in carried)
    changed = True
    while changed:
        changed = False
        for op in reversed(ops):   # backwards: a straight line converges in one sweep
            if op.kind == "return" or not any(t in out for t in _targets(op)):
                continue
            new = set(_value_reads(op, carried)) - out
            if new:
                out |= new
                changed = True
    return out


def written_names(stmt, resolve):
    """Names a call statement writes into, by :mod:`srcgrad.rules.effects`:
    the receiver of ``v.sort()`` / ``L.append(u)``, ``dst`` of
    ``np.copyto(dst, src)``, ``y`` of ``np.sin(x, out=y)``."""
    value = getattr(stmt, "value", None)
    if not isinstance(stmt, (gast.Expr, gast.Assign)) or not isinstance(value, gast.Call):
        return set()
    func = value.func
    keywords = {k.arg: k.value for k in value.keywords if k.arg}
    out = set()
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and \
            resolve(func) is None:
        effect = effects.method_effect(func.attr, [k for k, v in keywords.items()
                                                   if not _is_none(v)])
        if "self" in effect.written:
            out.add(func.value.id)
    else:
        fn = resolve(func)
        if fn is None:
            return out
        nargs = len(value.args)
        while nargs and _is_none(value.args[nargs - 1]):
            nargs -= 1
        effect = effects.call_effect(fn, nargs, [k for k, v in keywords.items() if not _is_none(v)])
    for w in effect.written:
        node = value.args[w] if isinstance(w, int) and w < len(value.args) else \
            keywords.get(w) if isinstance(w, str) else None
        if isinstance(node, gast.Name):
            out.add(node.id)
    return out


def _effect_after_use(tree, carried, resolve):
    """The first ``(op, name, why)`` where a call writes into ``name`` (a
    value that carries no gradient itself) after an operation on a carrier
    read it -- earlier in the body, or anywhere in a loop around the call: the
    adjoint of that operation would read the new values (``why="late"``); or
    into a list or array the function also changes with ``append`` or
    ``y[i] = v``, which the pullback undoes by itself (``"modelled"``).
    ``None`` if there is none."""
    from ..ir.ops import Compound
    entries = []

    def walk(nodes, loops):
        for node in nodes:
            if isinstance(node, Compound):
                inner = loops + (id(node),) if node.kind != "if" else loops
                for block in node.blocks:
                    walk(block, inner)
            else:
                entries.append((node, loops))
    walk(tree, ())
    modelled = {op.target.id for op, _ in entries if op.kind in ("append", "setitem")}
    for i, (op, loops) in enumerate(entries):
        if op.nosave or not isinstance(op.stmt, (gast.Expr, gast.Assign)) or \
                op.kind == "append":
            continue
        for name in sorted(written_names(op.stmt, resolve)):
            if name in modelled:
                return op, name, "modelled"   # the pullback undoes L.append / y[i] = v
            for j, (other, other_loops) in enumerate(entries):
                if j == i or other.nograd:
                    continue
                reads = _reads(other)
                if name in reads and any(n in carried for n in reads) and (
                        j < i or set(loops) & set(other_loops)):
                    return op, name, "late"
    return None


def _with_module_names(ops, kinds, resolve):
    """``kinds`` plus the local names bound to a module or class (``m = np``,
    ``la = np.linalg``) or copied from an argument that is not an array:
    the method table does not apply to them."""
    out = dict(kinds)

    def not_array(name):
        kind = out.get(name, "a")
        return name in out and not (kind == "f" or kind and kind[0] == "a")

    changed = True
    while changed:
        changed = False
        for op in ops:
            if op.kind not in ("copy", "const") or not isinstance(op.target, gast.Name) or \
                    op.target.id in out:
                continue
            value = op.stmt.value
            obj = resolve(value) if resolve is not None else None
            if inspect.ismodule(obj) or inspect.isclass(obj) or \
                    isinstance(value, gast.Name) and not_array(value.id):
                out[op.target.id] = None
                changed = True
    return out


def _check_managers(tree, carried, info):
    """A ``with`` block's context manager made from a value that carries a
    gradient: ``__enter__`` / ``__exit__`` would take that value where the
    compiler cannot follow it (withblock.py)."""
    from ..ir.ops import Compound

    def walk(nodes):
        for node in nodes:
            if isinstance(node, Compound):
                part = node.with_part
                if part is not None and part.ctx in carried:
                    raise info.error(node.stmt, "this with-block's context manager is made from "
                                     "a value that depends on the differentiated arguments, "
                                     "which the compiler cannot follow into __enter__/__exit__",
                                     "make the manager from constants and compute inside the "
                                     "block, or " + _TAPE)
                for block in node.blocks:
                    walk(block)
    walk(tree)


def check(tree, wrt, kinds, info, resolve):
    """Raise on the first operation that reads a carrier and is not
    understood (see the module docstring); return the set of carriers.

    A pure operation that is not understood is refused only when its result
    reaches the function's value (``for k in sorted(params)`` with ``k`` an
    index only is fine); an operation with an effect, or an unknown call whose
    value is dropped (it can only matter through an effect), always is."""
    from ..ir.ops import walk_ops
    ops = list(walk_ops(tree))
    carried = carriers(ops, wrt, resolve)
    kinds = _with_module_names(ops, kinds, resolve)
    _check_managers(tree, carried, info)
    reach = None
    for op in ops:
        if op.nosave:
            continue
        if op.kind == "setitem" and resolve(op.target) is not None:   # a global or closure
            raise info.error(op.stmt, "this assignment changes %r, which is not a local variable "
                             "of the function (a module global or a closure variable): the "
                             "compiler models assignments into the function's own arrays only"
                             % op.target.id, "assign into a local copy (%s = %s.copy()) and "
                             "return it, or %s" % (op.target.id, op.target.id, _TAPE))
        why = refusal(op, carried, kinds, resolve)
        if why is None:
            continue
        # an effect, or a call of something unknown (whose effect is unknown too),
        # is refused whatever is done with its value
        unknown_call = why.kind == "unknown" and _call_of(op) is not None
        targets = _targets(op) if why.kind != "effect" and not unknown_call else []
        if targets:
            if reach is None:
                reach = needed(ops, carried)
            if not any(t in reach for t in targets):
                continue
        if why.kind == "norule":
            name = rules._name_of(op.prim)
            line = op.stmt.user_line
            raise rules.NoRuleError(
                "%s:%s: no derivative rule for %s, which is applied to a value that depends "
                "on the differentiated arguments.\n    %s\nRegister one with "
                "srcgrad.defvjp(%s, vjp_rule), where vjp_rule(g, ans, *args) returns the "
                "cotangent of the argument, or use mode=\"auto\" to run the function on the "
                "tape." % (info.filename, line, name,
                           (info.line_text(line) or "").strip(), name))
        raise info.error(op.stmt, why.msg, why.hint)
    late = _effect_after_use(tree, carried, resolve)
    if late is not None:
        op, name, why = late
        if why == "modelled":
            msg = ("this call changes %r in place, which the function also changes with "
                   "append or subscript assignments; the pullback undoes those itself and "
                   "cannot undo this one" % name)
        else:
            msg = ("this call changes %r in place after a computation that depends on the "
                   "differentiated arguments read it; the gradient of that computation would "
                   "see the new values" % name)
        raise info.error(op.stmt, msg, "work on a copy (%s = %s.copy()) before changing it, "
                         "or build a new value; or %s" % (name, name, _TAPE))
    return carried
