"""``srcgrad.jvp``: forward mode, with ``jax.jvp``'s signature.

``jvp(fun, primals, tangents)`` returns ``(fun(*primals), J @ tangents)``.
It picks the engine as ``grad`` does (see :mod:`srcgrad.api`):

* ``mode="compile"``: the compiler's forward transform
  (``pipeline.compile_jvp``), specialised on the arguments' kinds with
  :class:`~srcgrad.api.GradFunction`'s machinery;
* ``mode="tape"``: the tape's forward mode, a double backward
  (:mod:`srcgrad.tape.forward`);
* ``mode="auto"``: the compiler, else the tape with a recorded reason
  (``srcgrad.explain(fun, *primals, transform="jvp")`` says which).

Guarantees: ``primals`` and ``tangents`` are tuples of the same tree
structure (dicts, lists, tuples, namedtuples; leaves numbers or arrays); a
tangent of another structure, shape or a complex tangent for a real primal
is a ``TypeError``/``ValueError`` naming the argument; a non-float primal
(int, bool, string, integer array) takes ``None``, and ``None`` stands for a
zero tangent anywhere; nothing passed in is mutated; the output's tangent
has the output's kind (a float for a float, real for a real output).
"""

import logging
import numbers
import threading
import weakref

import numpy as np

from . import rules, runtime
from .api import (GradFunction, _check_mode, _unwrap_mode, _name, _reason, _is_primitive,
                  _where)
from .compiler import pipeline
from .compiler.frontend.parse import NoSource
from .errors import NoRuleError, SrcgradSyntaxError
from .tape.engine import _map
from .tape.forward import tape_linearize, _is_float_leaf

__all__ = ["jvp", "JvpFunction", "compile_jvp_engine", "ForwardUnavailable"]

log = logging.getLogger("srcgrad")


class ForwardUnavailable(NotImplementedError):
    """``mode="compile"`` asked for a forward-mode transform the compiler
    cannot do (yet): the message says which, and that ``mode="auto"`` runs it
    on the tape."""


# ------------------------------------------------------------- engines

class TapeJVP:
    """The tape as the engine of ``jvp``: ``fn(*args, *tangents)`` with one
    tangent per position, as the compiled engine takes them."""

    def __init__(self, fun, positions, has_aux, reason):
        self.fun = fun
        self.positions = tuple(positions)
        self.has_aux = has_aux
        self.reason = reason
        self.source = "# %s runs on the tape (%s): forward mode by double backward, no " \
                      "generated code\n" % (_name(fun), reason)

    def linearize(self, args, tangents):
        """``(ans, jvp)``: one run of the function; ``jvp(tangents)`` per tangent."""
        trees = [None] * len(args)
        for i, t in zip(self.positions, tangents):
            trees[i] = t
        value, lin, aux = tape_linearize(self.fun, args, trees, self.has_aux)

        def jvp(new):
            trees = [None] * len(args)
            for i, t in zip(self.positions, new):
                trees[i] = t
            return lin(trees)
        return ((value, aux) if self.has_aux else value), jvp

    def fn(self, *args_and_tangents):
        n = len(args_and_tangents) - len(self.positions)
        args, tangents = args_and_tangents[:n], args_and_tangents[n:]
        ans, lin = self.linearize(args, tangents)
        return ans, lin(tangents)


class _Compiled:
    """A compiled JVP seen through the same ``linearize`` as :class:`TapeJVP`
    (each tangent runs the generated code once more)."""

    def __init__(self, engine, positions):
        self.engine = engine
        self.positions = positions
        self.source = getattr(engine, "source", "")

    def fn(self, *args):
        return self.engine.fn(*args)

    def linearize(self, args, tangents):
        ans, t0 = self.engine.fn(*args, *tangents)

        def jvp(new):
            if new is tangents:
                return t0
            return self.engine.fn(*args, *new)[1]
        return ans, jvp


class _SecondOrderJVP(_Compiled):
    """The JVP of a gradient as generated code (srcgrad/higher.py); in
    mode="auto" one the compiler cannot take runs on the tape instead."""

    def __init__(self, fn, gradfn, positions, has_aux, mode):
        super().__init__(None, positions)
        self.jvp, self.gradfn, self.has_aux, self.mode = fn, gradfn, has_aux, mode
        self.source = ("# the JVP of %s's gradient: generated code, the gradient of its JVP "
                       "(srcgrad/higher.py)\n" % _name(gradfn.fun))
        self.engine = self

    def fn(self, *args):
        from .higher import SecondOrderError
        try:
            return self.jvp(*args)
        except (SrcgradSyntaxError, NoSource, NoRuleError, SecondOrderError,
                runtime.TangentError) as err:
            if self.mode == "compile":
                raise
            tape = TapeJVP(self.gradfn, self.positions, self.has_aux,
                           "forward mode over a gradient: %s" % _reason(err))
            return tape.fn(*args)


def _gradient_engine(gradfn, positions, has_aux, mode):
    """jvp of ``grad(f)``: generated (forward over reverse, computed as the
    gradient of f's JVP), or the tape."""
    from .higher import gradient_jvp
    fn = None if has_aux else gradient_jvp(gradfn, positions, mode)
    if fn is not None:
        return _SecondOrderJVP(fn, gradfn, positions, has_aux, mode)
    if mode == "compile":
        raise ForwardUnavailable(
            "%s: the compiler generates the JVP of grad(%s) only for a grad (not "
            "value_and_grad) without has_aux or *args, not in mode=\"tape\", of a function "
            "or of such a grad; use mode=\"auto\" or mode=\"tape\" to run it on the tape" % (_where(gradfn.fun), _name(gradfn.fun)))
    return TapeJVP(gradfn, positions, has_aux, "forward mode over a gradient runs on the tape")


def compile_jvp_engine(fun, positions, has_aux=False, kinds=(), mode="auto", spread=None):
    """The forward-mode engine for ``fun``: the compiler's, or the tape's
    (``mode="tape"``, or ``"auto"`` when the compiler cannot)."""
    if mode == "tape":
        return TapeJVP(fun, positions, has_aux, 'mode="tape"')
    if isinstance(fun, GradFunction):
        return _gradient_engine(fun, positions, has_aux, mode)
    compile_jvp = getattr(pipeline, "compile_jvp", None)
    if compile_jvp is None:
        if mode == "compile":
            raise ForwardUnavailable(
                "%s: the compiler's forward transform (jvp) is not available in this version "
                "of srcgrad; use mode=\"auto\" or mode=\"tape\" (forward mode on the tape)"
                % _where(fun))
        return TapeJVP(fun, positions, has_aux, "the compiler's forward transform is not "
                       "available yet")
    if _is_primitive(fun) and mode == "auto":
        return TapeJVP(fun, positions, has_aux, "a primitive: its JVP by double backward of "
                       "its rule")
    try:
        engine = compile_jvp(_unwrap_mode(fun), positions, numeric=kinds, mode=mode,
                             has_aux=has_aux, spread=spread)
    except (SrcgradSyntaxError, NoSource, NoRuleError) as err:
        if mode == "compile":
            raise
        reason = _reason(err)
        log.info("srcgrad: jvp of %s runs on the tape: %s", _name(fun), reason)
        return TapeJVP(fun, positions, has_aux, reason)
    return _Compiled(engine, positions)


class JvpFunction(GradFunction):
    """The forward-mode counterpart of :class:`~srcgrad.api.GradFunction`:
    the same positions, kinds and specialisation table, with forward-mode
    engines."""

    def __init__(self, fun, positions, has_aux, mode):
        super().__init__(fun, tuple(positions), has_aux, mode, "jvp")

    def _engine(self, kinds, spread=None):
        return compile_jvp_engine(self.fun, self.positions, self.has_aux, kinds, self.mode,
                                  spread)

    def linearize(self, args, tangents):
        """``(ans, jvp)`` at ``args`` (all positional, validated): ``jvp(t)``
        maps tangents (one per position) to the output's tangent."""
        spread = None
        if self.varargs:
            args, spread = self._flat(args, {})
        elif len(args) != len(self.params) and self.params:
            args = self._args(args, {})
        engine = self._compiled_for(args, spread)
        try:
            ans, lin = engine.linearize(args, tangents)
        except runtime.Rebound:      # a name it calls was rebound: compile again, once
            pipeline._CACHE.clear()
            engine = self._recompile(args, spread)()
            ans, lin = engine.linearize(args, tangents)
        return ans, lin, engine


_FUNCTIONS = weakref.WeakKeyDictionary()   # fun -> {(positions, has_aux, mode): JvpFunction}
_FUNCTIONS_LOCK = threading.Lock()


def jvp_function(fun, positions, has_aux, mode):
    """The cached :class:`JvpFunction` of ``fun`` for these positions."""
    key = (tuple(positions), bool(has_aux), mode)
    try:
        with _FUNCTIONS_LOCK:
            table = _FUNCTIONS.setdefault(fun, {})
            f = table.get(key)
            if f is None:
                f = table[key] = JvpFunction(fun, positions, has_aux, mode)
        return f
    except TypeError:     # not weakly referenceable (a builtin): no cache
        return JvpFunction(fun, positions, has_aux, mode)


# ------------------------------------------------------------- tangents

def _is_tree(x):
    return isinstance(x, (dict, list, tuple))


def check_tangent(fun, name, primal, tangent, path=""):
    """``tangent`` for ``primal`` as the engines take it (a fresh array of
    the primal's float dtype, a float for a float, the same tree; ``None``
    where the primal does not move), or a ``TypeError``/``ValueError``
    naming the argument ``name``."""
    where = "%s: the tangent of %s%s" % (_where(fun), name, path)
    if tangent is None:
        return None
    if isinstance(primal, dict):
        if not isinstance(tangent, dict) or set(tangent) != set(primal):
            raise TypeError("%s must be a dict with the keys %s, got %s"
                            % (where, sorted(map(str, primal)), _describe(tangent)))
        return {k: check_tangent(fun, name, v, tangent[k], "%s[%r]" % (path, k))
                for k, v in primal.items()}
    if isinstance(primal, (list, tuple)):
        if not isinstance(tangent, (list, tuple)) or len(tangent) != len(primal) or \
                isinstance(primal, list) != isinstance(tangent, list):
            raise TypeError("%s must be a %s of %d items like the primal, got %s"
                            % (where, type(primal).__name__, len(primal), _describe(tangent)))
        items = [check_tangent(fun, name, v, t, "%s[%d]" % (path, k))
                 for k, (v, t) in enumerate(zip(primal, tangent))]
        if hasattr(type(primal), "_fields"):
            return type(primal)(*items)
        return type(primal)(items)
    if not _is_float_leaf(primal):
        if _is_zero(tangent):
            return None
        if runtime.is_duck(primal):   # (Dask data among the other arguments runs)
            raise TypeError(
                "%s: the primal is a %s array: forward mode takes tangents of NumPy arrays "
                "and floats only; pass this argument as a NumPy array (x.compute()), or "
                "give it no tangent (None). See docs/scaling.md"
                % (where, type(primal).__module__.split(".")[0]))
        raise TypeError("%s: the primal is not a floating-point value (%s), so it takes no "
                        "tangent; pass None for it" % (where, _describe(primal)))
    if _is_tree(tangent) and not isinstance(tangent, (list, tuple)) or \
            isinstance(tangent, (str, bytes, bool, np.bool_)) or \
            not isinstance(tangent, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        raise TypeError("%s must be a number or an array, got %s" % (where, _describe(tangent)))
    t = np.asarray(tangent)
    if t.dtype.kind not in "iufc":
        raise TypeError("%s must be numeric, got an array of dtype %s" % (where, t.dtype))
    if t.shape != np.shape(primal):
        raise ValueError("%s has shape %s where the primal has shape %s"
                         % (where, t.shape, np.shape(primal)))
    dtype = np.asarray(primal).dtype
    if t.dtype.kind == "c" and dtype.kind != "c":
        raise TypeError("%s is complex but the primal is real: a real input moves along "
                        "real directions" % where)
    if isinstance(primal, float):
        return float(t)
    if isinstance(primal, complex):
        return complex(t)
    out = np.array(t, dtype=dtype)          # a fresh copy: nothing the user passed is kept
    return out[()] if isinstance(primal, np.generic) else out


def _is_zero(t):
    try:
        return not np.any(np.asarray(t))
    except (TypeError, ValueError):
        return False


def _describe(x):
    if isinstance(x, np.ndarray):
        return "an array of shape %s and dtype %s" % (x.shape, x.dtype)
    return "%s (%r)" % (type(x).__name__, x) if not _is_tree(x) else \
        "a %s of %d items" % (type(x).__name__, len(x))


def _moves(t):
    """Whether a checked tangent tree has a leaf that moves."""
    if t is None:
        return False
    if isinstance(t, dict):
        return any(_moves(v) for v in t.values())
    if isinstance(t, (list, tuple)):
        return any(_moves(v) for v in t)
    return True


def _fill(primal, t):
    """A checked tangent with zeros where it is ``None`` (compiled code gets
    a value for every float leaf of a moving argument)."""
    if isinstance(primal, dict):
        return {k: _fill(v, None if t is None else t[k]) for k, v in primal.items()}
    if isinstance(primal, (list, tuple)):
        items = [_fill(v, None if t is None else t[k]) for k, v in enumerate(primal)]
        return type(primal)(*items) if hasattr(type(primal), "_fields") else type(primal)(items)
    if t is not None or not _is_float_leaf(primal):
        return t
    return runtime.zeros_like(primal) if not isinstance(primal, np.generic) else \
        np.zeros((), primal.dtype)[()]


def checked(fun, primals, tangents, what="jvp"):
    """``(positions, tangents)``: the moving arguments and their checked
    tangents (one per position)."""
    for label, seq in (("primals", primals), ("tangents", tangents)):
        if not isinstance(seq, (tuple, list)):
            raise TypeError("%s: %s must be a tuple or a list of arguments, got %s"
                            % (what, label, _describe(seq)))
    if len(primals) != len(tangents):
        raise ValueError("%s: %d primals but %d tangents: give one tangent per argument "
                         "(None for one that does not move)" % (what, len(primals),
                                                                 len(tangents)))
    names = _param_names(fun, len(primals))
    positions, out = [], []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        c = check_tangent(fun, "argument %d (%s)" % (i, names[i]), p, t)
        if _moves(c):
            positions.append(i)
            out.append(_fill(p, c))
    return tuple(positions), out


def _param_names(fun, n):
    import inspect
    try:
        params = list(inspect.signature(fun).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else str(i) for i in range(n)]


def _as_output_kind(t, out):
    """The compiled engine's tangent in the kind of the output ``out``."""
    if out is None or isinstance(out, (str, bytes, bool)):
        return out
    if isinstance(out, (dict, list, tuple)):
        return runtime.to_kind(t, out)
    if isinstance(out, (float, int)) and not isinstance(out, (bool, np.generic)):
        return runtime.to_kind(t, float(out))
    if isinstance(out, np.generic):
        return np.asarray(runtime.to_kind(np.asarray(t), np.asarray(out)))[()]
    if isinstance(out, np.ndarray):
        return runtime.to_kind(t, out)
    return t


# ------------------------------------------------------------- jvp

def jvp(fun, primals, tangents, *, has_aux=False, mode="auto"):
    """``(fun(*primals), J @ tangents)``; with ``has_aux=True`` (``fun``
    returns ``(output, aux)``) ``(output, tangent_out, aux)``, as ``jax.jvp``.

    >>> import numpy as np
    >>> out, t = jvp(lambda x, y: np.sin(x) * y, (0.0, 2.0), (1.0, 0.0))
    >>> float(out), float(t)
    (0.0, 2.0)
    """
    _check_mode(mode)
    if not callable(fun):
        raise TypeError("jvp expects a function, got %r" % (fun,))
    fun = rules.stand_in(fun)
    positions, tans = checked(fun, primals, tangents)
    primals = tuple(primals)
    if not positions:      # nothing moves: the tangent is zero
        ans = fun(*primals)
        out = ans[0] if has_aux else ans
        zero = _map(_zero_tangent, out)
        return (out, zero, ans[1]) if has_aux else (out, zero)
    f = jvp_function(fun, positions, has_aux, mode)
    ans, lin, engine = f.linearize(primals, tans)
    t = lin(tans)
    out = ans[0] if has_aux else ans
    if not isinstance(engine, TapeJVP):
        t = _as_output_kind(t, out)
    return (out, t, ans[1]) if has_aux else (out, t)


def _zero_tangent(o):
    if isinstance(o, (np.ndarray, np.generic)) or isinstance(o, numbers.Number) and \
            not isinstance(o, bool):
        return runtime.zeros_like(o) if not isinstance(o, np.generic) else \
            np.zeros((), runtime.float_dtype(o.dtype))[()]
    return o


def explain_jvp(fun, primals, tangents, mode="auto"):
    """The engine ``jvp(fun, primals, tangents, mode=mode)`` uses:
    ``("compiler", None)`` or ``("tape", reason)``."""
    from .api import _kind
    fun = rules.stand_in(fun)
    if tangents is None:
        tangents = tuple(_map(lambda x: x if _is_float_leaf(x) else None, p) for p in primals)
    positions, _ = checked(fun, primals, tangents)
    engine = compile_jvp_engine(fun, positions, False, tuple(map(_kind, primals)), mode)
    if isinstance(engine, TapeJVP):
        return "tape", engine.reason, engine.source
    return "compiler", None, engine.source
