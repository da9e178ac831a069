"""Finite-difference oracles for testing gradients (ours and users').

>>> import numpy as np
>>> round(numeric_grad(lambda x: x ** 3, (2.0,), 0), 6)
12.0
"""

import numpy as np

__all__ = ["numeric_grad", "numeric_jvp", "random_tangent", "assert_allclose",
           "check_grads"]


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


# ------------------------------------------------------------- check_grads

_MODES = ("rev", "fwd")
_ENGINES = ("compile", "tape")


def check_grads(f, args, modes=("rev", "fwd"), order=1, engines=("compile", "tape"), *,
                wrt=None, eps=1e-6, rtol=1e-5, atol=1e-6, seed=0):
    """Check ``f``'s derivatives at ``args`` against central finite differences,
    like HIPS autograd's ``check_grads``; raise ``AssertionError`` naming the
    argument(s), the order, the mode and the engine, with the error, when one
    disagrees.

    For each engine (``"compile"``: generated code, refused loudly where the
    compiler cannot go; ``"tape"``) and each mode, in random directions ``u``
    (one per argument in ``wrt``: default every argument with a
    floating-point leaf) and a random output cotangent ``v``:

    * ``"rev"``: ``<vjp(v), u>`` from :func:`srcgrad.vjp` against
      ``<v, (f(x + eps u) - f(x - eps u)) / 2 eps>``;
    * ``"fwd"``: the tangent from :func:`srcgrad.jvp` along ``u`` against the
      same central difference, leaf by leaf.

    ``order=2`` also checks the derivatives of the gradient ``G =
    srcgrad.grad(f, wrt=...)`` the same way (``"rev"``: reverse over reverse,
    ``"fwd"``: forward over reverse), against finite differences of ``G``; the
    second order needs a scalar ``f``, as ``grad`` does.  Inner products are
    real (``Re <a, b>``), so complex arguments follow srcgrad's convention
    (docs/semantics.md).  ``seed`` fixes the directions, so a check is
    repeatable.

    >>> import numpy as np
    >>> def f(x, y):
    ...     return np.sum(np.sin(x) * y ** 2)
    >>> check_grads(f, (np.array([0.3, 1.2]), 0.7), order=2)
    >>> import srcgrad
    >>> @srcgrad.custom_vjp
    ... def cos(x):
    ...     return np.cos(x)
    >>> cos.defvjp(lambda x: (np.cos(x), x), lambda x, g: (g * np.sin(x),))  # wrong sign
    >>> def wrong(x):
    ...     return cos(x) * 2.0
    >>> check_grads(wrong, (0.5,), modes=("rev",))
    Traceback (most recent call last):
    ...
    AssertionError: check_grads(wrong): the reverse-mode (vjp) derivative of order 1 with respect to argument 0 (x) in engine 'compile' disagrees with finite differences: ...
    """
    for name, given, allowed in (("modes", modes, _MODES), ("engines", engines, _ENGINES)):
        if isinstance(given, str) or not set(given) <= set(allowed) or not given:
            raise ValueError("check_grads: %s=%r; give a tuple of %s" % (
                name, given, " and ".join(repr(a) for a in allowed)))
    if order not in (1, 2):
        raise ValueError("check_grads: order=%r; srcgrad checks order 1 or 2" % (order,))
    args = tuple(args)
    positions = _float_positions(args) if wrt is None else \
        ((wrt,) if isinstance(wrt, int) else tuple(wrt))
    if not positions:
        raise ValueError("check_grads: no argument of %s has a floating-point value to "
                         "differentiate" % _fname(f))
    rng = np.random.default_rng(seed)
    import srcgrad
    for engine in engines:
        for mode in modes:
            _check_one(f, args, positions, mode, engine, 1, rng, eps, rtol, atol)
        if order == 2:
            g = srcgrad.grad(f, wrt=positions, mode=engine)
            g.__name__ = "grad(%s)" % _fname(f)
            for mode in modes:
                _check_one(g, args, positions, mode, engine, 2, rng, eps, rtol, atol)


def _check_one(f, args, positions, mode, engine, order, rng, eps, rtol, atol):
    """One comparison; raises AssertionError with the whole story."""
    import srcgrad
    u = [random_tangent(args[i], rng) for i in positions]
    what = "%s derivative of order %d with respect to %s in engine %r" % (
        "reverse-mode (vjp)" if mode == "rev" else "forward-mode (jvp)", order,
        _arg_names(f, positions), engine)
    target = getattr(f, "fun", f) if order == 2 else f
    try:
        numeric = numeric_jvp(f, args, positions, u, eps=eps)
        if mode == "rev":
            value, pullback = srcgrad.vjp(f, *args, wrt=tuple(positions), mode=engine)
            v = random_tangent(value, rng)
            got = _inner(pullback(v), u)
            want = _inner(v, numeric)
            got, want = np.asarray(got), np.asarray(want)
        else:
            tangents = [None] * len(args)
            for i, t in zip(positions, u):
                tangents[i] = t
            _, tangent = srcgrad.jvp(f, args, tuple(tangents), mode=engine)
            got, want = _flat(tangent), _flat(numeric)
    except Exception as err:
        raise AssertionError("check_grads(%s): computing the %s raised %s: %s" % (
            _fname(target), what, type(err).__name__, err)) from err
    if got.shape != want.shape:
        raise AssertionError("check_grads(%s): the %s has %d numbers where finite "
                             "differences give %d" % (_fname(target), what, got.size, want.size))
    error = float(np.max(np.abs(got - want))) if got.size else 0.0
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    if not error <= atol + rtol * scale:
        raise AssertionError(
            "check_grads(%s): the %s disagrees with finite differences: max error %.3g "
            "(tolerance %.3g)\n  srcgrad:            %s\n  finite differences: %s" % (
                _fname(target), what, error, atol + rtol * scale,
                np.array2string(got, precision=8), np.array2string(want, precision=8)))


def _float_positions(args):
    return tuple(i for i, a in enumerate(args) if _flat(_float_part(a)).size)


def _float_part(x):
    """The floating-point leaves of ``x`` (a tree), others dropped."""
    if isinstance(x, np.ndarray):
        return x if x.dtype.kind in "fc" else None
    if isinstance(x, (bool, np.bool_)):
        return None
    if isinstance(x, (float, complex, np.floating, np.complexfloating)):
        return x
    if isinstance(x, dict):
        return [_float_part(v) for v in x.values()]
    if isinstance(x, (list, tuple)):
        return [_float_part(v) for v in x]
    from .runtime import object_fields
    fields = object_fields(x)
    if fields is not None:
        return [_float_part(getattr(x, k)) for k in fields]
    return None


def _leaves(x):
    """The numeric leaves of a tree, in a fixed order (dict keys sorted)."""
    if x is None or isinstance(x, (str, bytes)):
        return []
    if isinstance(x, dict):
        return [leaf for k in sorted(x, key=repr) for leaf in _leaves(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in _leaves(v)]
    if isinstance(x, (np.ndarray, np.generic, int, float, complex)):
        return [np.asarray(x)]
    if hasattr(x, "numpy") and hasattr(x, "detach"):     # a tape Tensor
        return [np.asarray(x.detach().numpy())]
    from .runtime import object_fields
    fields = object_fields(x)
    if fields is not None:
        return [leaf for k in fields for leaf in _leaves(getattr(x, k))]
    return []


def _flat(x):
    leaves = [np.ravel(leaf) for leaf in _leaves(x)]
    return np.concatenate(leaves) if leaves else np.zeros(0)


def _inner(a, b):
    """``Re <a, b>`` over the matching leaves of two trees (``None`` counts as 0)."""
    if a is None or b is None:
        return 0.0
    if isinstance(a, dict):
        return sum(_inner(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return sum(_inner(x, y) for x, y in zip(a, b))
    from .runtime import object_fields
    fields = None if isinstance(a, (np.ndarray, np.generic, int, float, complex)) \
        else object_fields(a)
    if fields is not None:
        return sum(_inner(getattr(a, k), getattr(b, k)) for k in fields)
    la, lb = _leaves(a), _leaves(b)
    if not la or not lb:
        return 0.0
    x, y = la[0], lb[0]
    if x.dtype.kind not in "fc" or y.dtype.kind not in "fc":
        return 0.0
    return float(np.real(np.sum(np.conj(x) * y)))


def _fname(f):
    return getattr(f, "__name__", None) or type(f).__name__


def _arg_names(f, positions):
    import inspect
    try:
        params = list(inspect.signature(getattr(f, "fun", f)).parameters)
    except (TypeError, ValueError):
        params = []
    names = ["argument %d (%s)" % (i, params[i]) if i < len(params) and
             params[i].isidentifier() else "argument %d" % i for i in positions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
