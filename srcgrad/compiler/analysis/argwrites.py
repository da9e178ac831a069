"""Helpers that change their arguments in place: copy semantics, checked.

Issue 10: "augmented assignment and item assignment on arguments: the
caller's array is never mutated; the function behaves as if it received a
copy".  A helper compiled for a call from compiled code (``callee="copy"``,
see :func:`~.pipeline.compile_vjp`) may therefore write ``vx -= dt * gx``
(compiled as ``vx = vx - dt * gx``, a new array) and ``p[0] = 0.0`` (on a
copy made on entry, :func:`srcgrad.rules.conversions.argument_copy`).  Its
:class:`~.pipeline.CompiledVJP` lists those parameters in ``writes``.

Plain Python changes the caller's array instead, so the difference is
visible wherever the caller's object is seen after the call.  The caller
therefore notes, for each argument of each user call
(:func:`observe_call`, run by the alias check in the caller's order), who
could see a change made to it:

* a name holding the same object (the argument itself, an alias or view, a
  container holding it) read after the call, or again by the call itself in
  the next turn of a loop;
* something outside the function (a global, a closure value, an attribute,
  the result of a call that may hand back such a thing);
* the caller's own parameter (``(PARAM, name)``): then the caller changes *its* argument in
  place, and this is passed on to its own caller (``writes``); a top-level
  function acts on a copy, so there it is fine.

When the compiled helper turns out to write into such an argument,
:func:`check_call` refuses the call with the caller's line.  Guarantee:
a compiled call either behaves as plain Python would for every name the
program can still read, or is refused; never a silent difference.
"""

import inspect

import gast

from ...rules.operators import METHODS
from ...rules.effects import VIEW_METHODS

__all__ = ["observe_call", "check_call", "direct_writes", "PARAM", "WRITE_TEXT"]

#: an observation: the argument is (shares memory with) the caller's parameter
PARAM = "param"

#: how a direct update of an argument is described (its kind: see direct_writes)
WRITE_TEXT = {"aug": "an augmented assignment to %r", "item": "assigning into %r"}


def direct_writes(stmt, params, scalars):
    """``{param: what}`` for an ANF statement that updates an argument
    directly: ``p = p - v`` written ``p -= v`` (``"aug"``), ``p[i] = v``
    (``"item"``)."""
    if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
        return {}
    target = stmt.targets[0]
    if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and \
            target.value.id in params and target.value.id not in scalars:
        return {target.value.id: "item"}
    if isinstance(target, gast.Name) and getattr(stmt, "augmented", False) and \
            target.id in params and target.id not in scalars:
        return {target.id: "aug"}
    return {}


def _user_function(fn):
    return inspect.isfunction(fn) and not (getattr(fn, "__module__", None) or "").startswith(
        ("numpy", "srcgrad."))


def _bind(fn, call):
    """``{parameter: argument node}`` for a call, or ``None`` when the call
    unpacks (``*xs``, ``**kw``) or does not match the signature."""
    if any(isinstance(a, gast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return None
    try:
        sig = inspect.signature(fn)
        bound = sig.bind_partial(*call.args, **{k.arg: k.value for k in call.keywords})
    except (TypeError, ValueError):
        return None
    out = {}
    for name, value in bound.arguments.items():
        kind = sig.parameters[name].kind
        if kind == inspect.Parameter.VAR_POSITIONAL:
            for i, v in enumerate(value):
                out["*%s[%d]" % (name, i)] = v
        elif kind == inspect.Parameter.VAR_KEYWORD:
            out.update({"**%s[%s]" % (name, k): v for k, v in value.items()})
        else:
            out[name] = value
    return out


def _untracked(stmt, resolve, fresh):
    """Whether an assignment's value may be an object the alias check does
    not follow back to its origin: an attribute, a library object's method
    result, a call of a user function that may return something else than
    a new value or its arguments."""
    value = stmt.value
    if isinstance(value, gast.Attribute):
        return value.attr != "T"
    if isinstance(value, gast.Call):
        fn = resolve(value.func)
        if fn is None:
            func = value.func
            return not (isinstance(func, gast.Attribute) and
                        (func.attr in METHODS or func.attr in VIEW_METHODS))
        if _user_function(fn):
            return not fresh(fn)
    return False


def observe_call(stmt, pos, loops, order, resolve, partners, params, scalars):
    """Note on ``stmt`` (a user call, in the caller's ANF ``order`` at
    ``pos``) who could see a change its callee makes to each argument:
    ``stmt.arg_observers`` maps the callee's parameter names to a reason
    (``(PARAM, caller's parameter)`` or a sentence), or is ``None`` when the call unpacks its
    arguments (then any write is refused)."""
    from .alias import _read_after, _rebinds_between, _returns_fresh, _stored, _holders
    call = stmt.value
    fn = resolve(call.func)
    if not _user_function(fn):
        return
    bound = _bind(fn, call)
    if bound is None:
        stmt.arg_observers = None
        return
    assigned = {}
    for spos, (s, _) in enumerate(order):
        if isinstance(s, gast.Assign):
            for t in s.targets:
                for n in gast.walk(t):
                    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                        assigned.setdefault(n.id, []).append(s)
        elif isinstance(s, gast.For):
            for n in gast.walk(s.target):
                if isinstance(n, gast.Name):
                    assigned.setdefault(n.id, []).append(s)
    observers = {}
    try:
        defaults = {k: p.default for k, p in inspect.signature(fn).parameters.items()
                    if p.default is not p.empty and k not in bound}
    except (TypeError, ValueError):
        defaults = {}
    for pname, value in defaults.items():
        if not isinstance(value, (int, float, complex, str, bytes, bool, type(None))):
            observers[pname] = "its default value is one object, shared by every call " \
                               "that leaves it out"
    for pname, arg in bound.items():
        if not isinstance(arg, gast.Name) or arg.id in scalars:
            continue
        names = {arg.id} | partners(arg.id, loops)
        observers[pname] = _observer(arg.id, names, stmt, pos, loops, order, resolve,
                                     params, assigned, _returns_fresh, _read_after,
                                     _rebinds_between, _stored, _holders)
    stmt.arg_observers = {k: v for k, v in observers.items() if v}
    stmt.arg_names = {k: a.id for k, a in bound.items() if isinstance(a, gast.Name)}


def _observer(name, names, stmt, pos, loops, order, resolve, params, assigned, fresh,
              read_after, rebinds_between, stored, holders):
    for n in sorted(names):
        if n not in params and n not in assigned:
            return "%r is a value from outside the function" % n
        for s in assigned.get(n, ()):
            if isinstance(s, gast.For) or _untracked(s, resolve, fresh):
                return "%r comes from line %s, where the compiler cannot tell what else " \
                       "holds it" % (n, _line(s))
    read = read_after(order, names, pos, loops)
    if read:
        where = next((_line(s) for s, _ in order[pos + 1:] if _reads_name(s, read)), None)
        return "%r is read after the call%s" % (read, " (line %s)" % where if where else "")
    if loops:
        start = next(i for i, (s, _) in enumerate(order) if s is loops[-1])
        if not rebinds_between(order, name, start, pos):
            return "the loop passes %r to the call again" % name
    for spos, (s, _) in enumerate(order):
        container, held = stored(s, {})
        if container is not None and names & set(held):
            if read_after(order, holders(order, container, resolve), pos, loops) or \
                    loops and container not in names:
                return "%r is held by %r (line %s), which is read after the call" % (
                    sorted(names & set(held))[0], container, _line(s))
    if names & params:
        return (PARAM, sorted(names & params)[0])
    return None


def _reads_name(stmt, name):
    return any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load)
               for n in gast.walk(stmt))


def _line(stmt):
    return getattr(stmt, "user_line", None) or getattr(stmt, "lineno", "?")


def check_call(info, op, callee, compiled, strict):
    """After compiling a helper called at ``op``: refuse the call when the
    helper writes into an argument the caller can still see (see the module
    docstring); return the caller's parameters it writes into (passed on)."""
    writes = getattr(compiled, "writes", None) or {}
    if not writes:
        return {}
    observers = getattr(op.stmt, "arg_observers", {})
    name = getattr(callee, "__name__", "the helper")
    passed = {}
    for pname, (filename, line, what) in sorted(writes.items()):
        if observers is None:
            reason = "the call unpacks its arguments (*args, **kwargs)"
        else:
            reason = observers.get(pname)
        if not reason:
            continue
        arg = getattr(op.stmt, "arg_names", {}).get(pname)
        if isinstance(reason, tuple) and not strict:
            passed[reason[1]] = (info.filename, op.stmt.user_line,
                                 "the call to %s changes it in place" % name)
            continue
        if isinstance(reason, tuple):
            reason = "%r is an argument of this function, whose caller would see the " \
                     "change" % reason[1]
        err = info.error(op.stmt, "%s changes its argument %r in place (%s:%s: %s), which "
                         "plain Python would show to the caller here, and the compiler gives "
                         "the helper a copy: %s" % (name, pname, filename, line, what, reason),
                         "pass a copy (%s(%s.copy(), ...)) or use the value the helper "
                         "returns, or write %s = %s <op> ... inside the helper; or use "
                         "mode=\"tape\"" % (name, arg or pname, pname, pname))
        err.mutation = True
        err.at_call = True
        raise err
    return passed
