"""Tangent trees and central differences for the forward-mode tests."""

import numpy as np
import pytest

from srcgrad.compiler import pipeline

#: why compile-mode forward tests are skipped until the compiler's forward transform lands
NO_COMPILE_JVP = "the compiler's forward transform (pipeline.compile_jvp, branch sg-forward) " \
                 "is not merged yet: compile-mode jvp raises ForwardUnavailable"


def need_compile_jvp():
    if getattr(pipeline, "compile_jvp", None) is None:
        pytest.skip(NO_COMPILE_JVP)


def is_float_leaf(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind in "fc"
    return isinstance(x, (float, complex))


def random_tangent(x, rng):
    """A random tangent tree for the primal ``x`` (None where it takes none)."""
    if isinstance(x, dict):
        return {k: random_tangent(v, rng) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [random_tangent(v, rng) for v in x]
        return type(x)(*items) if hasattr(type(x), "_fields") else type(x)(items)
    if not is_float_leaf(x):
        return None
    shape = np.shape(x)
    t = rng.standard_normal(shape)
    if np.iscomplexobj(x):
        t = t + 1j * rng.standard_normal(shape)
    if isinstance(x, (float, complex)):
        return complex(t) if isinstance(x, complex) else float(t)
    return np.asarray(t, dtype=np.asarray(x).dtype)


def moves(t):
    if t is None:
        return False
    if isinstance(t, dict):
        return any(moves(v) for v in t.values())
    if isinstance(t, (list, tuple)):
        return any(moves(v) for v in t)
    return True


def axpy(x, t, eps):
    """``x + eps * t`` over a tree (fresh copies; non-moving leaves as they are)."""
    if t is None:
        return copy_tree(x)
    if isinstance(x, dict):
        return {k: axpy(v, t[k], eps) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [axpy(v, tv, eps) for v, tv in zip(x, t)]
        return type(x)(*items) if hasattr(type(x), "_fields") else type(x)(items)
    if isinstance(x, np.ndarray):
        return (x + eps * np.asarray(t)).astype(x.dtype)
    return type(x)(x + eps * t) if isinstance(x, (float, complex)) else x + eps * t


def copy_tree(x):
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, dict):
        return {k: copy_tree(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [copy_tree(v) for v in x]
        return type(x)(*items) if hasattr(type(x), "_fields") else type(x)(items)
    return x


def leaves(tree):
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [leaf for v in tree for leaf in leaves(v)]
    return [tree]


def fd_jvp(f, primals, tangents, eps=1e-6):
    """Central difference of ``f`` along ``tangents``: the leaves of the output's
    directional derivative (float leaves only)."""
    plus = f(*[axpy(x, t, eps) for x, t in zip(primals, tangents)])
    minus = f(*[axpy(x, t, -eps) for x, t in zip(primals, tangents)])
    return [(np.asarray(p) - np.asarray(m)) / (2 * eps) if is_float_leaf(np.asarray(p))
            else None for p, m in zip(leaves(plus), leaves(minus))]


def assert_tangent(got, want, rtol=1e-5, atol=1e-6, where=""):
    got = leaves(got)
    assert len(got) == len(want), "%s: %d output leaves, expected %d" % (where, len(got),
                                                                        len(want))
    for k, (g, w) in enumerate(zip(got, want)):
        if w is None:
            continue
        kind = complex if np.iscomplexobj(g) or np.iscomplexobj(w) else float
        np.testing.assert_allclose(np.asarray(g, dtype=kind), np.asarray(w, dtype=kind),
                                   rtol=rtol, atol=atol, err_msg="%s leaf %d" % (where, k))


def numeric_jacobian(f, x, eps=1e-6):
    """``d f / d x`` (``f`` returns an array or float, ``x`` a float array):
    shape ``out.shape + x.shape``."""
    x = np.asarray(x, dtype=float)
    out = np.asarray(f(x.copy()))
    jac = np.zeros(out.shape + x.shape)
    for idx in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        jac[(Ellipsis,) + idx] = (np.asarray(f(xp)) - np.asarray(f(xm))) / (2 * eps)
    return jac
