"""The public transforms: ``grad``, ``value_and_grad``, ``vjp``, ``source``.

They pick the engine (a primitive's own rule, or the compiler), cache what
they compile, and hand back results of the kinds the user passed in (a
Python float for a float, an ndarray of the argument's shape for an array).
"""

import functools
import inspect
import math
import numbers

import numpy as np

import logging

import operator
import weakref

from . import rules, runtime
from .rules import conversions
from .rules.effects import hashable as _hashable
from .rules.operators import OPERATOR_MODULE
from .runtime.complex import _COMPLEX_INPUTS
from .signature import MISS as _MISS, fast_call, key_function
from .compiler.calltree import call_tree, tape_calls_of
from .compiler.frontend.parse import NoSource
from .compiler.pipeline import SHAPE_SPECIALISATIONS, CompiledVJP, compile_vjp
from .compiler.frontend.varargs import Spread, flat_caller, flatten, has_varargs
from .compiler.transforms.recursion import RecursionDepthError, too_deep_at_run_time
from .checks import (check_cotangent as _check_cotangent, refuse_subclasses as
                     _refuse_subclasses, refused_subclass as _refused_subclass,
                     where as _where)
from .errors import NoRuleError, SrcgradSyntaxError
from .tape.engine import tape_vjp
from .tape.tensor import Tensor

__all__ = ["grad", "value_and_grad", "vjp", "source", "explain", "Explanation",
           "GradFunction"]

log = logging.getLogger("srcgrad")
log.addHandler(logging.NullHandler())

_MODES = ("auto", "compile", "tape")


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError("mode must be one of %s, got %r" % (", ".join(map(repr, _MODES)), mode))


def _positions(fn, wrt):
    """Normalise ``wrt`` (int, name, or a tuple of them) to positions."""
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    try:
        params = [] if _opaque(fn) else list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    if params and has_varargs(fn):
        return _vararg_positions(fn, items, single)
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in params:
                raise ValueError("wrt=%r: %s has no parameter named %r (its parameters: %s)"
                                 % (w, _where(fn), w, ", ".join(params)))
            out.append(params.index(w))
        elif isinstance(w, numbers.Integral):
            if params and not -len(params) <= w < len(params):
                raise ValueError("wrt=%d is out of range: %s takes %d parameters"
                                 % (w, _where(fn), len(params)))
            out.append(w % len(params) if params else w)
        else:
            raise TypeError("wrt must be an int, a parameter name or a tuple of them, got %r"
                            % (w,))
    return tuple(out), single, params


def _vararg_positions(fn, items, single):
    """``wrt`` of a function with ``*args``/``**kwargs``: an int counts the
    positional arguments as the call passes them (the extra ones included); a
    name is one of the parameters before ``*args``."""
    sig = inspect.signature(fn).parameters.values()
    leading = []
    for p in sig:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        leading.append(p.name)
    open_ended = any(p.kind == p.VAR_POSITIONAL for p in sig)
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in leading:
                raise ValueError(
                    "wrt=%r: %s takes *args or **kwargs, and only its leading parameters (%s) "
                    "can be named in wrt; give the position of the argument in the call "
                    "instead (wrt=%d is the first extra positional argument)"
                    % (w, _where(fn), ", ".join(leading) or "none", len(leading)))
            out.append(leading.index(w))
        elif isinstance(w, numbers.Integral):
            if w < 0 or not open_ended and w >= len(leading):
                raise ValueError("wrt=%d is out of range for %s: with *args, a position "
                                 "counts the call's positional arguments from 0"
                                 % (w, _where(fn)))
            out.append(int(w))
        else:
            raise TypeError("wrt must be an int, a parameter name or a tuple of them, got %r"
                            % (w,))
    return tuple(out), single, leading


def _is_primitive(fn):
    """Whether ``fn`` is in the rule table: with rules, or without a gradient."""
    return rules.has_rule(fn) or rules.is_nondiff(fn)


def _has_own_gradient(fn):
    """Whether ``fn`` is a callable with its own gradient (a custom_vjp with
    its rules, an ``autograd.Function``'s ``apply``): differentiated through
    them, never through its source or its ``*args`` signature."""
    from .compiler import pipeline
    return pipeline.SPECIAL_VJP is not None and \
        not getattr(type(fn), "__srcgrad_transform__", False) and \
        pipeline.SPECIAL_VJP(fn, (0,)) is not None


def _opaque(fn):
    """A primitive or a callable with its own gradient: its arguments are the
    call's, as they are (no parameter names, no ``*args`` spreading)."""
    return _is_primitive(fn) or _has_own_gradient(fn)


class _PrimitiveVJP:
    """The VJP of a registered primitive, through its rules (no compiler).  A
    primitive without a gradient (``grad(np.floor)``) gives zeros."""

    def __init__(self, fn, wrt, value_fn=None):
        if rules.is_nondiff(fn) and not rules.has_rule(fn):
            self.prim, self.value_fn, self.wrt = None, value_fn or fn, wrt
            self.source = "# %s has no gradient (srcgrad/rules: non-differentiable)\n" % \
                rules.qualname(fn)
            return
        self.prim = rules.lookup(fn)
        self.value_fn = value_fn or self.prim.fn   # operator.sub: its value, np's rule
        self.wrt = wrt
        for i in wrt:
            if i >= len(self.prim.vjps) or self.prim.vjps[i] in (None, rules.NO_RULE):
                raise ValueError("%s has no gradient with respect to argument %d"
                                 % (self.prim.name, i))
        self.source = "# %s is a primitive: its rules are in srcgrad/rules\n" % self.prim.name

    def fn(self, *args):
        prim = self.prim
        ans = self.value_fn(*args)
        if prim is None:
            return ans, lambda g: tuple(runtime.zeros_like(args[i]) for i in self.wrt)

        def pullback(g):
            return prim.cotangents(g, ans, args, self.wrt)
        return ans, pullback


class _OwnGradientVJP:
    """The VJP of a callable with its own gradient handed to ``grad``/``vjp``
    itself (a :class:`~srcgrad.custom_vjp` with its rules, an
    ``autograd.Function``'s ``apply``): its ``fwd`` and ``bwd``, in every engine,
    as when the compiler meets it inside a function (no source to read)."""

    def __init__(self, fun, vjp):
        self.fn = vjp
        self.source = "# %s has its own gradient (custom_vjp / autograd.Function): " \
            "its fwd and bwd run\n" % _name(fun)


class GradFunction:
    """What ``grad``, ``value_and_grad`` and ``vjp``-style transforms return:
    callable like the user's function, with the generated code attached."""

    #: compiled code that calls a GradFunction differentiates it through
    #: srcgrad/higher.py (bridge._special_vjp), not as an opaque object
    __srcgrad_transform__ = True

    def __init__(self, fun, wrt, has_aux, mode, kind, backend="numpy"):
        if not callable(fun):
            raise TypeError("grad expects a function, got %r" % (fun,))
        _check_mode(mode)
        self.backend = _check_backend(backend)
        fun = rules.stand_in(fun)   # scipy.stats.norm.logpdf itself: its primitive
        self.fun = fun
        self.mode = mode
        self.kind = kind
        self.has_aux = has_aux
        self.positions, self.single, self.params = _positions(fun, wrt)
        self.varargs = not _opaque(fun) and has_varargs(fun)
        self._compiled = None
        self._by_kind = {}
        self._hits = {}     # signature -> hit: see _remember
        self._last = _NO_HIT    # (key function, key, hit) of the last signature seen
        self._fast = _no_fast   # the fast call of the last signature seen: see _remember
        functools.update_wrapper(self, fun, updated=())  # keep our own __dict__

    @property
    def compiled(self):
        """The compiled VJP for arguments of unknown kinds (used by ``source``)."""
        c = self._compiled
        if c is None:
            c = self._compiled = self._engine(())
        return c

    def _engine(self, kinds, spread=None):
        """The engine for arguments of these kinds (a subclass's transform
        overrides this: forward mode, srcgrad/forward.py)."""
        return _compile(self.fun, self.positions, self.has_aux, kinds, self.mode, spread)

    def _compiled_for(self, args, spread=None):
        kinds = tuple([("a",) + a.shape if type(a) is np.ndarray else _KIND[type(a)]
                       for a in args])  # what _kind computes, inlined: it is per call
        if None in kinds:  # containers: no subclass hides among their leaves
            _refuse_subclasses(self.fun, args, self.params)
            # Dask/CuPy arrays: specialised on their shape when it is known
            kinds = tuple(_duck_kind(a) if k is None else k for a, k in zip(args, kinds))
        key = kinds if spread is None else kinds + (spread,)
        c = self._by_kind.get(key)
        if c is None:
            c = self._specialise(kinds, args, spread)
        return c

    def _specialise(self, kinds, args, spread=None):
        """Compile for a new signature.  The table keeps the last
        ``SHAPE_SPECIALISATIONS`` signatures (past that many shapes,
        ``compile_vjp`` hands back shape-generic code, shared by all)."""
        if ("subclass",) in kinds:
            _refuse_subclasses(self.fun, args, self.params)
        c = self._engine(kinds, spread)
        if len(self._by_kind) >= SHAPE_SPECIALISATIONS:
            try:
                del self._by_kind[next(iter(self._by_kind))]  # the oldest
            except (KeyError, StopIteration, RuntimeError):
                pass  # another thread made room first
        self._by_kind[kinds if spread is None else kinds + (spread,)] = c
        return c

    def _args(self, args, kwargs):
        if self.params and (kwargs or len(args) != len(self.params)):
            sig = inspect.signature(self.fun)
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            args = tuple(bound.arguments[p] for p in self.params)
        return args

    def _flat(self, args, kwargs):
        """A ``*args``/``**kwargs`` function's call as its flat argument list
        and structure (see compiler/frontend/varargs.py)."""
        try:
            args, spread = flatten(self.fun, args, kwargs)
        except TypeError as err:
            raise TypeError("%s: %s" % (_where(self.fun), err)) from None
        for i in self.positions:
            if i >= len(args):
                raise ValueError("wrt=%d is out of range: %s was called with %d arguments"
                                 % (i, _where(self.fun), len(args)))
        return args, spread

    def __call__(self, *args, **kwargs):
        # The cached call (issue 13). The key of the last signature seen (see
        # srcgrad/signature.py: exact types, plain ndarrays' shapes, the
        # differentiated ones' dtypes) finds what a first call with that
        # signature checked (no tape Tensor, floats where differentiated, no
        # ndarray subclass) and compiled; a hit skips those checks, which depend
        # on nothing but the signature (see ``_remember``). One generated key
        # function and a tuple compare; no lock, no per-argument loop. For a
        # plain grad/value_and_grad of one real float or ndarray, the fused
        # code's gradient is handed back here, checked to be a fresh array of
        # the argument's shape and dtype (else ``_give_kind`` makes it one);
        # first by the last signature's fast call (srcgrad/signature.py: the
        # same tests, the fused call and the result's check in one frame).
        if not kwargs:
            out = self._fast(args)
            if out is not _MISS:
                return out
            key_of, key, hit = self._last
            try:
                now = key_of(*args)
            except TypeError:   # another number of arguments
                now = None
            if now != key:
                hit = self._lookup(args)
            if hit is not None:
                plain = hit[3]
                if plain is not None and not _COMPLEX_STATE.on:
                    try:
                        out = hit[2](*args)
                    except runtime.SeedError as err:   # not a real scalar: the message names f
                        _seed(self.fun, err.out)
                        raise
                    except (runtime.Rebound, RecursionError):
                        return self._run((hit[0], False, None, None), args, None)
                    with_value, kind, shape, dtype, at = plain
                    if with_value:
                        ans, out = out
                    result = out[0]
                    if type(result) is not kind or kind is _ARRAY and not (
                            result.base is None and result.dtype is dtype and
                            result.shape == shape):
                        result = _give_kind(result, args[at])
                    return (ans, result) if with_value else result
                return self._run(hit, args, None)
        return self._first(args, kwargs)

    def _lookup(self, args):
        """The hit remembered for the signature of ``args`` (``None``: none),
        made the last one seen."""
        by_types = self._hits.get(tuple(map(type, args)))
        if by_types is None:
            return None
        key_of, layouts = by_types
        key = key_of(*args)
        hit = layouts.get(key)
        if hit is not None:
            self._last = (key_of, key, hit)
            self._fast = hit[4]
        return hit

    def _first(self, args, kwargs):
        """A call whose signature has no hit: the checks, the engine for its
        kinds (compiled on a first call), remembered for the next call."""
        spread = None
        called = args
        if self.varargs:
            args, spread = self._flat(args, kwargs)
        elif kwargs or len(args) != len(self.params):
            args = self._args(args, kwargs)
        if any(isinstance(a, Tensor) or isinstance(a, _TREES) and _holds_tensor(a)
               for a in args):
            return self._on_the_tape(args, spread)  # inside a tape trace: higher order
        for i in self.positions:
            a = args[i]
            if type(a) is not float and not (type(a) is np.ndarray and a.dtype.kind == "f"):
                _check_float(self.fun, i, self.params, a)
        engine = self._compiled_for(args, spread)
        fused = engine.fused(self.kind) if type(engine) is CompiledVJP else None
        if fused is not None and self.backend != "numpy":
            fused = _backend_fused(engine, self.kind, self.backend)
        complex_args = _any_complex(args, self.positions)
        hit = engine, complex_args, fused, self._plain(args, fused, complex_args)
        if args is called and spread is None and not kwargs:
            self._remember(args, hit)
        return self._run(hit, args, spread)

    def _plain(self, args, fused, complex_args):
        """``(with_value, type, shape, dtype, position)`` when ``__call__``
        may hand back the fused code's result itself: grad or value_and_grad
        without aux, of one real argument (at ``position``) that is a float or
        a plain ndarray (then of this ``shape`` and ``dtype``: the key of the
        signature holds both, so every call with this hit has them); else
        ``None``."""
        if fused is None or complex_args or self.has_aux or not self.single or \
                self.kind not in ("grad", "value_and_grad"):
            return None
        at = self.positions[0]
        a = args[at] if at < len(args) else None
        if type(a) is float:
            return self.kind == "value_and_grad", float, None, None, at
        if type(a) is _ARRAY:
            return self.kind == "value_and_grad", _ARRAY, a.shape, a.dtype, at
        return None

    def _run(self, hit, args, spread):
        """Run the engine of ``hit`` on ``args``: the fused function where
        there is one, else (or when it hands over) value and pullback."""
        engine, complex_args, fused = hit[0], hit[1], hit[2]
        if fused is not None:
            done = self._call_fused(fused, args, complex_args)
            if done is not None:
                return done
        try:
            try:
                ans, pullback = engine.fn(*args)
            except runtime.Rebound as err:
                engine, (ans, pullback) = _rerun(err, self._recompile(args, spread), args)
            out = ans[0] if self.has_aux else ans
            seed = 1.0 if type(out) in _FLOATS else _seed(self.fun, out)
            if complex_args or _COMPLEX_STATE.on:
                with runtime.complex_inputs(complex_args):
                    grads = pullback(seed)
            else:   # the state complex_inputs(False) would set, and restore
                grads = pullback(seed)
        except RecursionError as err:  # a recursion deeper than Python's stack
            ans, pullback = _too_deep(self.fun, engine, args, self.positions, self.has_aux,
                                      self.mode, err)
            out = ans[0] if self.has_aux else ans
            grads = pullback(1.0 if type(out) is float else _seed(self.fun, out))
        return self._result(grads, args, ans)

    def _result(self, grads, args, ans):
        """What the call returns: the gradients (each of its argument's kind),
        with the value or the aux as the user asked."""
        if self.single:   # _give_kind's common cases inlined: it is per call
            result, a = grads[0], args[self.positions[0]]
            ta = type(a)
            if ta is not type(result) or not (ta is float or ta is _ARRAY and (
                    result.base is None and result.dtype is a.dtype and
                    result.shape == a.shape)):
                result = _give_kind(result, a)
        else:
            result = tuple(map(_give_kind, grads, map(args.__getitem__, self.positions)))
        if self.kind == "value_and_grad":
            return ans, result
        if self.has_aux:
            return result, ans[1]
        return result

    def _call_fused(self, fused, args, complex_args):
        """Run a fused gradient function (compiler/lower/fused.py: forward and
        adjoint in one function, no pullback; ``f_grad(*args) -> grads``,
        ``f_value_and_grad(*args) -> (value, grads)``; with ``has_aux`` always
        the latter) and hand back what the user asked for.  ``None`` where the
        pullback form must take over: a rebound global (compile again) or a
        recursion too deep for compiled code."""
        try:
            if complex_args or _COMPLEX_STATE.on:
                with runtime.complex_inputs(complex_args):
                    out = fused(*args)
            else:   # the state complex_inputs(False) would set, and restore
                out = fused(*args)
        except runtime.SeedError as err:   # not a real scalar: the message names f
            _seed(self.fun, err.out)
            raise
        except (runtime.Rebound, RecursionError):
            return None
        if self.kind == "grad" and not self.has_aux:
            ans, grads = None, out
        else:
            ans, grads = out
        return self._result(grads, args, ans)

    def _remember(self, args, hit):
        """Keep ``hit`` (the engine, whether a differentiated argument is
        complex, the fused function, the plain-result position) for calls
        with the signature of ``args``, if the checks a call makes depend on
        nothing else: plain ndarrays (their shapes, and the dtypes of
        differentiated ones, are in the key: the checks read those dtypes'
        kind; the engine is the same for every dtype), numbers, ``None``,
        strings, and objects that are neither containers (lists, tuples,
        dicts: their leaves are walked per call), tape Tensors nor refused
        ndarray subclasses.  ``_hits`` maps the arguments' types to
        ``(key_of, layouts)``: ``key_of`` is the signature's key function
        (srcgrad/signature.py), ``layouts`` maps its keys to hits.  At most
        ``_HITS`` entries at each level; past that, a level starts again (a
        miss costs the checks and a lookup in ``_by_kind``, not a compile)."""
        types = tuple(map(type, args))
        for t in types:
            if issubclass(t, _NOT_BY_TYPE) or _refused_subclass(t) or runtime.is_duck_type(t):
                return
        table = self._hits
        by_types = table.get(types)
        if by_types is None:
            if len(table) >= _HITS:
                table = self._hits = {}   # a reader holding the old table is fine
            by_types = table[types] = (key_function(types, self.positions), {})
        key_of, layouts = by_types
        if len(layouts) >= _HITS:
            layouts.clear()
        key = key_of(*args)
        plain = hit[3]
        fast = _no_fast if plain is None else fast_call(
            types, self.positions, args, hit[2], plain[0], plain[4], _give_kind,
            _Handover(weakref.ref(self), hit[0]), _COMPLEX_STATE)
        hit = hit[:4] + (fast,)
        layouts[key] = hit
        self._last = (key_of, key, hit)
        self._fast = fast

    def _recompile(self, args, spread):
        """What ``_rerun`` calls to compile again for ``args``."""
        def recompile():
            self._hits = {}
            self._last = _NO_HIT
            self._fast = _no_fast
            self._by_kind.clear()
            self._compiled = None
            return self._compiled_for(args, spread)
        return recompile

    def _on_the_tape(self, args, spread=None):
        """The transform applied to Tensors (an outer ``grad`` running this one
        on the tape): the gradient as Tensors with their own graph
        (``create_graph``), so the outer transform can differentiate it."""
        from .tape.api import grad as tape_grad
        from .tape.creation import tensor as _tensor
        from .tape.engine import _map
        args = list(args)
        xs = []

        def leaf(a):    # one differentiated leaf (of a tree too: a list of Tensors)
            if not isinstance(a, Tensor):
                if isinstance(a, (bool, str)) or a is None or \
                        np.asarray(a).dtype.kind not in "iufc":
                    return a
                a = _tensor(a, dtype=np.float64, requires_grad=True)
            elif not a.requires_grad:
                a = a.detach().requires_grad_()
            xs.append(a)
            return a
        trees = []
        for i in self.positions:
            start = len(xs)
            args[i] = _map(leaf, args[i]) if isinstance(args[i], (list, tuple, dict)) \
                else leaf(args[i])
            trees.append((args[i], start, len(xs)))
        from .modes import enable_grad
        # the function gets copies of the leaves (as tape_vjp's does): an in-place
        # update of an argument (x *= 2.0) must not move the leaf differentiated
        call_args = [_map(lambda t: t.clone() if isinstance(t, Tensor) else t, a)
                     if i in self.positions else a for i, a in enumerate(args)]
        with enable_grad():
            out = _as_called(self.fun, spread)(*call_args)
        aux = None
        if self.has_aux:
            out, aux = out
        if isinstance(out, Tensor) and out.requires_grad:
            flat = tape_grad(out, xs, create_graph=True, allow_unused=True)
        else:                       # the value does not depend on the arguments
            _seed(self.fun, out if not isinstance(out, Tensor) else out._data)
            flat = [None] * len(xs)
        flat = [g if g is not None else x.detach() * 0.0 for g, x in zip(flat, xs)]
        grads = []
        for tree, start, stop in trees:
            if isinstance(tree, (list, tuple, dict)):
                got = iter(flat[start:stop])
                ids = {id(x) for x in xs[start:stop]}
                grads.append(_map(lambda t: next(got) if id(t) in ids else None, tree))
            else:
                grads.append(flat[start])
        grads = tuple(grads)
        result = grads[0] if self.single else grads
        if self.kind == "value_and_grad":
            return (out, aux) if self.has_aux else out, result
        return (result, aux) if self.has_aux else result

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self):
        return "<srcgrad.%s of %s>" % (self.kind, getattr(self.fun, "__qualname__", self.fun))


_TREES = (dict, list, tuple)

# The cached call path (GradFunction.__call__, issue 13).
_ARRAY = np.ndarray
#: arguments whose type does not decide a call's checks: their contents are walked
_NOT_BY_TYPE = _TREES + (Tensor,)
#: signatures a GradFunction keeps (``_hits``): more than SHAPE_SPECIALISATIONS,
#: since several dtypes or scalar types may share one compiled engine
_HITS = 4 * SHAPE_SPECIALISATIONS
#: runtime.complex_inputs's thread-local state, read on the hot path: when it is
#: already what complex_inputs(False) would set, the context manager is skipped
_COMPLEX_STATE = _COMPLEX_INPUTS


def _no_key(*args):
    return None


#: ``GradFunction._last`` before any signature is remembered
_NO_HIT = (_no_key, None, None)


def _no_fast(args):
    """``GradFunction._fast`` where the last signature has no fast call."""
    return _MISS


class _Handover:
    """What a fast call (srcgrad/signature.py) does when its fused code
    raises: a seed that is not a real scalar is refused naming the user's
    function; a rebound global or a recursion too deep for compiled code hands
    the call to the pullback form (``_run``), as ``__call__`` does.  It holds
    the GradFunction weakly: a fast call is kept on it."""

    errors = (runtime.SeedError, runtime.Rebound, RecursionError)

    def __init__(self, ref, engine):
        self.ref, self.engine = ref, engine

    def __call__(self, err, args):
        gf = self.ref()
        if isinstance(err, runtime.SeedError):
            _seed(gf.fun, err.out)
            raise err
        return gf._run((self.engine, False, None, None), args, None)
#: outputs seeded with 1.0 without a call to _seed (what it gives them)
_FLOATS = frozenset([float, np.float64])


def _holds_tensor(tree):
    """Whether a dict/list/tuple tree has a tape Tensor among its leaves."""
    values = tree.values() if isinstance(tree, dict) else tree
    return any(isinstance(v, Tensor) or isinstance(v, _TREES) and _holds_tensor(v)
               for v in values)


# The kind of an argument the compiler specialises on: "f" a scalar number,
# "a" an ndarray, None anything else (containers, objects).
class _Kinds(dict):
    """type -> kind; an ndarray subclass gets a kind of its own, which is
    never compiled: ``_specialise`` refuses it (see ``_refuse_subclasses``)."""

    def __missing__(self, tp):
        return ("subclass",) if _refused_subclass(tp) else None


def _duck_kind(a):
    """The kind a duck array (a Dask or CuPy array, docs/scaling.md; ``None``
    for anything else) is compiled for: ``("a", *shape)`` like an ndarray
    when its shape is known (Dask's chunked arrays: the same shape-specialised
    code, whose NumPy calls the array's ``__array_function__`` takes over),
    ``None`` (shape-generic code) when a length is unknown (nan, after
    boolean indexing)."""
    if not runtime.is_duck(a):
        return None
    shape = runtime.known_shape(a)
    return None if shape is None else ("a",) + shape


_KIND = _Kinds({float: "f", int: "f", np.float64: "f", np.float32: "f", np.int64: "f",
                np.int32: "f", complex: "f", np.complex128: "f"})


def _rerun(err, recompile, args):
    """After compiled code's guards found a name it calls rebound since it
    was compiled (``ACT = np.sin``; see ``pipeline._rebinding_guards``):
    drop every compiled version (callees may have been compiled against the
    old value too), compile again, run again; ``(engine, (ans, pullback))``."""
    from .compiler import pipeline
    pipeline._CACHE.clear()
    engine = recompile()
    try:
        return engine, engine.fn(*args)
    except runtime.Rebound:
        raise RuntimeError("%s while the function runs (it rebinds a name it calls "
                           "through): compiled code cannot follow that; use mode=\"tape\""
                           % err.args[0].split(" after ")[0]) from None


def _any_complex(args, positions):
    """Whether a differentiated argument holds complex numbers (in a tree too)."""
    return any(_complex(args[i]) for i in positions if i < len(args))


def _complex(x):
    if isinstance(x, (np.ndarray, np.generic, complex)):
        return np.iscomplexobj(x)
    if isinstance(x, (list, tuple)):
        return any(_complex(v) for v in x)
    if isinstance(x, dict):
        return any(_complex(v) for v in x.values())
    return False


def _give_kind(g, a):
    """``runtime.to_kind`` with the common cases first (a fresh float array for
    a float array, a float for a float)."""
    ta = type(a)
    if ta is np.ndarray and type(g) is np.ndarray and g.base is None and \
            g.shape == a.shape and g.dtype == a.dtype:
        return g
    if ta is float and type(g) is float:
        return g
    return runtime.to_kind(g, a)


def _kind(value):
    """``"f"`` for a number, ``("a", *shape)`` for an ndarray (the compiler
    specialises on shapes), ``None`` otherwise."""
    if type(value) is np.ndarray:
        return ("a",) + value.shape
    return _KIND.get(type(value))


#: the operator module's functions as primitives (``grad(operator.mul)``):
#: ``+`` and ``*`` as Python's (sequences concatenate and repeat), the rest as NumPy's
OPERATOR_RULES = dict(OPERATOR_MODULE)
OPERATOR_RULES[operator.add] = conversions.plus
OPERATOR_RULES[operator.mul] = conversions.times


def _compile(fun, positions, has_aux=False, kinds=(), mode="auto", spread=None):
    """The engine for ``fun``: its own rule (a primitive), the compiler, or
    the tape (``mode="tape"``, or ``"auto"`` when the compiler cannot).
    ``spread``: the call structure of a ``*args``/``**kwargs`` function, whose
    engine then takes the call's flat argument list (compiler/frontend/varargs.py)."""
    if _is_primitive(fun):
        return _PrimitiveVJP(fun, positions)
    if _hashable(fun) and fun in OPERATOR_RULES:
        return _PrimitiveVJP(OPERATOR_RULES[fun], positions, value_fn=fun)
    if isinstance(fun, GradFunction):
        return _second_order(fun, positions, has_aux, mode)
    own = _own_gradient(fun, positions, has_aux, mode)
    if own is not None:
        return own
    if mode == "tape":
        return _TapeVJP(fun, positions, has_aux, 'mode="tape"', spread)
    bound = _receiver(fun) if spread is None else None
    try:
        if bound is not None:   # model.loss, or a callable object: self is an argument
            func, receiver = bound
            return _BoundVJP(compile_vjp(func, tuple(p + 1 for p in positions),
                                         has_aux=has_aux, numeric=(None,) + tuple(kinds),
                                         mode=mode), receiver)
        return compile_vjp(_unwrap_mode(fun), positions, has_aux=has_aux, numeric=kinds,
                           mode=mode, spread=spread)
    except (SrcgradSyntaxError, NoSource, NoRuleError) as err:
        if mode == "compile":
            if isinstance(err, NoSource):
                raise NoRuleError(
                    "%s: the compiler cannot read the source of %s (%s); it has no derivative "
                    "rule either. Register one with srcgrad.defvjp, or use mode=\"auto\" or "
                    "mode=\"tape\" to run it on the tape." % (_where(fun), _name(fun), err)) \
                    from None
            raise
        reason = _reason(err)
        log.info("srcgrad: %s runs on the tape: %s", _name(fun), reason)
        return _TapeVJP(fun, positions, has_aux, reason, spread)


def _own_gradient(fun, positions, has_aux, mode):
    """The engine of a callable with its own gradient (custom_vjp, Function.apply),
    or ``None``.  On the tape it records its own node, so only the compiler's
    modes need this (there it has no source worth reading)."""
    from .compiler import pipeline
    if mode == "tape" or has_aux or pipeline.SPECIAL_VJP is None or \
            getattr(type(fun), "__srcgrad_transform__", False):
        return None
    vjp = pipeline.SPECIAL_VJP(fun, positions, mode)
    return None if vjp is None else _OwnGradientVJP(fun, vjp)


def _receiver(fun):
    """``(function, receiver)`` for a method bound to an object
    (``model.loss``) or a callable object whose class defines ``__call__`` in
    Python: the compiler differentiates the function with the receiver as its
    first argument (attribute reads are then read at run time). ``None``
    otherwise. An object wrapping a function (``functools.update_wrapper``)
    is differentiated through its own ``__call__``, never the wrapped one."""
    if inspect.ismethod(fun) and not isinstance(fun.__self__, type) and \
            inspect.isfunction(fun.__func__):
        return fun.__func__, fun.__self__
    call = getattr(type(fun), "__call__", None)
    if not inspect.isfunction(fun) and not inspect.isroutine(fun) and \
            not isinstance(fun, type) and inspect.isfunction(call) and \
            not getattr(type(fun), "__srcgrad_transform__", False):
        return call, fun
    return None


class _BoundVJP:
    """A compiled VJP of ``function(receiver, *args)`` called as ``fn(*args)``."""

    def __init__(self, compiled, receiver):
        self.compiled, self.receiver = compiled, receiver
        self.source = compiled.source
        self.tape_calls = getattr(compiled, "tape_calls", [])
        self.calls = getattr(compiled, "calls", [])

    def fn(self, *args):
        return self.compiled.fn(self.receiver, *args)

    def __getattr__(self, name):    # what explain/source read of a compiled VJP
        return getattr(self.compiled, name)


class _SecondOrderVJP:
    """The VJP of a gradient, as generated code (srcgrad/higher.py: reverse
    over forward). In mode="auto" a gradient the compiler cannot take twice
    runs on the tape instead, with the reason recorded."""

    def __init__(self, gradfn, positions, has_aux, mode, vjp):
        self.gradfn, self.positions, self.has_aux, self.mode = gradfn, positions, has_aux, mode
        self.vjp = vjp
        self.tape_calls = []
        self.source = ("# the gradient of %s's gradient: generated code, the gradient of its "
                       "JVP (srcgrad/higher.py)\n" % _name(gradfn.fun))

    def fn(self, *args):
        from .higher import SecondOrderError
        try:
            return self.vjp(*args)
        except (SrcgradSyntaxError, NoSource, NoRuleError, SecondOrderError,
                runtime.TangentError) as err:
            if self.mode == "compile":
                if isinstance(err, SecondOrderError):
                    raise _second_order_refusal(self.gradfn, str(err)) from None
                raise
            reason = "grad of a gradient: %s" % _reason(err)
            return _TapeVJP(self.gradfn, self.positions, self.has_aux, reason).fn(*args)


def _second_order_refusal(gradfn, why):
    code = getattr(gradfn.fun, "__code__", None)
    return SrcgradSyntaxError(
        "the compiler differentiates a gradient of %s (grad of grad) only for real arguments, "
        "without has_aux or *args, of a grad/value_and_grad not in mode=\"tape\" (here: %s)"
        % (_name(gradfn.fun), why), getattr(code, "co_filename", None),
        getattr(code, "co_firstlineno", None),
        hint='use mode="auto" or mode="tape": then it runs on the tape')


def _why_not_second_order(gradfn, has_aux):
    if getattr(type(gradfn.fun), "__srcgrad_transform__", False):
        return "a derivative of a gradient of a gradient, which the compiler generates only " \
            "when each gradient inside is a grad, without has_aux or *args, not in " \
            "mode=\"tape\""
    if has_aux != gradfn.has_aux:
        return "has_aux on one of the two transforms only"
    if has_aux and gradfn.kind != "grad":
        return "has_aux with %s" % gradfn.kind
    if gradfn.varargs:
        return "a function with *args or **kwargs"
    if gradfn.mode == "tape":
        return "the inner transform has mode=\"tape\""
    return "a %s transform" % gradfn.kind


def _second_order(gradfn, positions, has_aux, mode):
    """The engine for ``grad(grad(f))``-style transforms of a GradFunction."""
    if mode != "tape":
        from .higher import gradient_vjp
        vjp = gradient_vjp(gradfn, positions, mode, has_aux)
        if vjp is not None:
            return _SecondOrderVJP(gradfn, positions, has_aux, mode, vjp)
    if mode == "compile":
        raise _second_order_refusal(gradfn, _why_not_second_order(gradfn, has_aux))
    return _TapeVJP(gradfn, positions, has_aux, "grad of a gradient: higher order runs on "
                    "the tape")


def _too_deep(fun, engine, args, positions, has_aux, mode, err):
    """A ``RecursionError`` while ``engine`` ran: compiled code recursing
    deeper than Python's recursion limit.  ``mode="auto"`` reruns the call on
    the tape (whose pullback walks the graph without recursing) and hands back
    its ``(value, pullback)``; otherwise, or if the tape cannot either, the
    located error of :func:`~.compiler.recursion.too_deep_at_run_time`."""
    if isinstance(err, RecursionDepthError) or isinstance(engine, (_TapeVJP, _PrimitiveVJP)):
        raise err
    if mode != "auto":
        raise too_deep_at_run_time(fun, mode) from None
    log.info("srcgrad: %s recursed too deeply in compiled code; rerunning on the tape",
             _name(fun))
    try:
        return _TapeVJP(fun, positions, has_aux, "recursion too deep for compiled code") \
            .fn(*args)
    except RecursionError:
        raise too_deep_at_run_time(fun, mode) from None


class _TapeVJP:
    """The tape as the engine of a transform (``mode="tape"`` or fallback)."""

    def __init__(self, fun, positions, has_aux, reason, spread=None):
        self.fun = _as_called(fun, spread)
        self.positions = tuple(positions)
        self.has_aux = has_aux
        self.reason = reason
        self.tape_calls = []
        self.source = "# %s runs on the tape (%s): no generated code\n" % (_name(fun), reason)

    def fn(self, *args):
        _refuse_duck_on_tape(self.fun, args, self.positions, self.reason)
        if self.has_aux:
            value, pullback, aux = tape_vjp(self.fun, args, wrt=self.positions, has_aux=True)
            return (value, aux), pullback
        return tape_vjp(self.fun, args, wrt=self.positions)


def _as_called(fun, spread):
    """``fun`` taking the argument list the engines use (parameters in
    signature order, defaults explicit; see compiler/frontend/varargs.py) and calling
    it the way the user did: keyword-only parameters and ``**kwargs`` by name."""
    if spread is None:
        if not inspect.isfunction(fun) or not fun.__code__.co_kwonlyargcount:
            return fun
        spread = Spread(0)
    return flat_caller(fun, spread)


def _unwrap_mode(fun):
    """A function decorated with a grad mode is compiled from its own source;
    the decorator's effect (constants under no_grad) is applied by the caller."""
    return getattr(fun, "__wrapped__", fun) if hasattr(fun, "__srcgrad_mode__") else fun


def _name(fun):
    return getattr(fun, "__qualname__", None) or getattr(fun, "__name__", None) or \
        type(fun).__name__


def _reason(err):
    if isinstance(err, SrcgradSyntaxError):
        return "%s:%s: %s" % (err.filename, err.lineno, err.bare_msg)
    return str(err).split("\n")[0]


def _check_float(fun, i, params, value):
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Integral) or (
            (isinstance(value, np.ndarray) or runtime.is_duck(value)) and
            value.dtype.kind in "iub"):
        name = params[i] if i < len(params) else str(i)
        raise TypeError(
            "cannot differentiate %s with respect to argument %d (%s): it is an integer "
            "(%r); gradients need floating-point inputs. Pass a float (e.g. 3.0 or "
            "np.asarray(x, dtype=float))." % (_where(fun), i, name, value if np.ndim(value) == 0
                                               else "array of dtype %s" % value.dtype))


def _seed(fun, out):
    if isinstance(out, float):
        return 1.0
    if runtime.is_duck(out):    # a 0-d Dask array: checked from its shape and dtype
        size = math.prod(out.shape)
        if size == 1 and out.dtype.kind != "c":
            return runtime.seeds.duck_seed(out)
    else:
        size = np.size(out) if isinstance(out, (np.ndarray, np.generic, numbers.Number)) \
            else None
    if size != 1:
        shape = np.shape(out) if size is not None else type(out).__name__
        raise TypeError(
            "grad requires a function with a scalar output, but %s returned %s. Use "
            "srcgrad.vjp(f, *args) for non-scalar outputs, or reduce the output to a scalar "
            "(e.g. with .sum())." % (_where(fun), "an array of shape %s" % (shape,)
                                     if size is not None else "a %s" % shape))
    if isinstance(out, complex) or np.iscomplexobj(out):
        raise TypeError(
            "grad requires a real-valued function, but %s returned a complex value (%r): the "
            "gradient of a complex output depends on which real function of it is minimised. "
            "Take a real part of it (np.real(...), np.abs(...) ** 2), or use "
            "srcgrad.vjp(f, *args) and pass the output's cotangent (see docs/semantics.md, "
            "\"Complex numbers\")." % (_where(fun), out))
    return np.ones_like(out, dtype=runtime.float_dtype(np.asarray(out).dtype))


def _refuse_duck_on_tape(fun, args, positions, reason):
    """The tape runs on NumPy arrays only: a Dask (or other duck) array among
    the arguments is refused, never converted (``np.asarray`` would compute
    the whole graph into memory behind the user's back)."""
    for i, a in enumerate(args):
        if runtime.is_duck(a):
            raise TypeError(
                "%s: argument %d is a %s.%s, and the tape runs on NumPy arrays only (it would "
                "compute the whole array into memory); it runs here because %s. Rewrite the "
                "function in the subset the compiler accepts (docs/supported.md) so its "
                "generated code runs on the %s array lazily, or pass a NumPy array "
                "(x.compute()). See docs/scaling.md." % (
                    _where(fun), i, type(a).__module__.split(".")[0], type(a).__name__,
                    reason, type(a).__module__.split(".")[0]))


def grad(fun=None, *, wrt=0, has_aux=False, mode="auto", backend="numpy"):
    """The gradient of a scalar-valued ``fun`` with respect to argument(s) ``wrt``.

    Use as ``grad(f)``, ``@grad`` or ``@grad(wrt=(0, 1))``; ``wrt`` is an int,
    a parameter name, or a tuple of them (then a tuple of gradients is
    returned).  With ``has_aux=True`` ``fun`` returns ``(output, aux)`` and the
    result is ``(gradient, aux)``.  ``mode`` picks the engine: ``"auto"``
    (compiled code, the tape for what the compiler cannot take), ``"compile"``
    (refuse with a located ``SrcgradSyntaxError`` instead) or ``"tape"``.
    ``backend="numba"`` runs the compiled gradient jit-compiled by Numba where
    it can (docs/backends.md).  The code is generated at the first call for
    each kind of arguments (float, array shape, container) and cached.

    >>> import numpy as np
    >>> def f(x):
    ...     return np.sum(np.sin(x) ** 2)
    >>> g = grad(f)(np.array([0.5, 1.0]))
    >>> np.allclose(g, np.sin(2 * np.array([0.5, 1.0])))
    True
    """
    if fun is None:
        return lambda f: GradFunction(f, wrt, has_aux, mode, "grad", backend)
    return GradFunction(fun, wrt, has_aux, mode, "grad", backend)


def value_and_grad(fun=None, *, wrt=0, has_aux=False, mode="auto", backend="numpy"):
    """Like :func:`grad`, returning ``(value, gradient)`` from one run of the
    function (the value is what ``fun`` returns; with ``has_aux=True``,
    ``((value, aux), gradient)``).

    >>> def f(x, y):
    ...     return x * x * y
    >>> value_and_grad(f, wrt=(0, 1))(3.0, 2.0)
    (18.0, (12.0, 9.0))
    """
    if fun is None:
        return lambda f: GradFunction(f, wrt, has_aux, mode, "value_and_grad", backend)
    return GradFunction(fun, wrt, has_aux, mode, "value_and_grad", backend)


#: the backends a compiled gradient runs on (docs/backends.md)
BACKENDS = ("numpy", "numba")


def _check_backend(backend):
    if backend not in BACKENDS:
        raise ValueError("backend=%r: use one of %s" % (
            backend, ", ".join('"%s"' % b for b in BACKENDS)))
    return backend


def _backend_fused(compiled, kind, backend):
    """The fused gradient function of ``compiled`` run by ``backend`` (its
    NumPy form where that backend cannot run it)."""
    from .compiler.backends.numba_backend import numba_fused
    return numba_fused(compiled, kind)


def vjp(fun, *primals, wrt=None, mode="auto"):
    """``(value, pullback)``: ``pullback(g)`` maps a cotangent shaped like the
    output (a tuple of them for tuple outputs) to a tuple of cotangents, one
    per differentiated argument (all of them unless ``wrt`` says otherwise).

    >>> import numpy as np
    >>> value, pullback = vjp(np.multiply, 2.0, 3.0)
    >>> float(value), pullback(1.0)
    (6.0, (3.0, 2.0))
    """
    _check_mode(mode)
    fun = rules.stand_in(fun)
    if wrt is None:
        wrt = tuple(range(len(primals)))
    positions, single, params = _positions(fun, wrt if isinstance(wrt, (tuple, list))
                                           else (wrt,))
    names = params or list(map(str, range(len(primals))))
    _refuse_subclasses(fun, primals, names)
    for i in positions:
        _check_float(fun, i, names, primals[i])
    spread = None
    if not _opaque(fun) and has_varargs(fun):
        primals, spread = flatten(fun, primals, {})  # the flat list its engine takes
    compiled = _compile(fun, positions, kinds=tuple(map(_kind, primals)), mode=mode,
                        spread=spread)
    args = primals
    if spread is None and isinstance(compiled, CompiledVJP) and \
            len(args) < len(compiled.params):
        # the generated VJP takes every parameter: give the rest their defaults
        bound = inspect.signature(fun).bind(*args)
        bound.apply_defaults()
        args = tuple(bound.arguments[p] for p in compiled.params)
    try:
        try:
            ans, pullback = compiled.fn(*args)
        except runtime.Rebound as err:
            compiled, (ans, pullback) = _rerun(err, lambda: _compile(
                fun, positions, kinds=tuple(map(_kind, primals)), mode=mode, spread=spread), args)
    except RecursionError as err:  # a recursion deeper than Python's stack
        ans, pullback = _too_deep(fun, compiled, args, positions, False, mode, err)

    def pull(g):
        _check_cotangent(fun, ans, g, "the output")
        try:
            with runtime.complex_inputs(_any_complex(primals, positions)):
                cts = pullback(g)
        except RecursionError as err:
            cts = _too_deep(fun, compiled, primals, positions, False, mode, err)[1](g)
        return tuple(runtime.to_kind(c, primals[i]) for c, i in zip(cts, positions))
    return ans, pull


def source(fun, wrt=None, transform="vjp"):
    """The generated source of a transformed function (``grad(f)``,
    ``value_and_grad(f)``: the fused function it runs, ``f_grad`` /
    ``f_value_and_grad``) or of ``fun``'s VJP for ``wrt`` (default 0); with
    ``transform="jvp"``, of ``fun``'s JVP (forward mode) for ``wrt``."""
    if transform not in ("vjp", "jvp"):
        raise ValueError("transform=%r: use \"vjp\" or \"jvp\"" % (transform,))
    if transform == "jvp":
        from .compiler.pipeline import jvp_source
        positions, _, _ = _positions(fun, 0 if wrt is None else wrt)
        return jvp_source(_unwrap_mode(fun), positions)
    if isinstance(fun, GradFunction):
        # the code that ran last (specialised to those arguments), else the generic code;
        # grad/value_and_grad run the fused form (compiler/lower/fused.py): show that
        c = list(fun._by_kind.values())[-1] if fun._by_kind else fun.compiled
        if type(c) is CompiledVJP and c.fused(fun.kind) is not None:
            return c.fused_source(fun.kind)
        return c.source
    positions, _, _ = _positions(fun, 0 if wrt is None else wrt)
    return _compile(fun, positions).source


class Explanation:
    """What :func:`explain` found: ``engine`` is ``"compiler"``, ``"tape"`` or
    ``"rule"``; ``reason`` says why the tape (the construct and its line);
    ``calls`` is the call tree (:class:`~srcgrad.compiler.calltree.CallNode`:
    each call's ``name``, ``engine``, ``reason``, ``where`` and own ``calls``);
    ``tape_calls`` lists ``(name, reason)`` of every call in that tree, at any
    depth, that runs on the tape; ``backend`` is what runs the compiled
    gradient (``"numpy"`` or ``"numba"``, see ``explain(..., backend=)``)
    and ``backend_reason`` why not the backend asked for."""

    def __init__(self, engine, reason=None, tape_calls=(), source=None, note=None, calls=(),
                 backend="numpy", backend_reason=None):
        self.engine = engine
        self.backend = backend  # what runs the compiled gradient: "numpy" or "numba"
        self.backend_reason = backend_reason    # why not the backend asked for
        self.reason = reason
        self.calls = list(calls)
        self.tape_calls = tape_calls_of(self.calls) if self.calls else list(tape_calls)
        self.source = source
        self.note = note    # e.g. "shape-generic code: ..."

    def __str__(self):
        if self.engine == "rule":
            return "a primitive: differentiated by its rule in srcgrad/rules"
        if self.engine == "tape":
            return "runs on the tape: %s" % self.reason
        text = "compiled" if self.note is None else "compiled (%s)" % self.note
        if self.backend != "numpy" or self.backend_reason:
            text += "\nbackend: %s" % self.backend + (
                "" if self.backend_reason is None else " (%s)" % self.backend_reason)
        for node in self.calls:
            text += "\n" + "\n".join(node.lines())
        return text

    __repr__ = __str__


def explain(fun, *args, wrt=0, mode="auto", transform="grad", tangents=None,
            backend="numpy"):
    """Which engine ``grad(fun, wrt=wrt, mode=mode)(*args)`` uses, and why;
    with ``transform="jvp"``, which engine ``srcgrad.jvp(fun, args,
    tangents, mode=mode)`` uses (``tangents`` default: every float argument
    moves).  With ``backend="numba"``, ``backend`` / ``backend_reason``
    say whether Numba compiles the gradient for ``args`` (it is compiled to
    find out), and why not.

    >>> def f(x):
    ...     global G
    ...     return x * 2.0
    >>> print(explain(f, 1.0))  # doctest: +ELLIPSIS
    runs on the tape: ...'global' statements are not supported...
    """
    _check_mode(mode)
    _check_backend(backend)
    if transform == "jvp":
        from .forward import explain_jvp
        engine, reason, text = explain_jvp(fun, args, tangents, mode)
        return Explanation("compiler", source=text) if engine == "compiler" else \
            Explanation("tape", reason, source=text)
    if transform != "grad":
        raise ValueError("transform must be \"grad\" or \"jvp\", got %r" % (transform,))
    positions, _, params = _positions(fun, wrt)
    _refuse_subclasses(fun, args, params or list(map(str, range(len(args)))))
    spread = None
    if not _opaque(fun) and has_varargs(fun):
        args, spread = flatten(fun, args, {})
    engine = _compile(fun, positions, kinds=tuple(map(_kind, args)), mode=mode,
                      spread=spread)
    if isinstance(engine, _PrimitiveVJP):
        return Explanation("rule")
    if isinstance(engine, _TapeVJP):
        return Explanation("tape", engine.reason)
    ran_on, why = "numpy", None
    if backend != "numpy":
        from .compiler.backends.numba_backend import explain_backend
        ran_on, why = explain_backend(engine, "grad", args) if type(engine) is CompiledVJP \
            else ("numpy", "no fused gradient function")
        if why is not None:
            why = "not Numba: %s" % why
    return Explanation("compiler", tape_calls=getattr(engine, "tape_calls", ()),
                       source=engine.source, note=getattr(engine, "note", None),
                       calls=call_tree(getattr(engine, "calls", ())), backend=ran_on,
                       backend_reason=why)


rules.FUNCTION_VJP = vjp   # for rules that differentiate a function they are given (odeint)
