"""Second derivatives in generated code (srcgrad/higher.py: reverse over forward).

``grad(grad(f))``, a gradient step inside the function being differentiated
(meta-learning), ``value_and_grad`` inside, mixed partials and Hessian-vector
products, in ``mode="compile"`` (nothing runs on the tape) and ``"auto"``.
Oracles: hand-derived derivatives, central differences of hand-written
gradients (never of srcgrad's), and JAX when installed.
"""

import numpy as np
import pytest

import srcgrad
from srcgrad.errors import SrcgradSyntaxError
from srcgrad.higher import hvp_function
from srcgrad.testing import numeric_grad

MODES = ["compile", "auto"]
RNG = np.random.default_rng(7)
W = RNG.normal(size=(4, 3))
X = RNG.normal(size=(5, 3))


# ------------------------------------------------------------------ functions
def cubic_sine(t):
    return np.sin(t) * t ** 3


def cubic_sine_dd(t):      # by hand
    return -np.sin(t) * t ** 3 + 6 * np.cos(t) * t ** 2 + 6 * t * np.sin(t)


def tanh_energy(x):
    return np.sum(np.tanh(W @ x) ** 2)


def tanh_energy_grad(x):   # by hand: d/dx sum tanh(Wx)^2
    h = np.tanh(W @ x)
    return W.T @ (2 * h * (1 - h ** 2))


def looped(x):
    s = 0.0
    for i in range(3):
        if i % 2 == 0:
            s = s + np.sum(np.exp(x * 0.5) * x)
        else:
            s = s * 0.9 + np.sum(x ** 3)
    return s


def looped_grad(x):        # by hand, following the iterations
    e = np.exp(x * 0.5)
    a = np.sum(e * x)
    da = e * (0.5 * x + 1.0)
    db = 3 * x ** 2
    # s0 = a; s1 = 0.9 a + b; s2 = s1 + a
    return 0.9 * da + db + da


def _helper(u, v):
    return np.log(1.0 + u * u) * v


def with_helper(x, y):
    return np.sum(_helper(x, y))


def with_helper_grad_x(x, y):
    return 2 * x * y / (1.0 + x * x)


def two_scalars(a, b):
    return np.sin(a * b) + a ** 2 * b


def loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


def loss_grad(w, x):       # by hand
    h = np.tanh(x @ w)
    return x.T @ (2 * h * (1 - h ** 2))


grad_loss = srcgrad.grad(loss)
value_and_grad_loss = srcgrad.value_and_grad(loss)


def meta_global(w, x):
    """One inner gradient step through a grad object held by a global."""
    w2 = w - 0.1 * grad_loss(w, x)
    return loss(w2, x)


def meta_inline(w, x):
    """srcgrad.grad called inside the function (a call site known at run time)."""
    w2 = w - 0.1 * srcgrad.grad(loss)(w, x)
    return loss(w2, x)


def meta_two_steps(w, x):
    for _ in range(2):
        w = w - 0.05 * grad_loss(w, x)
    return loss(w, x)


def meta_value_and_grad(w, x):
    value, g = value_and_grad_loss(w, x)
    return value * 0.5 + loss(w - 0.1 * g, x)


def meta_oracle(steps, lr, with_value=False):
    def f(w, x):
        v0 = loss(w, x)
        for _ in range(steps):
            w = w - lr * loss_grad(w, x)
        return loss(w, x) + (0.5 * v0 if with_value else 0.0)
    return f


def _fd_jacobian(g, x, eps=1e-6):
    """Central differences of a hand-written gradient ``g``: the Hessian."""
    x = np.asarray(x, dtype=float)
    cols = []
    for k in range(x.size):
        e = np.zeros_like(x)
        e.flat[k] = eps
        cols.append((g(x + e) - g(x - e)) / (2 * eps))
    return np.stack(cols, axis=-1)


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("t", [0.3, 0.7, -1.2])
def test_grad_of_grad_of_a_scalar_function(mode, t):
    dd = srcgrad.grad(srcgrad.grad(cubic_sine), mode=mode)(t)
    assert np.isclose(dd, cubic_sine_dd(t), rtol=1e-10)


@pytest.mark.parametrize("mode", ["compile", "auto", "tape"])
def test_grad_of_grad_of_grad(mode):
    """Third order: generated code in compile and auto (srcgrad/higher.py
    writes the gradient's JVP as code the compiler reads again), the tape in
    tape mode. (It once compiled the JVP of the function the inner grad
    wraps, silently wrong: functools.update_wrapper's __wrapped__.)  More in
    tests/forward/test_third_order.py."""
    ddd = srcgrad.grad(srcgrad.grad(srcgrad.grad(cubic_sine)), mode=mode)(0.4)
    eps = 1e-5
    want = (cubic_sine_dd(0.4 + eps) - cubic_sine_dd(0.4 - eps)) / (2 * eps)
    assert np.isclose(ddd, want, rtol=1e-6)


def test_grad_over_a_tape_gradient_is_refused_in_compile_mode():
    inner = srcgrad.grad(cubic_sine, mode="tape")
    with pytest.raises(SrcgradSyntaxError, match="mode=.tape."):
        srcgrad.grad(srcgrad.grad(inner), mode="compile")(0.4)


@pytest.mark.parametrize("mode", MODES)
def test_mixed_partial(mode):
    """d/db of (d/da f): the outer transform differentiates another argument."""
    a, b = 0.4, -0.9
    got = srcgrad.grad(srcgrad.grad(two_scalars, wrt=0), wrt=1, mode=mode)(a, b)
    want = np.cos(a * b) - a * b * np.sin(a * b) + 2 * a
    assert np.isclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("fun,grad_by_hand", [(tanh_energy, tanh_energy_grad),
                                              (looped, looped_grad)])
def test_hvp_compiled_against_differences_of_the_gradient(fun, grad_by_hand):
    x = RNG.normal(size=3)
    v = RNG.normal(size=3)
    got = hvp_function(fun, (0,), mode="compile")(x, v)
    want = _fd_jacobian(grad_by_hand, x) @ v
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_hvp_through_a_helper_with_two_arguments():
    x, y, v = RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=3)
    got = hvp_function(with_helper, (0,), mode="compile")(x, y, v)
    want = _fd_jacobian(lambda u: with_helper_grad_x(u, y), x) @ v
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("meta,steps,lr,with_value", [
    (meta_global, 1, 0.1, False), (meta_inline, 1, 0.1, False),
    (meta_two_steps, 2, 0.05, False), (meta_value_and_grad, 1, 0.1, True)])
def test_gradient_through_an_inner_gradient_step(mode, meta, steps, lr, with_value):
    w = RNG.normal(size=3)
    got = srcgrad.grad(meta, mode=mode)(w, X)
    want = numeric_grad(meta_oracle(steps, lr, with_value), (w, X), 0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(meta(w, X), meta_oracle(steps, lr, with_value)(w, X),
                               rtol=1e-12)


def test_compile_mode_runs_nothing_on_the_tape(monkeypatch):
    """mode="compile": the second derivative is generated code only; the
    tape's entry points are made to fail, and the result is still right."""
    from srcgrad import api
    from srcgrad.compiler import pipeline

    def no_tape(*a, **k):
        raise AssertionError("the tape ran")
    monkeypatch.setattr(api, "tape_vjp", no_tape)
    monkeypatch.setattr(pipeline, "FALLBACK_VJP", no_tape)
    w = RNG.normal(size=3)
    got = srcgrad.grad(meta_global, mode="compile")(w, X)
    want = numeric_grad(meta_oracle(1, 0.1), (w, X), 0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_against_jax_hessian():
    jax = pytest.importorskip("jax", reason="JAX is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    Wj = jnp.asarray(W)

    def energy(x):
        return jnp.sum(jnp.tanh(Wj @ x) ** 2)
    x = RNG.normal(size=3)
    H = np.stack([hvp_function(tanh_energy, (0,), mode="compile")(x, e)
                  for e in np.eye(3)], axis=-1)
    np.testing.assert_allclose(H, np.asarray(jax.hessian(energy)(jnp.asarray(x))),
                               rtol=1e-10, atol=1e-12)


def test_complex_arguments_are_refused_in_compile_mode():
    def f(z):
        return np.real(z * np.conj(z))
    with pytest.raises(SrcgradSyntaxError, match="real arguments"):
        srcgrad.grad(srcgrad.grad(f), mode="compile")(1.0 + 2.0j)


def test_has_aux_on_both_transforms_compiles():
    def f(x):
        return np.sin(x) * x, x * 10.0

    d2, aux = srcgrad.grad(srcgrad.grad(f, has_aux=True), has_aux=True, mode="compile")(0.3)
    assert np.isclose(d2, 2 * np.cos(0.3) - 0.3 * np.sin(0.3), rtol=1e-12)
    assert aux == pytest.approx(3.0)


def test_an_inner_grad_with_has_aux_called_in_a_function_runs_on_the_tape_in_auto():
    """Called from compiled code, an inner grad with has_aux is not generated
    (the call's VJP has no aux): compile refuses it, auto runs it on the tape."""
    def f(x):
        return np.sin(x) * x, x

    inner = srcgrad.grad(f, has_aux=True)

    def outer(x):
        g, _ = inner(x)
        return g

    with pytest.raises((SrcgradSyntaxError, NotImplementedError)):
        srcgrad.grad(outer, mode="compile")(0.3)
    got = srcgrad.grad(outer, mode="auto")(0.3)
    assert np.isclose(got, 2 * np.cos(0.3) - 0.3 * np.sin(0.3), rtol=1e-10)


# Grad modes in second derivatives: what is constant for the first derivative
# stays constant for the second (PyTorch's and JAX's semantics). The functions
# are docs/semantics.md's rows (tests/test_docs.py); the second derivatives at
# 1.5 by hand from those semantics: x * const -> 0, x * x -> 2, and so on.
SECOND_BY_HAND = {"nograd_block": 0.0, "nograd_binding": 2.0, "enable_nested": 2.0,
                  "set_flag(True,)": 2.0, "set_flag(False,)": 0.0,
                  "set_true_in_nograd": 2.0, "calls_nograd_helper": 0.0,
                  "uses_detach": 0.0, "uses_stop_gradient": 0.0, "inference_inside": 0.0}


def _grad_mode_rows():
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))
    import test_docs
    out = []
    for fn, extra, _ in test_docs.ROWS:
        key = fn.__name__ + (str(extra) if extra else "")
        out.append(pytest.param(fn, extra, SECOND_BY_HAND[key], id=key))
    return out


@pytest.mark.parametrize("fn,extra,want", _grad_mode_rows())
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_grad_modes_hold_in_second_derivatives(fn, extra, want, mode):
    """A value computed under no_grad is a constant in the generated JVP too
    (runtime.constant), so the gradient of that JVP does not see through it:
    the compiled Hessian once gave 3.0 for x * (x * 3.0 under no_grad)."""
    assert np.isclose(srcgrad.hessian(fn, mode=mode)(1.5, *extra), want)
    assert np.isclose(srcgrad.grad(srcgrad.grad(fn), mode=mode)(1.5, *extra), want)
    _, t = srcgrad.jvp(srcgrad.grad(fn), (1.5,) + extra, (1.0,) + (None,) * len(extra),
                       mode=mode)
    assert np.isclose(t, want)
