"""Finite-difference checks on trees (nested lists/tuples/dicts of arrays and numbers).

The independent oracle of the outside harness: pure NumPy, no srcgrad.  A
vector-Jacobian product ``vjp(u)`` of ``f`` at ``x`` is right when
``<vjp(u), v> == <u, (f(x + eps/2 v) - f(x - eps/2 v)) / eps>`` for random
``u`` and ``v`` (random projection).  Complex leaves follow autograd's (and
srcgrad's) convention: the inner product is ``Re(sum(conj(a) * b))`` and
cotangents are conjugated on the way in and out (``covector``).
"""

import numbers

import numpy as np

TOL = 1e-6      # autograd's test_util tolerances: the suite's cases were tuned to them
RTOL = 1e-6
EPS = 1e-6
LOOSE_RTOL = 1e-4
LOOSE_EPS = (1e-5, 1e-7, 1e-8, 1e-4, 1e-3)  # small steps for kinks near small parameters


def is_leaf(x):
    return isinstance(x, (np.ndarray, np.generic, numbers.Number))


def tree_map(fn, *trees):
    """``fn`` applied leaf-wise to trees of the same structure."""
    t = trees[0]
    if isinstance(t, dict):
        return type(t)((k, tree_map(fn, *[s[k] for s in trees])) for k in t)
    if isinstance(t, tuple) and hasattr(t, "_fields"):
        return type(t)(*[tree_map(fn, *items) for items in zip(*trees)])
    if isinstance(t, (list, tuple)):
        return type(t)(tree_map(fn, *items) for items in zip(*trees))
    if t is None:
        return None
    return fn(*trees)


def leaves(tree):
    if isinstance(tree, dict):
        return [x for k in sorted(tree, key=repr) for x in leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [x for t in tree for x in leaves(t)]
    if tree is None:
        return []
    return [tree]


def _is_complex(x):
    return np.iscomplexobj(x)


def randn_like(tree, rng):
    def one(x):
        shape = np.shape(x)
        r = rng.standard_normal(shape)
        if _is_complex(x):
            r = r + 1j * rng.standard_normal(shape)
        return r if shape else (complex(r) if _is_complex(x) else float(r))
    return tree_map(one, tree)


def covector(tree):
    return tree_map(lambda x: np.conj(x) if _is_complex(x) else x, tree)


def inner(a, b):
    """``Re(sum(conj(a) * b))`` over all leaves of two trees of the same structure."""
    la, lb = leaves(a), leaves(b)
    if len(la) != len(lb):
        raise ValueError("trees of different structure (%d and %d leaves)" % (len(la), len(lb)))
    total = 0.0
    for x, y in zip(la, lb):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape and x.size != y.size:
            raise ValueError("leaf shapes differ: %s and %s" % (x.shape, y.shape))
        total += float(np.real(np.sum(np.conj(x).ravel() * y.ravel())))
    return total


def axpy(x, v, a):
    """``x + a * v`` leaf-wise (an int leaf becomes float: it moves)."""
    return tree_map(lambda xi, vi: xi + a * vi, x, v)


def sub_scale(yp, ym, eps):
    return tree_map(lambda p, m: (np.asarray(p, dtype=complex if _is_complex(p) or
                                             _is_complex(m) else float) - m) / eps, yp, ym)


def numeric_jvp(f, x, v, eps=EPS):
    """Central difference of ``f`` at ``x`` along ``v`` (a tree like ``f(x)``)."""
    return sub_scale(f(axpy(x, v, eps / 2)), f(axpy(x, v, -eps / 2)), eps)


def scalar_close(a, b, tol=TOL, rtol=RTOL):
    """autograd's criterion: absolute or relative agreement."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return bool(np.isnan(a) and np.isnan(b)) or a == b
    return abs(a - b) < tol or abs(a - b) / (abs(a + b) + 1e-300) < rtol


def check_vjp(f, x, vjp, rng, y=None, kinks=False):
    """Check ``vjp`` (cotangent of ``f(x)`` -> cotangent of ``x``) against
    central differences of ``f``.  Returns a dict: ``ok`` (bool), ``analytic``,
    ``numeric``, ``how`` ("strict": autograd's tolerance; "loose": relative
    1e-4 at one of several steps, for cases where the step 1e-6 is noisy).
    With ``kinks``, a point where ``f`` is not differentiable along the
    direction is reported (``kink``: True) instead of retried."""
    if y is None:
        y = f(x)
    u = randn_like(y, rng)
    v = randn_like(x, rng)
    ct = vjp(covector(u))
    analytic = inner(v, covector(ct))
    numeric = inner(u, numeric_jvp(f, x, v))
    if scalar_close(analytic, numeric):
        return {"ok": True, "analytic": analytic, "numeric": numeric, "how": "strict"}
    if kinks and is_kink(f, x, v, u, y):
        return {"ok": False, "analytic": analytic, "numeric": numeric, "how": "kink",
                "kink": True}
    for eps in LOOSE_EPS:
        n2 = inner(u, numeric_jvp(f, x, v, eps))
        if scalar_close(analytic, n2, tol=1e-6 * max(1.0, abs(n2)), rtol=LOOSE_RTOL):
            return {"ok": True, "analytic": analytic, "numeric": n2, "how": "loose eps=%g" % eps}
    return {"ok": False, "analytic": analytic, "numeric": numeric, "how": "mismatch"}


def is_kink(f, x, v, u, y, eps=EPS):
    """True when the one-sided differences of ``<u, f>`` along ``v`` at ``x``
    disagree (forward against backward, at two steps): ``f`` is not
    differentiable there (``floor``, ``abs``, ``max`` at a tie), and no
    finite difference can judge a gradient at that point."""
    for h in (eps, eps * 10):
        up = inner(u, sub_scale(f(axpy(x, v, h)), y, h))
        down = inner(u, sub_scale(y, f(axpy(x, v, -h)), h))
        if scalar_close(up, down, tol=1e-6 * max(1.0, abs(up)), rtol=LOOSE_RTOL):
            return False
    return True


def flatten(value):
    """autograd.misc.flatten's contract: ``(vector, unflatten)``, dict keys sorted."""
    parts = []
    def walk(t):
        if isinstance(t, dict):
            return ("d", type(t), [(k, walk(t[k])) for k in sorted(t)])
        if isinstance(t, tuple) and hasattr(t, "_fields"):
            return ("n", type(t), [walk(s) for s in t])
        if isinstance(t, (list, tuple)):
            return ("s", type(t), [walk(s) for s in t])
        a = np.asarray(t)
        start = sum(p.size for p in parts)
        parts.append(np.ravel(a))
        return ("a", (a.shape, not isinstance(t, np.ndarray)), (start, start + a.size))
    spec = walk(value)
    vec = np.concatenate(parts) if parts else np.zeros(0)

    def build(s, vector):
        tag, meta, body = s
        if tag == "d":
            return meta((k, build(c, vector)) for k, c in body)
        if tag == "n":
            return meta(*[build(c, vector) for c in body])
        if tag == "s":
            return meta(build(c, vector) for c in body)
        shape, scalar = meta
        piece = vector[body[0]:body[1]].reshape(shape)
        return piece[()] if scalar else piece

    def unflatten(vector):
        return build(spec, np.asarray(vector))
    return vec, unflatten
