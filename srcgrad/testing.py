"""Finite-difference oracles for testing gradients (ours and users').

>>> import numpy as np
>>> round(numeric_grad(lambda x: x ** 3, (2.0,), 0), 6)
12.0
"""

import numpy as np

__all__ = ["numeric_grad", "numeric_jvp", "random_tangent", "assert_allclose"]


def numeric_grad(f, args, i, eps=1e-6):
    """Central-difference gradient of scalar ``f(*args)`` with respect to
    ``args[i]`` (a float or a float array), one coordinate at a time.  For a
    complex ``args[i]`` the real and imaginary parts are perturbed separately:
    ``dL/dx + i dL/dy``, srcgrad's convention (docs/semantics.md).  Each
    evaluation gets fresh copies of the arguments, so a function that changes
    an argument in place is measured as written.

    >>> complex(np.round(numeric_grad(lambda z: abs(z) ** 2, (3.0 + 4.0j,), 0), 6))
    (6+8j)
    """
    args = list(args)
    x = args[i]

    def at(v):
        a = [_fresh(arg) for arg in args]
        a[i] = v
        return float(f(*a))
    if not isinstance(x, np.ndarray):
        d = (at(x + eps) - at(x - eps)) / (2 * eps)
        if isinstance(x, (complex, np.complexfloating)):
            return complex(d, (at(x + 1j * eps) - at(x - 1j * eps)) / (2 * eps))
        return d
    steps = (1.0, 1j) if np.iscomplexobj(x) else (1.0,)
    x = np.asarray(x, dtype=complex if np.iscomplexobj(x) else float)
    g = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        for step in steps:
            for sign in (1, -1):
                xp = x.copy()
                xp[idx] += sign * eps * step
                g[idx] += step * sign * at(xp) / (2 * eps)
    return g


def numeric_jvp(f, args, positions, tangents, eps=1e-6):
    """Central-difference directional derivative of ``f(*args)`` along
    ``tangents`` (one per position in ``positions``; trees of floats and arrays
    like the arguments): ``(f(x + eps t) - f(x - eps t)) / (2 eps)``, leaf by
    leaf of ``f``'s value (a number, an array, or a tuple/list/dict of them).
    For complex arguments the step is along the complex tangent, which gives
    ``f'(z) t`` for holomorphic ``f`` and the real directional derivative
    otherwise, as forward mode does.

    >>> round(float(numeric_jvp(lambda x, y: x * y, (2.0, 3.0), (0,), (1.0,))), 6)
    3.0
    """
    def at(sign):
        a = [_fresh(arg) for arg in args]
        for i, t in zip(positions, tangents):
            a[i] = _step(a[i], t, sign * eps)
        return f(*a)
    return _combine(at(1), at(-1), 2 * eps)


def random_tangent(x, rng):
    """A random tangent with the structure of ``x``: normal floats (complex
    for complex leaves) in place of float leaves, ``0.0`` for integer leaves,
    the leaf itself for anything else (strings, ``None``)."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "c":
            return rng.standard_normal(x.shape) + 1j * rng.standard_normal(x.shape)
        return rng.standard_normal(x.shape) if x.dtype.kind == "f" else \
            np.zeros(x.shape)
    if isinstance(x, bool):
        return x
    if isinstance(x, complex):
        return complex(rng.standard_normal(), rng.standard_normal())
    if isinstance(x, float):
        return float(rng.standard_normal())
    if isinstance(x, int):
        return 0.0
    if isinstance(x, dict):
        return {k: random_tangent(v, rng) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[random_tangent(v, rng) for v in x])
    if type(x) in (list, tuple):
        return type(x)(random_tangent(v, rng) for v in x)
    from .runtime import map_fields, object_fields
    fields = object_fields(x)
    if fields is not None:
        return map_fields(x, fields, lambda k, v: random_tangent(v, rng))
    return x


def _step(x, t, h):
    """``x + h * t`` on the float leaves of a tree."""
    if isinstance(x, np.ndarray):
        return x + h * np.asarray(t) if x.dtype.kind in "fc" else x
    if isinstance(x, bool):
        return x
    if isinstance(x, (float, complex)):
        return x + h * t
    if isinstance(x, dict):
        return {k: _step(v, t[k], h) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[_step(v, w, h) for v, w in zip(x, t)])
    if type(x) in (list, tuple):
        return type(x)(_step(v, w, h) for v, w in zip(x, t))
    from .runtime import map_fields, object_fields
    fields = object_fields(x)
    if fields is not None:
        tf = object_fields(t)
        return map_fields(x, fields, lambda k, v: _step(v, tf[k], h))
    return x


def _combine(hi, lo, width):
    """``(hi - lo) / width`` leaf by leaf."""
    if isinstance(hi, dict):
        return {k: _combine(hi[k], lo[k], width) for k in hi}
    if isinstance(hi, tuple) and hasattr(hi, "_fields"):
        return type(hi)(*[_combine(a, b, width) for a, b in zip(hi, lo)])
    if type(hi) in (list, tuple):
        return type(hi)(_combine(a, b, width) for a, b in zip(hi, lo))
    d = (np.asarray(hi) - np.asarray(lo)) / width
    return d if isinstance(hi, np.ndarray) else d[()]


def _fresh(value):
    """``value`` with its arrays copied (in lists, tuples and dicts too)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_fresh(v) for v in value)
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    return value


def assert_allclose(got, want, rtol=1e-5, atol=1e-6):
    """``np.testing.assert_allclose`` on float views of both sides (complex
    ones when either side is complex: never only the real parts)."""
    kind = complex if np.iscomplexobj(got) or np.iscomplexobj(want) else float
    np.testing.assert_allclose(np.asarray(got, dtype=kind), np.asarray(want, dtype=kind),
                               rtol=rtol, atol=atol)
