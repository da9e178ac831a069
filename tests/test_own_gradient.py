"""A callable with its own gradient handed to grad/value_and_grad/vjp itself
(not called from a function): a ``custom_vjp`` with its rules and an
``autograd.Function``'s ``apply`` use their fwd/bwd in every engine.

Before, ``mode="compile"`` tried to read the source of ``custom_vjp.__call__``
and refused with a message pointing inside srcgrad.  Oracles: central finite
differences where the rule is the true derivative; the hand-derived clipped
gradient where it is deliberately not (it shows the rule, not the body, ran)."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

MODES = ["compile", "auto", "tape"]
X = np.array([0.5, -1.0, 2.0])


@srcgrad.custom_vjp
def softplus_sum(x):
    return np.sum(np.log1p(np.exp(x)))


softplus_sum.defvjp(lambda x: (softplus_sum(x), x),
                    lambda x, g: (g / (1.0 + np.exp(-x)),))


@srcgrad.custom_vjp
def clipped_square(x):
    return np.sum(x ** 2)


clipped_square.defvjp(lambda x: (clipped_square(x), x),
                      lambda x, g: (np.clip(2.0 * g * x, -1.0, 1.0),))


@pytest.mark.parametrize("mode", MODES)
def test_grad_of_a_custom_vjp_object_matches_finite_differences(mode):
    got = srcgrad.grad(softplus_sum, mode=mode)(X)
    assert_allclose(got, numeric_grad(softplus_sum, (X,), 0))
    value, g = srcgrad.value_and_grad(softplus_sum, mode=mode)(X)
    assert_allclose(value, np.sum(np.log1p(np.exp(X))))
    assert_allclose(g, got)


@pytest.mark.parametrize("mode", MODES)
def test_vjp_of_a_custom_vjp_object_uses_its_rule(mode):
    value, pullback = srcgrad.vjp(clipped_square, X, mode=mode)
    assert_allclose(value, np.sum(X ** 2))
    (g,) = pullback(2.0)
    assert_allclose(g, np.clip(4.0 * X, -1.0, 1.0))   # the rule's, not 2x of the body


@pytest.mark.parametrize("mode", MODES)
def test_grad_of_a_function_apply_matches_finite_differences(mode):
    torch = pytest.importorskip("srcgrad.torch")

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x ** 3).sum()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    got = srcgrad.grad(Cube.apply, mode=mode)(X)
    assert_allclose(got, numeric_grad(lambda x: np.sum(x ** 3), (X,), 0))


def test_the_source_of_a_custom_vjp_object_says_what_runs():
    g = srcgrad.grad(softplus_sum, mode="compile")
    g(X)
    assert "own gradient" in srcgrad.source(g)
