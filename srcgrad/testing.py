"""Finite-difference oracles for testing gradients (ours and users').

>>> import numpy as np
>>> round(numeric_grad(lambda x: x ** 3, (2.0,), 0), 6)
12.0
"""

import numpy as np

__all__ = ["numeric_grad", "assert_allclose"]


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
