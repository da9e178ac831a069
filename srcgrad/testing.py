"""Finite-difference oracles for testing gradients (ours and users').

>>> import numpy as np
>>> round(numeric_grad(lambda x: x ** 3, (2.0,), 0), 6)
12.0
"""

import numpy as np

__all__ = ["numeric_grad", "assert_allclose"]


def numeric_grad(f, args, i, eps=1e-6):
    """Central-difference gradient of scalar ``f(*args)`` with respect to
    ``args[i]`` (a float or a float array), one coordinate at a time.  Each
    evaluation gets fresh copies of the arguments, so a function that changes
    an argument in place is measured as written."""
    args = list(args)
    x = args[i]

    def at(v):
        a = [_fresh(x) for x in args]
        a[i] = v
        return float(f(*a))
    if not isinstance(x, np.ndarray):
        return (at(x + eps) - at(x - eps)) / (2 * eps)
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        for sign in (1, -1):
            xp = x.copy()
            xp[idx] += sign * eps
            g[idx] += sign * at(xp) / (2 * eps)
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
    """``np.testing.assert_allclose`` on float views of both sides."""
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                               rtol=rtol, atol=atol)
