"""Check one rule against central finite differences by random projection.

For a call ``f(*args, **kw)`` and each differentiable argument ``i``: draw a
cotangent ``u`` shaped like the output and a direction ``v`` shaped like the
argument, and compare ``<v, vjp_i(u)>`` with ``<u, (f(x + eps v) - f(x - eps v)) / 2 eps>``.
Lists of arrays are perturbed element by element; tuple outputs get a tuple
of cotangents.

Complex values (docs/semantics.md, "Complex numbers"): a complex argument is
perturbed in a random complex direction and the inner product is the real one,
``Re sum(conj(a) b)``: under srcgrad's convention (PyTorch's) the cotangent is
exactly the adjoint of the derivative for that inner product, so the same
identity checks holomorphic and non-holomorphic rules alike.
"""

import numpy as np

from srcgrad import runtime
from srcgrad.rules import lookup, NO_RULE

EPS = 1e-6


class C:
    """A constant argument: passed as is, never perturbed or differentiated."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "C(%r)" % (self.value,)


def _is_seq(x):
    return isinstance(x, (list, tuple))


def _rebuild(x, items):
    """A container of ``x``'s kind (list, tuple, namedtuple) holding ``items``."""
    if hasattr(x, "_fields"):
        return type(x)(*items)
    return type(x)(items) if isinstance(x, list) else tuple(items)


def _discrete(x):
    """Booleans and integer arrays (LAPACK's pivots, cho_factor's ``lower``):
    never perturbed; their cotangent is ``None``."""
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, np.ndarray) and
                                               x.dtype.kind in "biu")


def random_like(rng, x):
    """A random value of the same structure and shape as ``x`` (zeros for
    discrete parts)."""
    if isinstance(x, runtime.Closure):   # a closure's cotangent holds its cells'
        return runtime.Closure(x.fn, random_like(rng, x.cells))
    if _discrete(x):
        return np.zeros(np.shape(x))
    if isinstance(x, dict):
        return {k: random_like(rng, v) for k, v in x.items()}
    if hasattr(x, "_fields"):
        return _rebuild(x, [random_like(rng, v) for v in x])
    if _is_seq(x):
        return type(x)(random_like(rng, v) for v in x) if isinstance(x, list) else \
            tuple(random_like(rng, v) for v in x)
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return float(rng.standard_normal())
    if isinstance(x, complex):
        return complex(rng.standard_normal(), rng.standard_normal())
    if np.iscomplexobj(x):
        return rng.standard_normal(np.shape(x)) + 1j * rng.standard_normal(np.shape(x))
    return rng.standard_normal(np.shape(x))


def inner(a, b):
    """The real inner product ``Re <a, b>`` (complex values: ``Re sum(conj(a) b)``,
    the pairing under which a cotangent is ``dL/dx + i dL/dy``)."""
    if a is None or b is None:   # the cotangent of a discrete part
        return 0.0
    if isinstance(a, runtime.Closure):
        return inner(a.cells, b.cells)
    if isinstance(a, dict):
        return sum(inner(a[k], b[k]) for k in a)
    if _is_seq(a):
        return sum(inner(x, y) for x, y in zip(a, b))
    return float(np.real(np.sum(np.conj(_inexact(a)) * _inexact(b))))


def _inexact(a):
    a = np.asarray(a)
    return a if a.dtype.kind in "fc" else a.astype(float)


def axpy(x, v, eps):
    """``x + eps * v`` keeping the kind of ``x`` (float, array, list, tuple,
    namedtuple, dict); discrete parts stay as they are."""
    if _discrete(x):
        return x
    if isinstance(x, dict):
        return {k: axpy(x[k], v[k], eps) for k in x}
    if hasattr(x, "_fields"):
        return _rebuild(x, [axpy(a, b, eps) for a, b in zip(x, v)])
    if isinstance(x, tuple):
        return tuple(axpy(a, b, eps) for a, b in zip(x, v))
    if _is_seq(x):
        return [axpy(a, b, eps) for a, b in zip(x, v)]
    if isinstance(x, (float, complex)):
        return x + eps * v
    return np.asarray(x) + eps * v


def _outputs(out):
    """Tuple outputs (namedtuples too) as plain tuples; lists stay lists."""
    if isinstance(out, tuple) and not hasattr(out, "_fields"):
        return tuple(out)
    return out


def check_shapes(ct, x, where, array_for_list=False):
    if ct is None and _discrete(x):
        return
    if isinstance(x, dict):
        assert isinstance(ct, dict) and set(ct) == set(x), "%s: expected a dict" % where
        for k in x:
            check_shapes(ct[k], x[k], where)
        return
    if hasattr(x, "_fields"):
        assert type(ct) is type(x), "%s: expected a %s" % (where, type(x).__name__)
        for c, e in zip(ct, x):
            check_shapes(c, e, where)
        return
    if _is_seq(x) and array_for_list and isinstance(ct, np.ndarray):
        x = np.asarray(x)   # a list given to NumPy: one cotangent row per element
    if _is_seq(x):
        assert isinstance(ct, (list, tuple)) and len(ct) == len(x), \
            "%s: expected a list of %d cotangents, got %r" % (where, len(x), type(ct))
        for c, e in zip(ct, x):
            check_shapes(c, e, where)
        return
    assert np.shape(ct) == np.shape(x), "%s: cotangent shape %s != argument shape %s" % (
        where, np.shape(ct), np.shape(x))
    assert np.all(np.isfinite(ct)), "%s: non-finite cotangent %r" % (where, ct)


def check_rule(fn, args, kw, seed=0, rtol=1e-5, atol=1e-7, sym=False, canon=None, argnums=None,
               reseed=False, array_for_list=False, project=None):
    """Assert that every rule of ``fn`` agrees with finite differences at ``args``.
    ``reseed``: ``fn`` draws from NumPy's global generator, seeded alike before
    every call (the same draw, as a function of its parameters).  ``project(u,
    ans)``: the output cotangent made admissible (eigenvectors: one that does
    not depend on their phase)."""
    prim = lookup(fn)
    if reseed:
        fn = _reseeded(fn, seed)
    rng = np.random.default_rng(seed)
    consts = [isinstance(a, C) for a in args]
    vals = [a.value if isinstance(a, C) else a for a in args]
    ans = _outputs(fn(*vals, **kw))
    u = random_like(rng, ans)
    if project is not None:
        u = project(u, ans)
    checked = 0
    for i, rule in enumerate(prim.vjps):
        if rule in (None, NO_RULE) or i >= len(vals) or consts[i] or (argnums and i not in argnums):
            continue
        ct = rule(u, ans, *vals, **kw)
        if prim.broadcasts:
            ct = runtime.unbroadcast(ct, vals[i])
        where = "%s arg %d" % (prim.name, i)
        check_shapes(ct, vals[i], where, array_for_list)
        v = random_like(rng, vals[i])
        if sym:
            v = 0.5 * (v + np.swapaxes(v, -1, -2))
        plus, minus = list(vals), list(vals)
        plus[i] = axpy(vals[i], v, EPS)
        minus[i] = axpy(vals[i], v, -EPS)
        fp, fm = _outputs(fn(*plus, **kw)), _outputs(fn(*minus, **kw))
        if canon is not None:
            fp, fm = canon(fp, ans), canon(fm, ans)
        numeric = inner(u, _sub_scale(fp, fm))
        analytic = inner(v, ct)
        assert abs(numeric - analytic) <= atol + rtol * max(abs(numeric), abs(analytic)), \
            "%s: vjp gives %.10g, finite differences %.10g" % (where, analytic, numeric)
        checked += 1
    assert checked, "no differentiable argument was checked for %s" % prim.name


def _reseeded(fn, seed):
    def call(*args, **kw):
        np.random.seed(seed)
        return fn(*args, **kw)
    return call


def _sub_scale(a, b):
    if isinstance(a, runtime.Closure):
        return runtime.Closure(a.fn, _sub_scale(a.cells, b.cells))
    if isinstance(a, dict):
        return {k: _sub_scale(a[k], b[k]) for k in a}
    if _is_seq(a):
        return [_sub_scale(x, y) for x, y in zip(a, b)]
    return (_inexact(a) - _inexact(b)) / (2 * EPS)


# ------------------------------------------------------------ canonical forms


def align_columns(x, ref):
    """Flip the sign of each column of ``x`` to match ``ref`` (eigenvectors)."""
    s = np.sign(np.sum(x * ref, axis=-2, keepdims=True))
    return x * s


def canon_eigh(out, ref):
    return (out[0], align_columns(out[1], ref[1]))


def canon_svd(out, ref):
    u, s, vh = out
    sign = np.sign(np.sum(u * ref[0], axis=-2, keepdims=True))
    return (u * sign, s, vh * np.swapaxes(sign, -1, -2))


def canon_eig(out, ref):
    """Each eigenvector's phase turned to match ``ref``'s (``<ref_k, v_k>`` real
    and positive): NumPy fixes the phase its own way, which may jump."""
    w, v = out
    d = np.sum(np.conj(ref[1]) * v, axis=-2, keepdims=True)
    return (w, v * np.conj(d) / np.abs(d))


def gauge_free(u, ans):
    """An eigenvector cotangent the loss of which does not depend on the
    eigenvectors' phases: ``Im diag(V^H gV) = 0``."""
    gw, gv = u
    v = ans[1]
    d = np.sum(np.conj(v) * gv, axis=-2, keepdims=True)
    return (gw, gv - v * 1j * np.imag(d)) if np.iscomplexobj(v) else (gw, gv)
