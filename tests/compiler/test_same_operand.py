"""``x * x`` (every operand of a broadcasting operation the same name, or a
scalar) has ``x``'s shape, so its cotangent is not summed back
(analysis/facts.py ``may_broadcast``), also where ``x``'s shape is unknown:
a leaf of a parameter list.  Gradients against central finite differences
(srcgrad.testing.numeric_grad) in both engines; operands that do broadcast
keep their summing."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def l2(params):
    return sum(np.sum(W * W) for W, _ in params)


def l2_flat(w):
    return np.sum(w * w * 0.5 + w)


def l2_shifted(params):
    """``t = W * W + 1.0`` has W's shape; ``u = W * b`` does not: its sum's
    cotangent stays spread over u's shape."""
    total = 0.0
    for W, b in params:
        t = W * W + 1.0
        u = W * b
        total = total + np.sum(t) * 0.5 + np.sum(u)
    return total


def test_a_reduction_of_a_broadcast_keeps_its_spread():
    params = _params(2)
    g = srcgrad.grad(l2_shifted, mode="compile")
    _flat_check(l2_shifted, params, g(params))
    _flat_check(l2_shifted, params, srcgrad.grad(l2_shifted, mode="tape")(params))
    assert "expand_reduced(btotal, np.shape(u), None, False)" in srcgrad.source(g)


def broadcast_pair(params):
    total = 0.0
    for W, b in params:
        total = total + np.sum(W * b + b * b)
    return total


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(3, 2)), rng.normal(size=2)),
            (rng.normal(size=(2, 4)), rng.normal(size=4))]


def _flat_check(fun, params, got):
    """``got`` (a list of (dW, db)) against finite differences per leaf."""
    for k, (W, b) in enumerate(params):
        for j, leaf in enumerate((W, b)):
            def f(v, k=k, j=j):
                p = [list(pair) for pair in params]
                p[k][j] = v
                return fun([tuple(pair) for pair in p])
            assert_allclose(got[k][j], numeric_grad(f, (leaf,), 0), rtol=1e-5, atol=1e-8)


def test_the_square_of_a_leaf_is_not_summed_back():
    params = _params()
    g = srcgrad.grad(l2, mode="compile")
    got = g(params)
    _flat_check(l2, params, got)
    _flat_check(l2, params, srcgrad.grad(l2, mode="tape")(params))
    source = srcgrad.source(g)
    # lower/same_shape.py: the sum's scalar cotangent times 2 * W, no array of it
    assert "unbroadcast" not in source and "expand_reduced" not in source


def test_operands_that_broadcast_are_summed_back():
    params = _params(1)
    got = srcgrad.grad(broadcast_pair, mode="compile")(params)
    _flat_check(broadcast_pair, params, got)
    _flat_check(broadcast_pair, params, srcgrad.grad(broadcast_pair, mode="tape")(params))
    assert got[0][1].shape == (2,) and got[1][1].shape == (4,)


def test_arrays_and_floats():
    for w in (np.array([[0.3, -1.2], [0.5, 2.0]]), 0.7):
        expected = numeric_grad(l2_flat, (w,), 0)
        assert_allclose(srcgrad.grad(l2_flat, mode="compile")(w), expected, rtol=1e-6)
        assert_allclose(srcgrad.grad(l2_flat, mode="tape")(w), expected, rtol=1e-6)


def rebound_before_sum(params):
    """W is rebound between ``t = W * W`` and ``np.sum(t)``: t's adjoint reads
    the W t was computed from; an alias ``V = W`` squares the same array."""
    total = 0.0
    for W, b in params:
        V = W
        t = V * V
        W = b * 2.0
        total = total + np.sum(t) * 0.5 + np.sum(W * W)
    return total


@pytest.mark.parametrize("layers", [0, 1, 2])
def test_rebound_aliased_and_empty(layers):
    params = _params(3)[:layers]
    for fun in (rebound_before_sum, l2):
        got = srcgrad.grad(fun, mode="compile")(params)
        assert len(got) == layers
        _flat_check(fun, params, got)
        _flat_check(fun, params, srcgrad.grad(fun, mode="tape")(params))
