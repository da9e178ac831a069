"""Explicit and derived JVPs against ``jax.jvp`` as a second, independent
oracle (optional: skipped without JAX).  Complex convention: the JVP of a
holomorphic function is ``f'(z) t`` in both."""

import numpy as np
import pytest

from srcgrad.rules import lookup
from srcgrad.rules import jvp as jvpmod

jax = pytest.importorskip("jax", reason="JAX is an optional second oracle")
jax.config.update("jax_enable_x64", True)
jnp = pytest.importorskip("jax.numpy")

RNG = np.random.default_rng(11)


def _spd(n):
    m = RNG.standard_normal((n, n))
    return m @ m.T + n * np.eye(n)


def _sym(n):
    q, _ = np.linalg.qr(RNG.standard_normal((n, n)))
    return (q * np.arange(1.0, n + 1.0)) @ q.T


def _sym_t(n):
    t = RNG.standard_normal((n, n))
    return t + t.T


# (our primitive, jax's, a maker of the arguments); every argument is checked
CASES = [
    (np.linalg.inv, jnp.linalg.inv, lambda: (RNG.standard_normal((3, 3)) + 3 * np.eye(3),)),
    (np.linalg.det, jnp.linalg.det, lambda: (RNG.standard_normal((3, 3)) + 3 * np.eye(3),)),
    (np.linalg.solve, jnp.linalg.solve,
     lambda: (RNG.standard_normal((3, 3)) + 3 * np.eye(3), RNG.standard_normal((3, 2)))),
    (np.linalg.cholesky, jnp.linalg.cholesky, lambda: (_spd(3),)),
    (np.prod, jnp.prod, lambda: (np.array([[1.5, 0.0, 2.0], [0.5, 1.2, -1.0]]),)),
    (np.cumprod, jnp.cumprod, lambda: (np.array([1.5, 0.0, 2.0, 0.5]),)),
    (np.var, jnp.var, lambda: (RNG.standard_normal((2, 3)),)),
    (np.std, jnp.std, lambda: (RNG.standard_normal(4),)),
    (np.sort, jnp.sort, lambda: (RNG.standard_normal(5),)),
    (np.tanh, jnp.tanh, lambda: (RNG.standard_normal(4),)),
    (np.exp, jnp.exp, lambda: (RNG.standard_normal(3) + 1j * RNG.standard_normal(3),)),
    (np.log, jnp.log, lambda: (RNG.standard_normal(3) + 1j * RNG.standard_normal(3),)),
    (np.multiply, jnp.multiply, lambda: (RNG.standard_normal((2, 3)), RNG.standard_normal(3))),
    (np.divide, jnp.divide, lambda: (RNG.standard_normal(3), RNG.uniform(1, 2, 3))),
    (np.power, jnp.power, lambda: (RNG.uniform(0.5, 2, 3), RNG.standard_normal(3))),
    (np.dot, jnp.dot, lambda: (RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4)))),
    (np.linalg.norm, jnp.linalg.norm, lambda: (RNG.standard_normal((3, 4)),)),
    (np.linalg.pinv, jnp.linalg.pinv, lambda: (RNG.standard_normal((4, 3)),)),
    (np.linalg.slogdet, lambda a: jnp.linalg.slogdet(a)[1],
     lambda: (RNG.standard_normal((3, 3)) + 3 * np.eye(3),)),
]


@pytest.mark.parametrize("fn,jfn,make", CASES, ids=[c[0].__name__ for c in CASES])
def test_jvp_matches_jax(fn, jfn, make):
    args = make()
    prim = lookup(fn)
    for i in range(len(args)):
        t = RNG.standard_normal(np.shape(args[i]))
        if np.iscomplexobj(args[i]):
            t = t + 1j * RNG.standard_normal(np.shape(args[i]))
        if fn is np.linalg.cholesky:
            t = t + t.T          # jax reads the whole matrix, symmetrized
        ours = prim.tangent({i: t}, fn(*args), tuple(args))
        if fn is np.linalg.slogdet:
            ours = ours[1]
        tangents = tuple(np.zeros_like(a) if k != i else t for k, a in enumerate(args))
        _, theirs = jax.jvp(jfn, tuple(jnp.asarray(a) for a in args),
                            tuple(jnp.asarray(v) for v in tangents))
        assert np.allclose(ours, np.asarray(theirs), rtol=1e-8, atol=1e-10), \
            "%s arg %d (%s)" % (prim.name, i, jvpmod.origin(prim, i))


def test_eigh_and_svd_match_jax():
    a, t = _sym(4), _sym_t(4)
    w, v = np.linalg.eigh(a)
    dw, dv = lookup(np.linalg.eigh).tangent({0: t}, (w, v), (a,))
    (jw, jv), (jdw, jdv) = jax.jvp(jnp.linalg.eigh, (jnp.asarray(a),), (jnp.asarray(t),))
    assert np.allclose(dw, np.asarray(jdw))
    sign = np.sign(np.sum(v * np.asarray(jv), axis=0))      # eigenvectors up to sign
    assert np.allclose(dv, np.asarray(jdv) * sign)
    b, tb = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    ans = np.linalg.svd(b, full_matrices=False)
    du, ds, dvh = lookup(np.linalg.svd).tangent({0: tb}, ans, (b,), {"full_matrices": False})
    f = lambda x: jnp.linalg.svd(x, full_matrices=False)   # noqa: E731
    (ju, js, jvh), (jdu, jds, jdvh) = jax.jvp(f, (jnp.asarray(b),), (jnp.asarray(tb),))
    assert np.allclose(ds, np.asarray(jds))
    sign = np.sign(np.sum(ans[0] * np.asarray(ju), axis=0))
    assert np.allclose(du, np.asarray(jdu) * sign)
    assert np.allclose(dvh, np.asarray(jdvh) * sign[:, None])
