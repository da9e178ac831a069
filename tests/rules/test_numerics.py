"""Numerics of the reduction rules through both engines (and auto), against
central finite differences: cumulative products with zeros, ``where=``
masks, empty arrays."""

import warnings

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

MODES = ["compile", "tape", "auto"]
W = np.array([0.5, -1.0, 2.0, 1.5, -0.3])


def cumprod_zero(x):
    return np.sum(np.cumprod(x) * W)


def cumprod_zero_axis(x):
    return np.sum(np.cumprod(x, axis=1) * np.arange(1.0, 7.0).reshape(2, 3))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", [[1.5, 0.0, 2.0, -1.0, 3.0], [0.0, 2.0, 0.0, 1.0, 3.0],
                               [1.5, 2.0, 0.5, -1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
def test_cumprod_with_zeros_matches_finite_differences(x, mode):
    x = np.array(x)
    got = srcgrad.grad(cumprod_zero, mode=mode)(x.copy())
    assert np.all(np.isfinite(got))
    assert_allclose(got, numeric_grad(cumprod_zero, (x,), 0))


def test_cumprod_with_zeros_hand_derived():
    # out = [a, ab, abc] with b = 0: d/da = 1 + b + bc = 1, d/db = a + ac, d/dc = ab = 0
    got = srcgrad.grad(lambda x: np.sum(np.cumprod(x)), mode="compile")(np.array([2.0, 0.0, 3.0]))
    assert got.tolist() == [1.0, 8.0, 0.0]


@pytest.mark.parametrize("mode", MODES)
def test_cumprod_with_zeros_along_an_axis(mode):
    x = np.array([[1.5, 0.0, 2.0], [0.0, -1.0, 3.0]])
    got = srcgrad.grad(cumprod_zero_axis, mode=mode)(x.copy())
    assert_allclose(got, numeric_grad(cumprod_zero_axis, (x,), 0))


MASK = np.array([[True, False, True], [False, True, True]])


def sum_where(x):
    return np.sum(x * x, where=x > 0)


def mean_where(x):
    return np.sum(np.mean(np.sin(x), axis=1, where=MASK) * np.array([1.0, 3.0]))


def max_where(x):
    return np.max(x, where=MASK, initial=-5.0)


def var_where(x):
    return np.var(x, where=MASK) + np.std(x, axis=1, where=MASK).sum()


def prod_where(x):
    return np.sum(np.prod(x, axis=0, where=MASK))


def nanmean_where(x):
    return np.nanmean(x, where=MASK)


X = np.array([[0.3, -0.7, 1.1], [0.4, -1.3, 0.8]])
WHERE = [sum_where, mean_where, max_where, var_where, prod_where, nanmean_where]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", WHERE, ids=[f.__name__ for f in WHERE])
def test_reductions_with_where_match_finite_differences(fn, mode):
    got = srcgrad.grad(fn, mode=mode)(X.copy())
    want = numeric_grad(fn, (X.copy(),), 0)
    assert_allclose(got, want)
    assert np.all(got[~MASK] == 0.0) or fn is sum_where


def test_sum_where_hand_derived():
    got = srcgrad.grad(sum_where, mode="compile")(X.copy())
    assert got.tolist() == np.where(X > 0, 2 * X, 0.0).tolist()


def mean_empty(x):
    return np.mean(x[:0]) + np.sum(x)


def mean_empty_rows(x):
    return np.sum(np.mean(x[:, :0], axis=1)) + np.sum(x)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [mean_empty, mean_empty_rows])
def test_mean_of_an_empty_array_is_nan_with_numpys_warning(fn, mode):
    x = np.ones((2, 3)) if fn is mean_empty_rows else np.array([1.0, 2.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, grad = srcgrad.value_and_grad(fn, mode=mode)(x)
    assert np.isnan(value)
    assert any("Mean of empty slice" in str(w.message) for w in caught)
    assert np.shape(grad) == x.shape


@pytest.mark.parametrize("mode", MODES)
def test_std_of_one_entry_has_zero_gradient(mode):
    def f(x):
        return np.sum(np.std(x, axis=1)) + np.sum(x)
    assert srcgrad.grad(f, mode=mode)(np.array([[2.0], [3.0]])).tolist() == [[1.0], [1.0]]
