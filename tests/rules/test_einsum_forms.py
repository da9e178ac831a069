"""``np.einsum`` in the interleaved (sublist) form, and calls passing a
differentiated value past the positions a variadic primitive has rules for,
through both engines and auto.  Oracle: central finite differences."""

import math

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

MODES = ["compile", "tape", "auto"]
W22 = np.array([[0.5, -1.0], [2.0, 1.5]])
W24 = np.arange(1.0, 9.0).reshape(2, 4)


def transpose_sublist(A):
    return np.sum(np.einsum(A, [0, 1], [1, 0]) * W22)


def product_sublist(A, B):
    return np.sum(np.einsum(A, [0, 1], B, [1, 2], [0, 2]) * W24)


def implicit_output(A, B):
    return np.sum(np.einsum(A, [0, 1], B, [1, 2]) * W24)


def three_operands(A, b, c):
    return np.einsum(A, [0, 1], b, [1], c, [0], [])


def ellipsis_sublist(A):
    return np.sum(np.einsum(A, [Ellipsis, 0], [Ellipsis]) * W22)


def trace_sublist(A):
    return np.einsum(np.sin(A), [0, 0])


RNG = np.random.default_rng(7)
A22, A23 = RNG.normal(size=(2, 2)), RNG.normal(size=(2, 3))
B34, b3, c2 = RNG.normal(size=(3, 4)), RNG.normal(size=3), RNG.normal(size=2)
CASES = [(transpose_sublist, (A22,)), (product_sublist, (A23, B34)),
         (implicit_output, (A23, B34)), (three_operands, (A23, b3, c2)),
         (ellipsis_sublist, (RNG.normal(size=(2, 2, 3)),)), (trace_sublist, (A22,))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,args", CASES, ids=[c[0].__name__ for c in CASES])
def test_einsum_sublist_form_matches_finite_differences(fn, args, mode):
    wrt = tuple(range(len(args)))
    got = srcgrad.grad(fn, wrt=wrt, mode=mode)(*[a.copy() for a in args])
    got = got if isinstance(got, tuple) else (got,)
    for i, g in zip(wrt, got):
        assert_allclose(g, numeric_grad(fn, args, i))


def test_einsum_sublist_transpose_hand_derived():
    assert srcgrad.grad(transpose_sublist, mode="compile")(A22.copy()).tolist() == W22.T.tolist()


def max_fifth(x):
    return max(0.0, 0.5, 0.7, 0.9, x)


def hypot_fourth(x):
    return math.hypot(1.0, 2.0, 3.0, x)


def einsum_seventeenth(x):
    one = np.ones(2)
    return np.einsum("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q->", one, one, one, one, one, one,
                     one, one, one, one, one, one, one, one, one, one, x)


@pytest.mark.parametrize("mode", ["compile", "auto"])
@pytest.mark.parametrize("fn,x", [(max_fifth, 3.0), (hypot_fourth, 3.0),
                                  (einsum_seventeenth, np.array([1.0, 2.0]))])
def test_a_differentiated_value_past_the_rules_is_refused(fn, x, mode):
    with pytest.raises(srcgrad.NoRuleError, match="positional arguments"):
        srcgrad.grad(fn, mode=mode)(x)


def test_einsum_past_the_rules_is_refused_on_the_tape():
    with pytest.raises(srcgrad.NoRuleError, match="np.einsum"):
        srcgrad.grad(einsum_seventeenth, mode="tape")(np.array([1.0, 2.0]))


def test_values_within_the_rules_still_differentiate():
    assert srcgrad.grad(lambda x: max(x, 0.5, 0.7, 0.9, 0.1), mode="compile")(3.0) == 1.0
    assert srcgrad.grad(lambda x: max([0.0, 0.5, 0.7, 0.9, x]), mode="compile")(3.0) == 1.0
