"""hvp, hessian, jacfwd, jacrev, jacobian against central differences (of the
function, or of its gradient), against each other (jacfwd == jacrev), and
against jax (optional oracle).  Engines: tape and auto; compile where the
compiler can (jacrev) and the refusals where it cannot yet."""

import collections

import numpy as np
import pytest

import srcgrad
from srcgrad.forward import ForwardUnavailable
from srcgrad.testing import numeric_grad

from helpers import numeric_jacobian, need_compile_jvp

ENGINES = ["compile", "tape", "auto"]
RNG = np.random.default_rng(7)
X = RNG.standard_normal(4)
W = RNG.standard_normal((3, 4))


def vector_fn(x):
    return np.tanh(W @ x) * np.sum(x ** 2)


def scalar_fn(x):
    return np.sum(np.sin(x) * x[0]) + np.log(np.sum(np.exp(W @ x)))


def two_args(x, y):
    return np.sum(x ** 2 * y[0]) * y[1] + np.sum(np.cos(x)) * y[0]


def fd_hessian(f, x):
    return numeric_jacobian(lambda z: numeric_grad(f, (z,), 0, eps=1e-5), x, eps=1e-5)


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("jac", ["jacrev", "jacfwd", "jacobian"])
def test_jacobians_match_finite_differences(mode, jac):
    j = getattr(srcgrad, jac)(vector_fn, mode=mode)(X)
    assert j.shape == (3, 4)
    np.testing.assert_allclose(j, numeric_jacobian(vector_fn, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ENGINES)
def test_jacfwd_equals_jacrev(mode):
    def f(x, y):
        return {"a": np.outer(x, y), "b": (np.sum(x) * np.sum(y), np.sin(y))}
    x, y = RNG.standard_normal(2), RNG.standard_normal(3)
    fwd = srcgrad.jacfwd(f, wrt=(0, 1), mode=mode)(x, y)
    rev = srcgrad.jacrev(f, wrt=(0, 1), mode=mode)(x, y)
    assert fwd["a"][0].shape == (2, 3, 2) and fwd["a"][1].shape == (2, 3, 3)
    assert isinstance(fwd["b"], tuple) and np.shape(fwd["b"][0][1]) == (3,)
    for a, b in [(fwd["a"], rev["a"]), (fwd["b"][0], rev["b"][0]), (fwd["b"][1], rev["b"][1])]:
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fwd["a"][1], numeric_jacobian(lambda y: f(x, y)["a"], y),
                               rtol=1e-6, atol=1e-8)


def test_jacrev_compiles():
    """jacrev needs only the compiled vjp: one forward run, one pullback per output."""
    j = srcgrad.jacrev(vector_fn, mode="compile")(X)
    np.testing.assert_allclose(j, numeric_jacobian(vector_fn, X), rtol=1e-6, atol=1e-8)
    assert srcgrad.explain(vector_fn, X).engine == "compiler"


def test_jacfwd_compile_mode():
    from srcgrad.compiler import pipeline
    if getattr(pipeline, "compile_jvp", None) is None:
        with pytest.raises(ForwardUnavailable, match="not available"):
            srcgrad.jacfwd(vector_fn, mode="compile")(X)
    else:
        need_compile_jvp()
        np.testing.assert_allclose(srcgrad.jacfwd(vector_fn, mode="compile")(X),
                                   numeric_jacobian(vector_fn, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ENGINES)
def test_hessian_matches_finite_differences_of_the_gradient(mode):
    h = srcgrad.hessian(scalar_fn, mode=mode)(X)
    assert h.shape == (4, 4)
    np.testing.assert_allclose(h, fd_hessian(scalar_fn, X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ENGINES)
def test_hvp_matches_finite_differences_of_the_gradient(mode):
    v = RNG.standard_normal(4)
    hv = srcgrad.hvp(scalar_fn, mode=mode)(X, v)
    eps = 1e-5
    g = srcgrad.grad(scalar_fn)
    np.testing.assert_allclose(hv, (g(X + eps * v) - g(X - eps * v)) / (2 * eps),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hv, srcgrad.hessian(scalar_fn, mode=mode)(X) @ v, rtol=1e-12)


@pytest.mark.parametrize("mode", ENGINES)
def test_hessian_and_hvp_over_a_tuple_of_arguments_with_a_list(mode):
    x, y = np.array([1.0, 2.0]), [3.0, 4.0]
    (hxx, hxy), hy_rows = srcgrad.hessian(two_args, wrt=(0, 1), mode=mode)(x, y)
    # the structure of jax.hessian: the gradient's tree (gx, [gy0, gy1]), each leaf
    # replaced by the arguments' tree (x, [y0, y1])
    assert isinstance(hxy, list) and isinstance(hy_rows, list) and len(hy_rows) == 2
    hxy = np.stack(hxy, axis=-1)                                  # (2, 2): d gx / d y
    hyx = np.stack([row[0] for row in hy_rows])                   # (2, 2): d gy / d x
    hyy = np.array([[float(v) for v in row[1]] for row in hy_rows])
    # hand-derived
    np.testing.assert_allclose(hxx, 2 * y[0] * y[1] * np.eye(2) - np.diag(np.cos(x)) * y[0])
    np.testing.assert_allclose(hxy, np.stack([2 * x * y[1] - np.sin(x), 2 * x * y[0]], axis=-1))
    np.testing.assert_allclose(hyy, [[0.0, 5.0], [5.0, 0.0]])
    np.testing.assert_allclose(hyx, hxy.T)
    hx, hy = srcgrad.hvp(two_args, wrt=(0, 1), mode=mode)(x, y, (np.ones(2), [1.0, 0.0]))
    np.testing.assert_allclose(hx, hxx @ np.ones(2) + hxy @ [1.0, 0.0])
    assert isinstance(hy, list)
    np.testing.assert_allclose(hy, hyx @ np.ones(2) + hyy @ [1.0, 0.0])


@pytest.mark.parametrize("mode", ENGINES)
def test_has_aux_and_names(mode):
    def f(x, scale):
        return np.sum(x ** 3) * scale, "aux"
    h, aux = srcgrad.hessian(f, wrt="x", has_aux=True, mode=mode)(np.array([1.0, 2.0]), 2.0)
    np.testing.assert_allclose(h, np.diag([12.0, 24.0]))
    assert aux == "aux"
    j, aux = srcgrad.jacfwd(lambda x: (x ** 2, 1), has_aux=True, mode=mode)(np.ones(2))
    np.testing.assert_allclose(j, 2 * np.eye(2))
    hv, aux = srcgrad.hvp(f, has_aux=True, mode=mode)(np.array([1.0, 2.0]), 2.0,
                                                      np.array([1.0, 0.0]))
    np.testing.assert_allclose(hv, [12.0, 0.0])


@pytest.mark.parametrize("mode", ENGINES)
def test_scalar_and_namedtuple_arguments(mode):
    P = collections.namedtuple("P", "a b")

    def f(p):
        return np.stack([p.a * p.b[0], p.a ** 2])
    j = srcgrad.jacrev(f, mode=mode)(P(2.0, np.array([3.0, 4.0])))
    assert isinstance(j, P) and np.shape(j.a) == (2,) and j.b.shape == (2, 2)
    np.testing.assert_allclose(j.a, [3.0, 4.0])
    np.testing.assert_allclose(j.b, [[2.0, 0.0], [0.0, 0.0]])
    assert srcgrad.hessian(lambda x: x ** 4, mode=mode)(2.0) == 48.0


def test_against_jax():
    jax = pytest.importorskip("jax", reason="jax is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    Wj = jnp.asarray(W)

    def jf(x):
        return jnp.sum(jnp.sin(x) * x[0]) + jnp.log(jnp.sum(jnp.exp(Wj @ x)))
    np.testing.assert_allclose(srcgrad.hessian(scalar_fn)(X), np.asarray(jax.hessian(jf)(X)),
                               rtol=1e-10, atol=1e-12)
    v = RNG.standard_normal(4)
    np.testing.assert_allclose(srcgrad.hvp(scalar_fn)(X, v),
                               np.asarray(jax.jvp(jax.grad(jf), (X,), (v,))[1]), rtol=1e-10)

    def jv(x):
        return jnp.tanh(Wj @ x) * jnp.sum(x ** 2)
    np.testing.assert_allclose(srcgrad.jacfwd(vector_fn)(X), np.asarray(jax.jacfwd(jv)(X)),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(srcgrad.jacrev(vector_fn)(X), np.asarray(jax.jacrev(jv)(X)),
                               rtol=1e-10, atol=1e-12)


def test_compile_mode_hvp_and_hessian_are_generated_code(monkeypatch):
    """hvp and hessian compile (srcgrad/higher.py: the gradient of the JVP):
    the tape's entry points fail if called, the results still match finite
    differences of the gradient (central differences of the function)."""
    from srcgrad import api
    from srcgrad.compiler import pipeline

    def no_tape(*a, **k):
        raise AssertionError("the tape ran")
    monkeypatch.setattr(api, "tape_vjp", no_tape)
    monkeypatch.setattr(pipeline, "FALLBACK_VJP", no_tape)
    monkeypatch.setattr(pipeline, "FALLBACK_JVP", no_tape)
    v = RNG.standard_normal(4)
    h = srcgrad.hessian(scalar_fn, mode="compile")(X)
    np.testing.assert_allclose(h, fd_hessian(scalar_fn, X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(srcgrad.hvp(scalar_fn, mode="compile")(X, v),
                               fd_hessian(scalar_fn, X) @ v, rtol=1e-5, atol=1e-6)


def test_jacobian_picks_forward_for_few_inputs():
    calls = []

    def f(x):
        calls.append(1)
        return np.concatenate([x, x ** 2, x ** 3])
    jac = srcgrad.jacobian(f, mode="tape")
    first = jac(np.array([1.0, 2.0]))
    second = jac(np.array([1.0, 2.0]))
    np.testing.assert_allclose(first, second)
    np.testing.assert_allclose(second, numeric_jacobian(f, np.array([1.0, 2.0])),
                               rtol=1e-6)


def test_errors():
    with pytest.raises(TypeError, match="complex"):
        srcgrad.jacrev(lambda z: z * 2)(np.array([1j, 2.0]))
    with pytest.raises(TypeError, match="floating-point outputs.*output\\[1\\]"):
        srcgrad.jacrev(lambda x: (x * 2, 3))(np.ones(2))
    with pytest.raises(TypeError, match="integer"):
        srcgrad.jacfwd(lambda x: x * 2)(np.arange(3))
    with pytest.raises(ValueError, match="has shape"):
        srcgrad.hvp(scalar_fn)(X, np.ones(3))
    with pytest.raises(TypeError, match="give the arguments of f and then v"):
        srcgrad.hvp(scalar_fn)()
