"""Run a NumPy user function under JAX: a copy of the function whose globals
(and closures, and the user functions it calls, recursively) see ``jax.numpy``
where they saw ``numpy``, ``jax.scipy`` where they saw SciPy, and a ``math``
whose functions dispatch to ``jax.numpy`` on JAX values.  The copy is an
independent second oracle for the corpus (tests/forward/test_jax_corpus.py).

Nothing here makes a function JAX can run out of one it cannot: in-place
updates of arrays, ``float()`` of a traced value, NumPy-only functions,
objects whose methods were written against NumPy all raise inside JAX, and the
caller counts the case as not runnable under JAX.  A copy that runs but computes
a different *value* than NumPy (aliasing semantics, a missing name answered
differently) is caught by comparing the primal values before any derivative.

>>> import numpy as np
>>> def f(x):
...     return np.sum(np.sin(x))
>>> g = rebind(f)
>>> import jax.numpy as jnp
>>> float(g(jnp.zeros(3)))
0.0
"""

import functools
import math
import os
import types

import numpy as np

import jax
import jax.numpy as jnp
import jax.scipy

CORPUS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "compiler", "corpus")


class NotUnderJax(AttributeError):
    """A name the JAX copy of a function cannot provide."""


class _Shim:
    """A module seen through JAX: each name from the first source that has it."""

    def __init__(self, label, *sources, fallback=None, fallback_names=()):
        self._label = label
        self._sources = sources
        self._fallback = fallback
        self._fallback_names = set(fallback_names)

    def __getattr__(self, name):
        for s in self._sources:
            if hasattr(s, name):
                return getattr(s, name)
        if name in self._fallback_names:
            return getattr(self._fallback, name)
        raise NotUnderJax("%s.%s has no JAX counterpart" % (self._label, name))

    def __repr__(self):
        return "<%s under JAX>" % self._label


LINALG = _Shim("numpy.linalg", jnp.linalg)
FFT = _Shim("numpy.fft", jnp.fft)


class _NumpyShim(_Shim):
    def __getattr__(self, name):
        if name == "linalg":
            return LINALG
        if name == "fft":
            return FFT
        return _Shim.__getattr__(self, name)


#: names NumPy code uses that are not computations on arrays
NP_PASSTHROUGH = ("errstate", "seterr", "geterr", "printoptions", "set_printoptions")
NUMPY = _NumpyShim("numpy", jnp, fallback=np, fallback_names=NP_PASSTHROUGH)

#: math's name -> jax.numpy's (or jax.scipy.special's) where they differ
_MATH_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
               "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "pow": "power",
               "fabs": "abs"}
_MATH_SPECIAL = {"erf": "erf", "erfc": "erfc", "lgamma": "gammaln", "gamma": "gamma"}


def _jax_value(x):
    return isinstance(x, jax.Array)


def _math_function(name):
    m = getattr(math, name)
    if name in _MATH_SPECIAL:
        j = getattr(jax.scipy.special, _MATH_SPECIAL[name])
    else:
        j = getattr(jnp, _MATH_NAMES.get(name, name), None)
    if j is None or not callable(m) or name in ("log",):
        if name == "log":
            def log(x, base=None):
                if not _jax_value(x) and not _jax_value(base):
                    return math.log(x) if base is None else math.log(x, base)
                return jnp.log(x) if base is None else jnp.log(x) / jnp.log(base)
            return log
        return m

    @functools.wraps(m)
    def call(*a, **k):
        if any(_jax_value(x) for x in a):
            return j(*a, **k)
        return m(*a, **k)
    return call


class _MathShim:
    def __getattr__(self, name):
        return _math_function(name)

    def __repr__(self):
        return "<math under JAX>"


MATH = _MathShim()


def _scipy_shims():
    out = {}
    try:
        import scipy.special
        import scipy.linalg
        import scipy.stats
        import scipy.signal
    except ImportError:     # pragma: no cover - SciPy is optional
        return out
    import jax.scipy.linalg
    import jax.scipy.special
    import jax.scipy.stats
    import jax.scipy.signal
    out[id(scipy.special)] = _Shim("scipy.special", jax.scipy.special)
    out[id(scipy.linalg)] = _Shim("scipy.linalg", jax.scipy.linalg)
    out[id(scipy.stats)] = _Shim("scipy.stats", jax.scipy.stats)
    out[id(scipy.signal)] = _Shim("scipy.signal", jax.scipy.signal)
    return out


MODULES = {id(np): NUMPY, id(np.linalg): LINALG, id(np.fft): FFT, id(math): MATH}
MODULES.update(_scipy_shims())


def is_user_function(f):
    code = getattr(f, "__code__", None)
    return code is not None and os.path.abspath(code.co_filename).startswith(CORPUS_DIR)


def _names(code, out):
    out.update(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _names(c, out)
    return out


def rebind(obj, _memo=None):
    """The JAX copy of ``obj`` (a function, a partial, a bound method, a corpus
    module, a container of those); anything else is returned as it is."""
    memo = {} if _memo is None else _memo
    key = id(obj)
    if key in memo:
        return memo[key]
    if key in MODULES:
        return MODULES[key]
    if isinstance(obj, types.FunctionType) and is_user_function(obj):
        g = {"__builtins__": obj.__globals__.get("__builtins__", __builtins__)}
        cells = None
        if obj.__closure__ is not None:
            cells = tuple(types.CellType() for _ in obj.__closure__)
        new = types.FunctionType(obj.__code__, g, obj.__name__, None, cells)
        memo[key] = new
        for name in _names(obj.__code__, set()):
            if name in obj.__globals__:
                g[name] = rebind(obj.__globals__[name], memo)
        for name in ("__name__", "__package__"):
            if name in obj.__globals__:
                g[name] = obj.__globals__[name]
        if cells is not None:
            for cell, old in zip(cells, obj.__closure__):
                try:
                    cell.cell_contents = rebind(old.cell_contents, memo)
                except ValueError:      # an empty cell (a name not bound yet)
                    pass
        if obj.__defaults__:
            new.__defaults__ = tuple(rebind(d, memo) for d in obj.__defaults__)
        if obj.__kwdefaults__:
            new.__kwdefaults__ = {k: rebind(v, memo) for k, v in obj.__kwdefaults__.items()}
        new.__dict__.update(obj.__dict__)
        new.__qualname__ = obj.__qualname__
        return new
    if isinstance(obj, functools.partial):
        new = functools.partial(rebind(obj.func, memo),
                                *[rebind(a, memo) for a in obj.args],
                                **{k: rebind(v, memo) for k, v in obj.keywords.items()})
        memo[key] = new
        return new
    if isinstance(obj, types.MethodType) and is_user_function(obj.__func__):
        return types.MethodType(rebind(obj.__func__, memo), obj.__self__)
    if isinstance(obj, types.ModuleType) and getattr(obj, "__file__", None) and \
            os.path.abspath(obj.__file__).startswith(CORPUS_DIR):
        proxy = types.SimpleNamespace()
        memo[key] = proxy
        for name, value in vars(obj).items():
            if not name.startswith("__"):
                setattr(proxy, name, rebind(value, memo))
        return proxy
    if type(obj) in (list, tuple, dict):
        old = list(obj.items()) if isinstance(obj, dict) else list(enumerate(obj))
        new = [(k, rebind(v, memo)) for k, v in old]
        if all(nv is ov for (_, nv), (_, ov) in zip(new, old)):
            return obj
        return dict(new) if isinstance(obj, dict) else type(obj)(v for _, v in new)
    return obj
