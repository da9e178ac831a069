"""NumPy's dispatch into the tape: where the tape decides what it understands.

Every NumPy function and ufunc that reaches a Tensor (``__array_function__``,
``__array_ufunc__``) is decided here, in one place (the closed world of
issue 9):

* a callable with rules in :mod:`srcgrad.rules` is recorded by
  :func:`record.apply` (every output tracked, whatever its structure);
* a callable declared non-differentiable (``NONDIFF``) gives constants;
* anything else applied to a Tensor that requires grad, under grad mode,
  raises :class:`NoRuleError` naming the user's file and line and the
  function, and saying how to register a rule -- never an untracked result;
* writes into an argument (``out=``, positional or keyword; ``np.copyto``;
  ``ufunc.at``; ``np.put``...) are recorded as the Tensor in-place
  operations they are (the version counter is bumped, the history moves to
  the written Tensor), or refused when that cannot be done exactly; a value
  that carries a gradient is never written into a plain ndarray;
* ufunc methods: ``reduce`` and ``accumulate`` of ``add``/``multiply``/
  ``maximum``/``minimum`` are the reductions they equal (``np.sum``,
  ``np.cumprod``...), ``outer`` is the ufunc on broadcast operands; the rest
  is refused on tracked values;
* ``np.einsum``'s interleaved form (``np.einsum(a, [0, 1], [1, 0])``) is
  rewritten to its subscripts string before the rule table sees it.
"""

import numpy as np

from .. import modes
from ..rules import NoRuleError, effects, has_rule, is_nondiff, lookup, qualname
from .tensor import Tensor
from .record import apply as _apply
from .fast import ufunc_runner
from .graph import bump_version

__all__ = ["array_function", "array_ufunc", "refusal", "no_rule", "tracked", "write_out"]

_state = modes._state


# ---------------------------------------------------------------- helpers

def refusal(what, todo, cls=NoRuleError):
    """``cls`` with a message naming the user's file and line (the innermost
    frame outside srcgrad and NumPy), what is refused and what to do."""
    from .engine import _user_line
    name, line, src = _user_line()
    where = "%s:%s: " % (name, line) if name else ""
    text = "\n    %s" % src if src else ""
    return cls("%s%s%s\n%s" % (where, what, text, todo))


def display_name(fn):
    """How a user would spell ``fn``: ``np.fft.fft``, ``np.linalg.qr``, ``np.sin``."""
    mod = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__name__", None)
    if name and mod.startswith("numpy."):
        public = [p for p in mod.split(".")[1:] if not p.startswith("_")]
        if public and public[0] in ("fft", "linalg", "random", "polynomial", "ma", "lib"):
            return "np.%s.%s" % (public[0], name)
    return qualname(fn)


def no_rule(fn, position=None):
    """The located :class:`NoRuleError` for ``fn`` (for its argument
    ``position`` when the table has rules for others only)."""
    name = display_name(fn)
    arg = "" if position is None else "argument %d of " % position
    return refusal(
        "no derivative rule for %s%s, which the tape applies to a value that depends on the "
        "differentiated arguments." % (arg, name),
        "Register one with srcgrad.defvjp(%s, vjp_rule), where vjp_rule(g, ans, *args) "
        "returns the cotangent of the argument, or srcgrad.defnondiff(%s) if its outputs "
        "are constants." % (name, name))


def tracked(values):
    """Whether grad mode is on and a Tensor that requires grad is among
    ``values`` (searched through lists, tuples and dicts)."""
    return _state.enabled and _any_tracked(values)


def _any_tracked(values):
    for a in values:
        if isinstance(a, Tensor):
            if a._requires_grad:
                return True
        elif isinstance(a, (list, tuple)):
            if _any_tracked(a):
                return True
        elif isinstance(a, dict):
            if _any_tracked(a.values()):
                return True
    return False


def _unwrap(x):
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(e) for e in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _wrap_result(r):
    if isinstance(r, np.ndarray):
        return Tensor._wrap(r)
    if isinstance(r, np.generic):
        return Tensor._wrap(np.asarray(r))
    if isinstance(r, tuple):
        return tuple(_wrap_result(e) for e in r)
    if isinstance(r, list):
        return [_wrap_result(e) for e in r]
    return r


def _run_raw(fn, args, kwargs, written=()):
    """``fn`` on the raw arrays (nothing to record); the Tensors in
    ``written`` were changed in place: bump their versions."""
    out = fn(*_unwrap(args), **_unwrap(kwargs))
    for t in written:
        if isinstance(t, Tensor):
            bump_version(t)
    if any(out is _unwrap(t) for t in written):
        return next(t for t in written if out is _unwrap(t))
    return _wrap_result(out)


def _outs(out):
    return out if isinstance(out, tuple) else (out,)


# ---------------------------------------------------------- writes (out=)

def write_out(result, out, fn):
    """Store ``result`` (a Tensor or a tuple of them) into ``out`` as NumPy's
    ``out=`` does, and return what NumPy returns (the ``out`` arrays)."""
    from .inplace import _fill
    results = result if isinstance(result, tuple) else (result,)
    given = _outs(out)
    final = []
    for o, r in zip(given, results):
        if o is None:
            final.append(r)
        elif isinstance(o, Tensor):
            _fill(o, r, "CopyBackwards")
            final.append(o)
        else:
            if isinstance(r, Tensor) and r._requires_grad and _state.enabled:
                raise refusal(
                    "%s(..., out=a) writes a value that depends on the differentiated "
                    "arguments into a plain ndarray: its gradient would be lost." % display_name(fn),
                    "Use the result instead (a = %s(...)), or write into a Tensor."
                    % display_name(fn), _conversion_error_class())
            np.copyto(o, r._data if isinstance(r, Tensor) else r, casting="same_kind")
            final.append(o)
    return tuple(final) if isinstance(result, tuple) else final[0]


def _conversion_error_class():
    from .engine import TapeConversionError
    return TapeConversionError


def _protect(inputs, out):
    """Inputs that share memory with an ``out`` Tensor are read as they are
    before the write (``np.sin(a, out=a)`` is ``a.sin_()``)."""
    from .inplace import _snapshot
    outs = [o for o in _outs(out) if isinstance(o, Tensor)]
    if not outs:
        return inputs

    def alias(t):
        return any(t is o or (t._vc is not None and t._vc is o._vc) for o in outs)
    return tuple(_snapshot(t) if isinstance(t, Tensor) and alias(t) else t for t in inputs)


# --------------------------------------------------------- __array_function__

_SHAPE_FNS = {id(np.shape), id(np.ndim), id(np.size), id(np.result_type), id(np.iterable),
              id(np.may_share_memory), id(np.shares_memory)}

#: NumPy functions that write into their first argument
_WRITERS = {id(np.copyto), id(np.put), id(np.place), id(np.putmask), id(np.fill_diagonal),
            id(np.put_along_axis)}


def array_function(self, func, types, args, kwargs):
    """``__array_function__``: the rule table decides (see the module doc)."""
    if id(func) in _SHAPE_FNS:
        return func(*_unwrap(args), **_unwrap(kwargs))
    if id(func) in _WRITERS:
        return _writer(func, args, kwargs)
    if args:
        at = _positional_out(func, len(args))
        if at is not None:
            args, kwargs = _out_by_keyword(func, args, kwargs, at)
    if func is np.einsum and args and not isinstance(args[0], str):
        args = einsum_string_form(args)
    if kwargs:
        kwargs = dict(kwargs)
        if func is np.clip and ("min" in kwargs or "max" in kwargs) and len(args) == 1:
            # NumPy 2's spelling of a_min/a_max, as the rule's positions
            args = (args[0], kwargs.pop("min", None), kwargs.pop("max", None))
        out = kwargs.pop("out", None)
        if out is not None:
            res = array_function(self, func, types, _protect(args, out), kwargs)
            return write_out(res, out, func)
        if tracked(args) or tracked(kwargs.values()):
            _check_keywords(func, kwargs)
    return _apply(func, args, kwargs or None)


_OUT_AT = {}   # (id(func), number of positional arguments) -> (func, position or None)


def _positional_out(func, nargs):
    """Where a call of ``func`` with ``nargs`` positional arguments passes
    ``out`` positionally (``np.fix(x, out)``), from the effects table
    (:func:`srcgrad.rules.effects.call_effect`), or ``None``."""
    hit = _OUT_AT.get((id(func), nargs))
    if hit is None or hit[0] is not func:
        written = [w for w in effects.call_effect(func, nargs, ()).written if isinstance(w, int)]
        hit = _OUT_AT[(id(func), nargs)] = (func, written[0] if written else None)
    return hit[1]


def _out_by_keyword(func, args, kwargs, at):
    """``args``/``kwargs`` with the positional arguments from ``at`` on (the
    ``out`` array and any after it) passed by keyword, so that ``out=`` is
    handled as a write (recorded or refused), never as an ignored argument."""
    import inspect
    try:
        names = list(inspect.signature(func).parameters)[at:]
    except (TypeError, ValueError):     # pragma: no cover - NumPy functions have one
        names = []
    if len(names) < len(args) - at:
        raise refusal("%s: an out array passed by position is not supported on the tape."
                      % display_name(func), "Pass it as out=... instead.")
    kwargs = dict(kwargs)
    kwargs.update(zip(names, args[at:]))
    return args[:at], kwargs


def _check_keywords(func, kwargs):
    """A keyword the rules do not take (``np.sum(x, where=m)``) would break
    them at backward: refuse it now."""
    if not has_rule(func):
        return
    for k, v in kwargs.items():
        if isinstance(v, Tensor) and v._requires_grad:
            raise refusal("%s: the tape needs values that require grad as positional "
                          "arguments, not as %s=." % (display_name(func), k),
                          "Pass it positionally.")
    for rule in lookup(func).vjps:
        code = getattr(rule, "__code__", None)
        if code is None or code.co_flags & 0x08:     # **kwargs: takes anything
            continue
        names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        for k in kwargs:
            if k not in names:
                raise refusal("%s(..., %s=...) is not supported by its derivative rule on the "
                              "tape." % (display_name(func), k),
                              "Rewrite without %s= (e.g. with np.where), or register a rule "
                              "that takes it with srcgrad.defvjp." % k)


def _writer(func, args, kwargs):
    """``np.copyto(dst, src)`` on a Tensor is ``dst.copy_(src)``; other
    functions that write into an argument run on constants only."""
    from .inplace import _fill
    dst = args[0] if args else next(iter(kwargs.values()), None)
    if not (tracked(args) or tracked(kwargs.values())):
        return _run_raw(func, args, kwargs, written=(dst,))
    if func is np.copyto and isinstance(dst, Tensor) and len(args) == 2 and \
            set(kwargs) <= {"casting"}:
        _fill(dst, args[1], "CopyBackwards")
        return None
    if isinstance(dst, Tensor):
        raise refusal("%s writes into its first argument in place; the tape cannot "
                      "differentiate it." % display_name(func),
                      "Write dst[index] = value (a recorded in-place assignment) or build "
                      "the result out of place (np.where, np.concatenate...).")
    raise refusal("%s writes a value that depends on the differentiated arguments into a "
                  "plain ndarray: its gradient would be lost." % display_name(func),
                  "Build the result out of place (np.where, np.stack...) instead.",
                  _conversion_error_class())


def einsum_string_form(args):
    """``(a, [0, 1], b, [1, 2], [0, 2])`` -> ``("ab,bc->ac", a, b)``: the
    interleaved form of ``np.einsum`` as the subscripts string its rules take."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def word(sub):
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            elif isinstance(s, (int, np.integer)) and 0 <= s < len(letters):
                out.append(letters[s])
            else:
                raise refusal("np.einsum: unsupported subscript %r in the interleaved form."
                              % (s,), "Use the subscripts string form.", ValueError)
        return "".join(out)
    args = list(args)
    ops, subs = args[0:len(args) - len(args) % 2:2], args[1:len(args) - len(args) % 2:2]
    spec = ",".join(word(s) for s in subs)
    if len(args) % 2:
        spec += "->" + word(args[-1])
    return (spec,) + tuple(ops)


# ------------------------------------------------------------ __array_ufunc__

_REDUCE = {np.add: np.sum, np.multiply: np.prod, np.maximum: np.max, np.minimum: np.min}
_ACCUMULATE = {np.add: np.cumsum, np.multiply: np.cumprod}


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``__array_ufunc__``: ``ufunc(...)`` and its methods (see the module doc)."""
    if method == "__call__" and not kwargs:
        run = ufunc_runner(ufunc)
        if run is not None:
            return run(*inputs)
        return _apply(ufunc, inputs)
    out = kwargs.pop("out", None)
    if out is not None and all(o is None for o in _outs(out)):
        out = None
    live = tracked(inputs) or (out is not None and tracked(_outs(out)))
    if not live:
        if out is not None and any(isinstance(o, Tensor) for o in _outs(out)):
            kwargs["out"] = out
            return _run_raw(getattr(ufunc, method), inputs, kwargs,
                            written=tuple(o for o in _outs(out) if isinstance(o, Tensor)))
        if method == "at" and isinstance(inputs[0], Tensor):
            return _run_raw(ufunc.at, inputs, kwargs, written=(inputs[0],))
        if out is not None:
            kwargs["out"] = out
        return _wrap_result(getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs)))
    if out is not None:
        inputs = _protect(inputs, out)
    res = _method(ufunc, method, inputs, kwargs)
    return res if out is None else write_out(res, out, ufunc)


def _method(ufunc, method, inputs, kwargs):
    """The tracked result of ``ufunc.method(*inputs, **kwargs)`` (no ``out``)."""
    name = "np.%s.%s" % (ufunc.__name__, method) if method != "__call__" else display_name(ufunc)
    dtype = kwargs.pop("dtype", None)
    if method == "__call__" and not kwargs:
        res = array_ufunc(None, ufunc, "__call__", *inputs)
    elif method == "reduce" and ufunc in _REDUCE and not set(kwargs) - {"axis", "keepdims"} \
            and len(inputs) <= 2:
        axis = inputs[1] if len(inputs) > 1 else kwargs.get("axis", 0)
        kw = {"axis": axis}
        if kwargs.get("keepdims"):
            kw["keepdims"] = True
        res = _apply(_REDUCE[ufunc], (inputs[0],), kw)
    elif method == "accumulate" and ufunc in _ACCUMULATE and not set(kwargs) - {"axis"} \
            and len(inputs) <= 2:
        axis = inputs[1] if len(inputs) > 1 else kwargs.get("axis", 0)
        res = _apply(_ACCUMULATE[ufunc], (inputs[0],), {"axis": axis})
    elif method == "outer" and ufunc.nin == 2 and not kwargs and len(inputs) == 2:
        a, b = inputs
        a = _apply(np.reshape, (a, np.shape(_unwrap(a)) + (1,) * np.ndim(_unwrap(b))))
        res = array_ufunc(None, ufunc, "__call__", a, b)
    else:
        what = "%s with %s" % (name, ", ".join(k + "=" for k in kwargs)) if kwargs else name
        if method == "__call__" or method in ("reduce", "accumulate", "outer"):
            if not (has_rule(ufunc) or is_nondiff(ufunc)):
                raise no_rule(ufunc)
            raise refusal("the tape cannot differentiate %s." % what,
                          ("Call the ufunc without these keywords (np.where for where=)."
                           if kwargs else "Use an equivalent NumPy function or a loop of "
                           "supported operations, or register a rule with srcgrad.defvjp."))
        raise refusal("the tape cannot differentiate %s (it writes into its first argument "
                      "in place)." % what,
                      "For np.add.at(y, idx, v) write y = y + np.bincount(...) or build the "
                      "result out of place; for reduceat use np.add.reduce on slices.")
    if dtype is not None:
        res = tuple(r.to(np.dtype(dtype)) for r in res) if isinstance(res, tuple) \
            else res.to(np.dtype(dtype))
    return res


Tensor.__array_ufunc__ = array_ufunc
Tensor.__array_function__ = array_function
