"""Assignment through repeated indices: NumPy does not accumulate, the write
that survives is the only one that reaches the result, so only its source
gets a gradient (``rules.mutation.setitem_value_vjp``, used by the compiler's
setitem adjoint and by the tape's ``index_put`` rule).  Every function here
runs in both engines and in auto, against central finite differences."""

import numpy as np
import pytest

import srcgrad
from srcgrad.rules import mutation
from srcgrad.testing import numeric_grad, assert_allclose

W3 = np.array([1.0, 2.0, 3.0])
W33 = np.arange(1.0, 10.0).reshape(3, 3)
MASK = np.array([True, False, True])
IDX = np.array([2, 0, 2])


def list_repeat(x):
    y = np.sin(x[:3])
    y[[0, 0]] = x[3:5]
    return np.sum(y * W3)


def array_repeat(x):
    y = np.sin(x[:3])
    y[IDX] = x[2:5]
    return np.sum(y * W3)


def augmented_repeat(x):
    y = np.cos(x[:3])
    y[[0, 0, 1, 2]] += x[1:5]
    return np.sum(y * W3)


def negative_alias(x):
    y = np.sin(x[:3])
    y[[0, -3]] = x[3:5]
    return np.sum(y * W3)


def scalar_value_twice(x):
    y = np.sin(x[:3])
    y[[1, 1]] = x[4]
    return np.sum(y * W3)


def boolean_mask(x):
    y = np.sin(x[:3])
    y[MASK] = x[3:5]
    return np.sum(y * W3)


def strided_slice(x):
    y = np.sin(x[:3])
    y[::2] = x[3:5]
    return np.sum(y * W3)


def tuple_repeat_2d(x):
    y = np.cos(x)
    y[[0, 0, 2], [1, 1, 0]] = x[1, :]
    return np.sum(y * W33)


def columns_repeat_2d(x):
    y = np.sin(x)
    y[:, [0, 0]] = x[:, 1:]
    return np.sum(y * W33)


def twice_in_a_row(x):
    y = np.sin(x[:3])
    y[[2, 2]] = x[0:2]
    y[[2, 1, 2]] = x[2:5]
    return np.sum(y * y * W3)


VEC = np.array([0.3, -0.7, 1.1, 0.4, -1.3])
MAT = np.array([[0.3, -0.7, 1.1], [0.4, -1.3, 0.8], [0.9, 0.2, -0.5]])
CASES = [(list_repeat, VEC), (array_repeat, VEC), (augmented_repeat, VEC),
         (negative_alias, VEC), (scalar_value_twice, VEC), (boolean_mask, VEC),
         (strided_slice, VEC), (tuple_repeat_2d, MAT), (columns_repeat_2d, MAT),
         (twice_in_a_row, VEC)]


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("fn,x", CASES, ids=[c[0].__name__ for c in CASES])
def test_repeated_index_assignment_matches_finite_differences(fn, x, mode):
    got = srcgrad.grad(fn, mode=mode)(x.copy())
    assert_allclose(got, numeric_grad(fn, (x.copy(),), 0))


def test_only_the_last_writer_gets_the_cotangent():
    """Hand-derived: ``y[[0, 0]] = x[3:5]`` keeps x[4] in y[0]."""
    got = srcgrad.grad(list_repeat, mode="compile")(VEC.copy())
    assert got.tolist() == [0.0, 2 * np.cos(VEC[1]), 3 * np.cos(VEC[2]), 0.0, 1.0]


def test_setitem_value_vjp():
    g = np.array([10.0, 20.0, 30.0])
    assert mutation.setitem_value_vjp(g, [0, 0, 1, 2]).tolist() == [0.0, 10.0, 20.0, 30.0]
    assert mutation.setitem_value_vjp(g, np.array([2, 2])).tolist() == [0.0, 30.0]
    assert mutation.setitem_value_vjp(g, slice(None, 2)).tolist() == [10.0, 20.0]
    assert mutation.setitem_value_vjp(g, 1) == 20.0
    assert mutation.setitem_value_vjp(0.0, [0, 0]) == 0.0
    assert mutation.setitem_value_vjp(g, np.array([], dtype=int)).tolist() == []
    m = np.arange(9.0).reshape(3, 3)
    assert mutation.setitem_value_vjp(m, ([0, 0], [1, 1])).tolist() == [0.0, 1.0]
