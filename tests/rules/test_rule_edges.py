"""Rules on edge inputs (empty arrays, 0-d arrays): an answer shaped like the
argument, never an internal ZeroDivisionError/IndexError/ValueError.  The
finite-difference checks of these cases are spec rows (``[empty]``,
``[0d-axis]``, ``[0d]``); here the ones whose value is nan (NumPy's answer
for the mean of nothing) and both engines."""

import warnings

import numpy as np
import pytest

import srcgrad
from srcgrad.rules import lookup, nn
from srcgrad.testing import numeric_grad, assert_allclose


@pytest.mark.parametrize("fn,args", [
    (np.mean, (np.zeros((0, 3)),)), (np.average, (np.zeros((0, 3)),)),
    (nn.mse_loss, (np.zeros(0), np.zeros(0))), (np.var, (np.zeros((0, 2)),)),
    (np.prod, (np.zeros((0, 3)),)), (np.std, (np.zeros((2, 0)), 1))])
def test_empty_arguments_get_empty_cotangents(fn, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ans = fn(*args)
        for i, rule in enumerate(lookup(fn).vjps):
            if rule is None or i >= len(args) or np.ndim(args[i]) == 0:
                continue
            ct = rule(np.ones(np.shape(ans)), ans, *args)
            assert np.shape(ct) == np.shape(args[i])


def prod_of_nothing(x):
    return np.prod(x[:0]) * np.sum(x)


def cumprod_of_a_number(x):
    return np.sum(np.cumprod(x[0] * x[1], axis=0))


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("fn", [prod_of_nothing, cumprod_of_a_number])
def test_edge_inputs_through_both_engines(fn, mode):
    x = np.array([0.7, -1.2, 2.0])
    assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))


def test_unknown_keywords_are_reported():
    from rules_spec import ROWS
    assert lookup(np.sin).unknown_keywords({"where": True}) == ["where"]
    assert lookup(np.exp).unknown_keywords({"dtype": float}) == ["dtype"]
    for row in ROWS:   # every keyword the spec passes is one its rules take
        assert lookup(row.fn).unknown_keywords(row.kw) == [], row.fn


def pad_with_active_value(x):
    return np.sum(np.pad(x, 1, constant_values=x[0]) * np.arange(5.0) ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_pad_constant_values_gets_its_gradient(mode):
    """``constant_values`` can only be a keyword (the spec rows pass keywords
    as constants), so its rule is checked here; the tape refuses a tracked
    keyword argument."""
    x = np.array([1.0, 2.0, 3.0])
    assert_allclose(srcgrad.grad(pad_with_active_value, mode=mode)(x.copy()),
                    numeric_grad(pad_with_active_value, (x,), 0))
    with pytest.raises(NotImplementedError, match="positionally"):
        srcgrad.grad(pad_with_active_value, mode="tape")(x.copy())


def test_pad_constant_values_rule_against_finite_differences():
    rule = lookup(np.pad).vjps[3]
    x, c = np.arange(6.0).reshape(2, 3), 0.7
    g = np.random.default_rng(0).normal(size=(3, 6))
    eps = 1e-6
    numeric = np.sum(g * (np.pad(x, ((1, 0), (2, 1)), constant_values=c + eps)
                          - np.pad(x, ((1, 0), (2, 1)), constant_values=c - eps))) / (2 * eps)
    got = rule(g, None, x, ((1, 0), (2, 1)), constant_values=c)
    assert got == pytest.approx(numeric)
    with pytest.raises(NotImplementedError, match="one value"):
        rule(g, None, x, ((1, 0), (2, 1)), constant_values=((0.1, 0.2), (0.3, 0.4)))


def clip_keywords(x):
    return np.sum(np.clip(x, min=x[0], max=2.5) ** 2)


def clip_keyword_constants(x):
    return np.sum(np.clip(x, min=0.0, max=2.5) ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
@pytest.mark.parametrize("fn", [clip_keywords, clip_keyword_constants])
def test_clip_min_max_keywords(fn, mode):
    """NumPy 2.1's ``min=``/``max=`` names for the bounds (a tracked bound
    passed by keyword is refused on the tape)."""
    x = np.array([1.0, -2.0, 3.0, 0.5])
    assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))


def test_clip_keyword_constants_on_the_tape():
    x = np.array([1.0, -2.0, 3.0, 0.5])
    assert_allclose(srcgrad.grad(clip_keyword_constants, mode="tape")(x.copy()),
                    numeric_grad(clip_keyword_constants, (x,), 0))
    # the tape's dispatch maps NumPy 2's min=/max= to the rule's positions
    assert_allclose(srcgrad.grad(clip_keywords, mode="tape")(x.copy()),
                    numeric_grad(clip_keywords, (x,), 0))


def clip_bound_keywords(x):
    return np.sum(np.clip(x, a_min=x[0], a_max=2.5) ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_clip_bound_passed_by_keyword(mode):
    """Was an IndexError inside the compiler (a differentiated keyword
    argument of a broadcasting primitive)."""
    x = np.array([1.0, -2.0, 3.0, 0.5])
    assert_allclose(srcgrad.grad(clip_bound_keywords, mode=mode)(x.copy()),
                    numeric_grad(clip_bound_keywords, (x,), 0))


def spectral_and_induced_norms(A):
    return (np.linalg.norm(A, 2) + 0.5 * np.linalg.norm(A, 1) + 0.25 * np.linalg.norm(A, np.inf)
            - 0.1 * np.linalg.norm(A, -2))


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_matrix_norms_through_both_engines(mode):
    """ord=2/-2/1/inf were NotImplementedError."""
    A = np.array([[1.0, -2.0, 0.5], [0.3, 1.5, -0.7], [2.2, 0.1, 1.0]])
    assert_allclose(srcgrad.grad(spectral_and_induced_norms, mode=mode)(A.copy()),
                    numeric_grad(spectral_and_induced_norms, (A,), 0))


def cross_of_2_vectors(x):
    return np.sum(np.cross(x, np.array([[1.0, 2.0], [3.0, 4.0]])) * np.array([1.0, -2.0]))


def cross_mixed(x):
    return np.sum(np.cross(x, np.array([[1.0, 2.0, 0.5], [3.0, 4.0, -1.0]])) ** 2)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("fn", [cross_of_2_vectors, cross_mixed])
def test_cross_with_broadcast_2_vectors(fn, mode):
    """The tape gave a (2, 2) cotangent to a (2,) operand (the output of two
    2-vectors is not the operands' broadcast shape)."""
    from rules_spec import CROSS_OF_2_VECTORS
    if not CROSS_OF_2_VECTORS:
        pytest.skip("this NumPy refuses 2-vectors in np.cross (deprecated in NumPy 2.0)")
    x = np.array([0.5, 1.0])
    assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))
