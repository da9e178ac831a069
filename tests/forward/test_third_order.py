"""Third derivatives and up as generated code (srcgrad/higher.py, issue 11).

``grad(grad(grad(f)))``, ``jvp(grad(grad(f)))``, the Hessian of an objective
that calls ``srcgrad.grad`` (a meta-learning step) and ``grad`` of a function
calling ``grad(grad(f))`` compile: the JVP of a gradient is written as
generated code calling the gradient of ``f``'s slope, which the compiler
reads again, one order up each time.  Every answer is checked against an
independent oracle: central differences of a hand-derived lower derivative
(or of a lower derivative computed on the tape), and JAX where installed; in
``mode="compile"`` and, where the tape goes, ``mode="tape"``.
"""

import gc
import os
import weakref

import numpy as np
import pytest

import srcgrad
from srcgrad.errors import SrcgradSyntaxError

MODES = ["compile", "tape"]
EPS = 1e-5


def central(f, x, eps=EPS):
    """Central difference of ``f`` (float -> float or array) at ``x``."""
    return (np.asarray(f(x + eps)) - np.asarray(f(x - eps))) / (2 * eps)


def directional(f, x, v, eps=EPS):
    """``d/de f(x + e v)`` at 0 by central differences (arrays)."""
    return (np.asarray(f(x + eps * v)) - np.asarray(f(x - eps * v))) / (2 * eps)


# ---------------------------------------------------------------- scalar functions

def cubic_sine(x):
    return np.sin(x) * x ** 3


def cubic_sine_dd(x):       # by hand
    return -np.sin(x) * x ** 3 + 6 * np.cos(x) * x ** 2 + 6 * np.sin(x) * x


def looped(x):
    y = x
    for _ in range(3):
        y = np.tanh(y) + 0.5 * x * y
    return y


def looped_dd(x):           # the tape's second derivative (an independent engine)
    return srcgrad.grad(srcgrad.grad(looped, mode="tape"), mode="tape")(x)


def branchy(x):
    if x > 0.0:
        return np.exp(-x * x) * x
    return np.log1p(x * x) * np.cos(x)


def branchy_dd(x):
    return srcgrad.grad(srcgrad.grad(branchy, mode="tape"), mode="tape")(x)


SCALARS = [(cubic_sine, cubic_sine_dd, 0.4), (cubic_sine, cubic_sine_dd, -1.3),
           (looped, looped_dd, 0.6), (branchy, branchy_dd, 0.8), (branchy, branchy_dd, -0.7)]
IDS = ["cubic_sine+", "cubic_sine-", "looped", "branchy+", "branchy-"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fun,dd,x", SCALARS, ids=IDS)
def test_grad_of_grad_of_grad(fun, dd, x, mode):
    got = srcgrad.grad(srcgrad.grad(srcgrad.grad(fun, mode=mode), mode=mode), mode=mode)(x)
    np.testing.assert_allclose(got, central(dd, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fun,dd,x", SCALARS, ids=IDS)
def test_jvp_of_grad_of_grad(fun, dd, x):
    """Forward over reverse over reverse, compiled (the tape has no forward
    mode over a gradient of a gradient to compare; the oracle is independent)."""
    g2 = srcgrad.grad(srcgrad.grad(fun, mode="compile"), mode="compile")
    value, tangent = srcgrad.jvp(g2, (x,), (1.5,), mode="compile")
    np.testing.assert_allclose(value, dd(x), rtol=1e-10)
    np.testing.assert_allclose(tangent, 1.5 * central(dd, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", MODES)
def test_fourth_order(mode):
    g = cubic_sine
    for _ in range(4):
        g = srcgrad.grad(g, mode=mode)
    # d4/dx4 sin(x) x^3 = sin x^3 - 12 cos x^2 - 36 sin x + 24 cos, by hand
    x = 0.9
    want = np.sin(x) * x ** 3 - 12 * np.cos(x) * x ** 2 - 36 * np.sin(x) * x + 24 * np.cos(x)
    np.testing.assert_allclose(g(x), want, rtol=1e-9)


def two(a, b):
    return np.sin(a * b) * a + b ** 3 * a ** 2


@pytest.mark.parametrize("mode", MODES)
def test_mixed_third_partial(mode):
    """d/da d/db d/da two(a, b), against the hand-derived third partial and
    differences of the hand-derived d/db d/da."""
    def dadb(a, b):     # d/db (b cos(ab) a + sin(ab) + 2 a b^3)
        return 2 * a * np.cos(a * b) - a * a * b * np.sin(a * b) + 6 * a * b * b
    a, b = 0.7, -0.4
    got = srcgrad.grad(srcgrad.grad(srcgrad.grad(two, wrt=0, mode=mode), wrt=1, mode=mode),
                       wrt=0, mode=mode)(a, b)
    by_hand = 2 * np.cos(a * b) - 4 * a * b * np.sin(a * b) - \
        (a * b) ** 2 * np.cos(a * b) + 6 * b * b
    np.testing.assert_allclose(got, by_hand, rtol=1e-10)
    np.testing.assert_allclose(got, central(lambda t: dadb(t, b), a), rtol=1e-6)


# ---------------------------------------------------------------- arrays: a gradient inside

def energy(x):
    return np.sum(np.sin(x) ** 3) + 0.5 * np.sum(x[1:] * x[:-1])


def calls_a_gradient(x):
    """A scalar whose Hessian is a third derivative of ``energy``."""
    return srcgrad.grad(energy)(x) @ x


def meta(w, X, y):
    g = srcgrad.grad(inner_loss)(w, X, y)
    return inner_loss(w - 0.3 * g, X[::-1], y)


def inner_loss(w, X, y):
    return np.mean((np.tanh(X @ w) - y) ** 2)


RNG = np.random.default_rng(7)
XV = RNG.standard_normal(4)
V = RNG.standard_normal(4)
W, XM, YV = RNG.standard_normal(3) * 0.5, RNG.standard_normal((5, 3)), RNG.standard_normal(5)
WV = RNG.standard_normal(3)


def tape_grad(fun):
    return srcgrad.grad(fun, mode="tape")


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_hvp_of_an_objective_calling_grad(mode):
    got = srcgrad.hvp(calls_a_gradient, mode=mode)(XV, V)
    want = directional(tape_grad(calls_a_gradient), XV, V)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_hessian_of_a_meta_learning_step(mode):
    got = srcgrad.hessian(meta, mode=mode)(W, XM, YV)
    g = tape_grad(meta)
    want = np.stack([directional(lambda w: g(w, XM, YV), W, e) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got, got.T, rtol=1e-9, atol=1e-12)


def test_grad_of_a_function_calling_a_second_gradient():
    """A third derivative where the outer transform is plain grad: the
    function calls ``grad(grad(f))`` on a scalar."""
    def curvature_penalty(x):
        return srcgrad.grad(srcgrad.grad(cubic_sine))(x) ** 2 + x

    got = srcgrad.grad(curvature_penalty, mode="compile")(0.5)
    want = central(lambda t: cubic_sine_dd(t) ** 2 + t, 0.5)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_jvp_of_a_gradient_calling_a_gradient():
    """Forward over (reverse of a function calling grad): the hvp of
    ``calls_a_gradient`` computed as jvp(grad(.))."""
    g = srcgrad.grad(calls_a_gradient, mode="compile")
    _, got = srcgrad.jvp(g, (XV,), (V,), mode="compile")
    np.testing.assert_allclose(got, directional(tape_grad(calls_a_gradient), XV, V),
                               rtol=1e-6, atol=1e-8)


def test_nothing_passed_in_is_mutated():
    x, v = XV.copy(), V.copy()
    srcgrad.hvp(calls_a_gradient, mode="compile")(x, v)
    np.testing.assert_array_equal(x, XV)
    np.testing.assert_array_equal(v, V)


# ---------------------------------------------------------------- still refused, by name

def test_a_value_and_grad_inside_a_third_derivative_is_refused_by_name():
    """value_and_grad's JVP is not generated code: at third order the
    compiler refuses it, naming the user's line; auto runs it on the tape."""
    def uses_value_and_grad(x):
        v, g = srcgrad.value_and_grad(energy)(x)
        return v + g @ x

    with pytest.raises((SyntaxError, NotImplementedError)) as info:
        srcgrad.hvp(uses_value_and_grad, mode="compile")(XV, V)
    assert os.path.basename(__file__) in str(info.value)
    got = srcgrad.hvp(uses_value_and_grad, mode="auto")(XV, V)
    np.testing.assert_allclose(got, directional(tape_grad(uses_value_and_grad), XV, V),
                               rtol=1e-6, atol=1e-8)


def test_a_tape_gradient_inside_is_refused_in_compile_mode():
    g3 = srcgrad.grad(srcgrad.grad(srcgrad.grad(cubic_sine, mode="tape")), mode="compile")
    with pytest.raises(SrcgradSyntaxError, match="mode=\"tape\"") as info:
        g3(0.4)
    assert "cubic_sine" in str(info.value)
    got = srcgrad.grad(srcgrad.grad(srcgrad.grad(cubic_sine, mode="tape")), mode="auto")(0.4)
    np.testing.assert_allclose(got, central(cubic_sine_dd, 0.4), rtol=1e-6)


# ---------------------------------------------------------------- JAX, a second oracle

def test_third_derivatives_agree_with_jax():
    jax = pytest.importorskip("jax", reason="jax is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def cubic_sine_jax(x):
        return jnp.sin(x) * x ** 3

    def energy_jax(x):
        return jnp.sum(jnp.sin(x) ** 3) + 0.5 * jnp.sum(x[1:] * x[:-1])

    want = jax.grad(jax.grad(jax.grad(cubic_sine_jax)))(0.4)
    got = srcgrad.grad(srcgrad.grad(srcgrad.grad(cubic_sine, mode="compile"),
                                    mode="compile"), mode="compile")(0.4)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    want = jax.hessian(lambda x: jax.grad(energy_jax)(x) @ x)(XV)
    got = srcgrad.hessian(calls_a_gradient, mode="compile")(XV)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rolled(x):
    h = x[0]
    for k in range(1, x.shape[0]):
        h = np.tanh(h * x[k] + 0.3 * h)
    return h * np.sum(np.exp(-x ** 2))


DIRECTION = np.array([0.4, -1.1, 0.7, 0.2])


def rosenbrock_slope(x):
    return srcgrad.grad(rosenbrock)(x) @ DIRECTION


def rolled_slope(x):
    return srcgrad.grad(rolled)(x) @ DIRECTION


@pytest.mark.parametrize("slope,name", [(rosenbrock_slope, "rosenbrock"),
                                        (rolled_slope, "rolled")])
def test_third_derivative_tensors_agree_with_jax(slope, name):
    """``hessian(x -> <grad f(x), d>)`` is the third derivative of f
    contracted with d; ``jvp(grad(.))`` along d contracts it twice."""
    jax = pytest.importorskip("jax", reason="jax is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def rosenbrock_jax(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    def rolled_jax(x):
        h = x[0]
        for k in range(1, x.shape[0]):
            h = jnp.tanh(h * x[k] + 0.3 * h)
        return h * jnp.sum(jnp.exp(-x ** 2))

    f_jax = {"rosenbrock": rosenbrock_jax, "rolled": rolled_jax}[name]
    d = jnp.asarray(DIRECTION)

    def slope_jax(x):
        return jax.grad(f_jax)(x) @ d

    x = np.array([0.3, -0.2, 0.9, 0.5])
    got = srcgrad.hessian(slope, mode="compile")(x)
    np.testing.assert_allclose(got, np.asarray(jax.hessian(slope_jax)(jnp.asarray(x))),
                               rtol=1e-7, atol=1e-9)
    _, got = srcgrad.jvp(srcgrad.grad(slope, mode="compile"), (x,), (DIRECTION,),
                         mode="compile")
    want = jax.jvp(jax.grad(slope_jax), (jnp.asarray(x),), (d,))[1]
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-7, atol=1e-9)
    # and the tape's third derivative (reverse over reverse over reverse)
    g3 = srcgrad.hessian(slope, mode="tape")(x)
    np.testing.assert_allclose(got, g3 @ DIRECTION, rtol=1e-7, atol=1e-9)


def _inner_energy(w):
    return np.sum(np.tanh(w) ** 2)


_MADE = []


def _makes_a_gradient_per_call(w):
    g = srcgrad.grad(_inner_energy)
    _MADE.append(weakref.ref(g))
    return _inner_energy(w - 0.1 * g(w))


def test_a_gradient_made_per_call_is_not_kept_alive():
    """The generated JVP of a gradient lives on the gradient object: one
    made at each call of the objective is freed with it (no leak)."""
    x, v = np.array([0.3, -0.2]), np.array([1.0, 0.5])
    got = srcgrad.hvp(_makes_a_gradient_per_call, mode="compile")(x, v)
    np.testing.assert_allclose(got, directional(tape_grad(_makes_a_gradient_per_call), x, v),
                               rtol=1e-6, atol=1e-8)
    gc.collect()
    assert _MADE and all(r() is None for r in _MADE)
